package io.berth.runtime.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;

/** Calls any RPC of a descriptor with an empty request, to test routing table-wide. */
public final class GenericCalls {

    private GenericCalls() {
    }

    /** The status the server ends the call with (OK if it succeeds). */
    @SuppressWarnings("unchecked")
    public static <Q, R> Status callEmpty(Channel channel, MethodDescriptor<Q, R> method) {
        Q request = ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller()).getMessagePrototype();
        try {
            if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                ClientCalls.blockingServerStreamingCall(channel, method, CallOptions.DEFAULT, request).hasNext();
            } else {
                ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, request);
            }
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}
