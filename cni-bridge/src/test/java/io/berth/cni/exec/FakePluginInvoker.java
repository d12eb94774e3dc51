package io.berth.cni.exec;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cni.spec.CniCommand;
import io.berth.cni.spec.CniJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A recording {@link CniPluginInvoker}: every call is kept; answers come from
 * per-type scripts. By default a plugin echoes its prevResult on ADD (or a
 * result with one address when it is first), succeeds otherwise, and reports
 * versions 0.3.0..1.1.0.
 */
public final class FakePluginInvoker implements CniPluginInvoker {

    public final List<PluginCall> calls = new ArrayList<>();
    private final Map<String, Function<PluginCall, PluginOutput>> scripts = new HashMap<>();
    private final List<String> installed = new ArrayList<>();

    public FakePluginInvoker(String... types) {
        installed.addAll(List.of(types));
    }

    public FakePluginInvoker script(String type, Function<PluginCall, PluginOutput> f) {
        scripts.put(type, f);
        return this;
    }

    @Override
    public Optional<Path> locate(String type) {
        return installed.contains(type) ? Optional.of(Path.of("/fake/bin", type)) : Optional.empty();
    }

    @Override
    public synchronized PluginOutput invoke(PluginCall call) throws IOException {
        calls.add(call);
        if (!installed.contains(call.type())) {
            throw new PluginNotFoundException(call.type(), List.of(Path.of("/fake/bin")));
        }
        return scripts.getOrDefault(call.type(), FakePluginInvoker::defaultAnswer).apply(call);
    }

    public synchronized List<PluginCall> calls(CniCommand command) {
        return calls.stream().filter(c -> c.command() == command).toList();
    }

    public static JsonNode stdin(PluginCall call) {
        return CniJson.read(new String(call.stdin(), StandardCharsets.UTF_8));
    }

    public static PluginOutput ok(String stdout) {
        return new PluginOutput(0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    public static PluginOutput fail(int exit, String stdout, String stderr) {
        return new PluginOutput(exit, stdout.getBytes(StandardCharsets.UTF_8),
                stderr.getBytes(StandardCharsets.UTF_8));
    }

    static PluginOutput defaultAnswer(PluginCall call) {
        JsonNode in = stdin(call);
        return switch (call.command()) {
            case ADD -> in.has("prevResult") ? ok(in.get("prevResult").toString()) : ok(firstResult(
                    in.path("cniVersion").asText(), call.env().get("CNI_IFNAME"), call.env().get("CNI_NETNS")));
            case VERSION -> ok("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":"
                    + "[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
            default -> ok("");
        };
    }

    static String firstResult(String version, String ifName, String netns) {
        return """
                {"cniVersion":"%s","interfaces":[{"name":"br0","mac":"aa:bb:cc:dd:ee:01"},
                 {"name":"%s","mac":"aa:bb:cc:dd:ee:02","sandbox":"%s"}],
                 "ips":[{"address":"10.9.0.7/24","gateway":"10.9.0.1","interface":1}],
                 "routes":[{"dst":"0.0.0.0/0"}],"dns":{}}""".formatted(version, ifName, netns);
    }
}
