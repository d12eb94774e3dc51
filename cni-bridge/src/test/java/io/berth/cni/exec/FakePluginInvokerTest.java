package io.berth.cni.exec;

/** The fake honours the same contract as the real invoker. */
class FakePluginInvokerTest extends CniPluginInvokerContract {

    @Override
    CniPluginInvoker invoker() {
        return new FakePluginInvoker("ok", "failing")
                .script("ok", c -> FakePluginInvoker.ok("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"1.0.0\"]}"))
                .script("failing", c -> FakePluginInvoker.fail(3, "{\"code\":7,\"msg\":\"no\"}", ""));
    }
}
