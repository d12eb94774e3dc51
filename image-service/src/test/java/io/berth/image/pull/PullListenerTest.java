package io.berth.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.common.error.BerthException;
import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.common.error.UnavailableException;
import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.failure.PullFailure;
import io.berth.image.ref.ImageReference;
import io.berth.image.registry.Credentials;
import io.berth.image.registry.FakeRegistry;
import io.berth.image.rpc.ImageServiceModule;
import io.berth.image.testing.FakeSnapshotter;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the puller tells its listener (the daemon's pull metrics), and how failures are classed. */
class PullListenerTest {

    @TempDir
    Path root;

    private record Event(String what, long bytes, PullFailure reason) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private ImageServiceModule open(FakeRegistry fake, FakeSnapshotter snaps) throws Exception {
        ImageServiceModule m = ImageServiceModule.open(new ImageServiceModule.Options(root,
                RegistryConfig.defaults(), ImageConfig.defaults(), snaps, fake, Clock.systemUTC(), Set::of));
        m.puller().listen(new PullListener() {
            @Override
            public void pulled(ImageReference ref, long bytes, Duration took) {
                events.add(new Event("pulled", bytes, null));
            }

            @Override
            public void failed(ImageReference ref, PullFailure reason, Duration took) {
                events.add(new Event("failed", 0, reason));
            }
        });
        return m;
    }

    private Event next() throws InterruptedException {
        Event e = events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("the listener heard nothing");
        }
        return e;
    }

    private static void pull(ImageServiceModule m, String ref) throws InterruptedException {
        m.puller().pull(ImageReference.parse(ref), Credentials.ANONYMOUS, null);
    }

    @Test
    void hearsBytesOfAPullAndNoneWhenEverythingIsPresent() throws Exception {
        TestImage image = TestImages.threeLayers(Format.OCI);
        long layerBytes = image.layers().stream().mapToLong(l -> l.blob().bytes().length).sum();
        FakeSnapshotter snaps = new FakeSnapshotter();
        try (ImageServiceModule m = open(new FakeRegistry().serve("team/app", "v1", image), snaps)) {
            pull(m, "reg.test/team/app:v1");
            assertEquals(new Event("pulled", layerBytes, null), next());
            pull(m, "reg.test/team/app:v1");
            assertEquals(new Event("pulled", 0, null), next());
            // Every layer unpacked while downloading was committed, none left behind.
            assertEquals(3, snaps.prepared.get());
            assertEquals(0, snaps.discarded.get());
        }
    }

    @Test
    void classesAMissingImageADeniedOneAndATamperedBlob() throws Exception {
        TestImage image = TestImages.threeLayers(Format.DOCKER);
        String tampered = image.layers().get(1).blob().digest().toString();
        FakeRegistry fake = new FakeRegistry().serve("team/app", "v1", image).serve("team/locked", "v1", image)
                .hook(r -> r.uri().getPath().contains("/team/locked/") ? FakeRegistry.Answer.of(401, new byte[0])
                        : r.uri().getPath().endsWith("/blobs/" + tampered)
                        ? FakeRegistry.Answer.of(200, flipLastByte(image.layers().get(1).blob().bytes())) : null);
        FakeSnapshotter snaps = new FakeSnapshotter();
        try (ImageServiceModule m = open(fake, snaps)) {
            assertThrows(NotFoundException.class, () -> pull(m, "reg.test/team/app:nope"));
            assertEquals(PullFailure.NOT_FOUND, next().reason());
            assertThrows(FailedPreconditionException.class, () -> pull(m, "reg.test/team/locked:v1"));
            assertEquals(PullFailure.AUTH, next().reason());
            assertThrows(FailedPreconditionException.class, () -> pull(m, "reg.test/team/app:v1"));
            assertEquals(PullFailure.DIGEST_MISMATCH, next().reason());
            assertEquals(snaps.prepared.get(), snaps.discarded.get() + snaps.unpacks.get(),
                    "every prepared layer was committed or discarded");
        }
    }

    private static byte[] flipLastByte(byte[] b) {
        byte[] copy = b.clone();
        copy[copy.length - 1] ^= 1;
        return copy;
    }

    @Test
    void classesByKindWhenNoTagSaysOtherwise() {
        assertEquals(PullFailure.TIMEOUT, PullFailure.of(new DeadlineExceededException("late")));
        assertEquals(PullFailure.INVALID, PullFailure.of(new InvalidArgumentException("bad ref")));
        assertEquals(PullFailure.REGISTRY_ERROR, PullFailure.of(new UnavailableException("HTTP 502")));
        assertEquals(PullFailure.OTHER, PullFailure.of(new FailedPreconditionException("schema 1")));
        BerthException tagged = new FailedPreconditionException("denied", PullFailure.AUTH.tag());
        assertEquals(PullFailure.AUTH, PullFailure.of(new UnavailableException("wrapped", tagged)));
    }
}
