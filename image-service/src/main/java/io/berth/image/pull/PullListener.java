package io.berth.image.pull;

import io.berth.image.failure.PullFailure;
import io.berth.image.ref.ImageReference;
import java.time.Duration;

/**
 * Told about every pull the puller ran (one per image and credentials at a
 * time, however many callers shared it), for metrics. Called on the pull's
 * own thread after its cleanup; must be quick and must not throw.
 */
public interface PullListener {

    /** @param bytes layer bytes downloaded for it (0 when everything was present) */
    void pulled(ImageReference ref, long bytes, Duration took);

    void failed(ImageReference ref, PullFailure reason, Duration took);
}
