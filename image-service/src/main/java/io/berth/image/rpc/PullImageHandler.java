package io.berth.image.rpc;

import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.UnavailableException;
import io.berth.cri.v1.AuthConfig;
import io.berth.cri.v1.PullImageRequest;
import io.berth.cri.v1.PullImageResponse;
import io.berth.image.pull.ImagePuller;
import io.berth.image.ref.ImageReference;
import io.berth.image.registry.Credentials;
import io.berth.image.store.ImageRecord;
import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * PullImage: pulls the image and answers with its id, the config digest
 * (api.proto: image_ref "must equal Image.id"). The gRPC deadline bounds the
 * wait; a cancelled call stops waiting at once.
 */
public final class PullImageHandler {

    private final ImagePuller puller;
    private final Clock clock;

    public PullImageHandler(ImagePuller puller, Clock clock) {
        this.puller = puller;
        this.clock = clock;
    }

    public PullImageResponse handle(PullImageRequest request) {
        String image = request.getImage().getImage();
        if (image.isBlank()) {
            throw new InvalidArgumentException("PullImage: image reference is empty");
        }
        ImageReference ref = ImageReference.parse(image);
        Credentials creds = credentials(request.getAuth());
        Context ctx = Context.current();
        Deadline deadline = ctx.getDeadline();
        Instant until = deadline == null ? null : clock.instant().plusNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
        Thread caller = Thread.currentThread();
        Context.CancellationListener onCancel = c -> caller.interrupt();
        ctx.addListener(onCancel, Runnable::run);
        try {
            ImageRecord r = puller.pull(ref, creds, until);
            return PullImageResponse.newBuilder().setImageRef(r.id()).build();
        } catch (InterruptedException e) {
            // gRPC cancels the context when its deadline passes; say which it was.
            if (deadline != null && deadline.isExpired()) {
                throw new DeadlineExceededException("PullImage " + ref + " did not finish before the deadline");
            }
            throw new UnavailableException("PullImage " + ref + " was cancelled by the caller", e);
        } finally {
            ctx.removeListener(onCancel);
            // Do not leak an interrupt from a late cancellation into the next call on this thread.
            Thread.interrupted();
        }
    }

    static Credentials credentials(AuthConfig a) {
        return Credentials.fromAuthConfig(a.getUsername(), a.getPassword(), a.getAuth(), a.getIdentityToken(),
                a.getRegistryToken());
    }
}
