package io.berth.image.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.DeadlineExceededException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.Image;
import io.berth.cri.v1.ImageFilter;
import io.berth.cri.v1.ImageFsInfoRequest;
import io.berth.cri.v1.ImageFsInfoResponse;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.ImageStatusResponse;
import io.berth.cri.v1.ListImagesRequest;
import io.berth.cri.v1.ListImagesResponse;
import io.berth.cri.v1.PullImageRequest;
import io.berth.cri.v1.PullImageResponse;
import io.berth.cri.v1.RemoveImageRequest;
import io.berth.cri.v1.StreamImagesRequest;
import io.berth.cri.v1.StreamImagesResponse;
import io.berth.image.config.ImageConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.registry.JdkHttpTransport;
import io.berth.image.snapshot.OverlaySnapshotter;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImage.Format;
import io.berth.image.testing.TestImages;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every ImageService RPC through its handler, against a real registry and real snapshots. */
class ImageServiceHandlersIT {

    @TempDir
    Path dir;
    RegistryServer registry;
    ImageServiceModule module;
    OverlaySnapshotter snapshots;
    ImageServiceHandlers service;
    TestImage busybox;
    TestImage nobody;

    @BeforeEach
    void setUp() throws Exception {
        registry = RegistryServer.start(dir.resolve("reg"));
        busybox = TestImages.threeLayers(Format.DOCKER);
        nobody = TestImage.builder().format(Format.OCI).user("nobody")
                .layer(TestImages.baseLayer(), TestImage.Compression.GZIP).build();
        RegistryPusher pusher = new RegistryPusher(registry.uri(), null, null);
        pusher.push("rpc/busybox", "v1", busybox);
        pusher.push("rpc/busybox", "v2", busybox);
        pusher.push("rpc/nobody", "latest", nobody);
        snapshots = new OverlaySnapshotter(dir.resolve("root"));
        ImageConfig image = new ImageConfig(List.of(registry.hostPort() + "/rpc/nobody"), null, null);
        module = ImageServiceModule.open(new ImageServiceModule.Options(dir.resolve("root"), RegistryConfig.defaults(),
                image, snapshots, new JdkHttpTransport(), Clock.systemUTC(), Set::of));
        service = new ImageServiceHandlers(module, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        module.close();
        registry.close();
    }

    /**
     * Collects what a handler sends; errors propagate as exceptions instead. A verbose
     * ImageStatus answers from its own thread, so completion is awaited.
     */
    static final class Collector<T> implements StreamObserver<T> {
        final List<T> values = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        volatile boolean completed;

        @Override
        public void onNext(T value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError("handlers must throw, not call onError", t);
        }

        @Override
        public void onCompleted() {
            completed = true;
            done.countDown();
        }

        T single() {
            try {
                done.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertTrue(completed);
            assertEquals(1, values.size());
            return values.getFirst();
        }
    }

    private static ImageSpec spec(String image) {
        return ImageSpec.newBuilder().setImage(image).build();
    }

    private String pull(String repoTag) {
        Collector<PullImageResponse> out = new Collector<>();
        service.pullImage(PullImageRequest.newBuilder().setImage(spec(registry.hostPort() + "/" + repoTag)).build(), out);
        return out.single().getImageRef();
    }

    private ImageStatusResponse status(String image, boolean verbose) {
        Collector<ImageStatusResponse> out = new Collector<>();
        service.imageStatus(ImageStatusRequest.newBuilder().setImage(spec(image)).setVerbose(verbose).build(), out);
        return out.single();
    }

    private List<Image> list(String filter) {
        Collector<ListImagesResponse> out = new Collector<>();
        service.listImages(ListImagesRequest.newBuilder().setFilter(ImageFilter.newBuilder().setImage(spec(filter)))
                .build(), out);
        return out.single().getImagesList();
    }

    @Test
    void pullStatusListStreamAndRemove() throws Exception {
        assertEquals(busybox.id(), pull("rpc/busybox:v1"));
        assertEquals(busybox.id(), pull("rpc/busybox:v2"));
        assertEquals(nobody.id(), pull("rpc/nobody"));

        String v1 = registry.hostPort() + "/rpc/busybox:v1";
        Image img = status(v1, false).getImage();
        assertEquals(busybox.id(), img.getId());
        assertEquals(List.of(v1, registry.hostPort() + "/rpc/busybox:v2"), img.getRepoTagsList());
        assertEquals(List.of(registry.hostPort() + "/rpc/busybox@" + busybox.manifest().digest()),
                img.getRepoDigestsList());
        assertEquals(busybox.size(), img.getSize());
        assertFalse(img.getPinned());
        assertEquals(busybox.id(), status(busybox.id(), false).getImage().getId());
        assertEquals(busybox.id(), status(busybox.id().substring(7, 19), false).getImage().getId());
        assertEquals(busybox.id(), status(img.getRepoDigests(0), false).getImage().getId());

        Image nob = status(registry.hostPort() + "/rpc/nobody:latest", true).getImage();
        assertEquals("nobody", nob.getUsername());
        assertTrue(nob.getPinned());
        String info = status(registry.hostPort() + "/rpc/nobody", true).getInfoOrThrow("info");
        assertTrue(info.contains("\"chainID\":\"" + nobody.chainIds().getLast()) && info.contains("imageSpec"), info);

        assertFalse(status(registry.hostPort() + "/rpc/missing:v1", false).hasImage());
        assertEquals(2, list("").size());
        assertEquals(List.of(nobody.id()), list(registry.hostPort() + "/rpc/nobody").stream().map(Image::getId).toList());
        Collector<StreamImagesResponse> streamed = new Collector<>();
        service.streamImages(StreamImagesRequest.getDefaultInstance(), streamed);
        assertEquals(2, streamed.single().getImagesCount());

        // One tag removes the image with every name; its layers go, the other image's stay.
        service.removeImage(RemoveImageRequest.newBuilder().setImage(spec(v1)).build(), new Collector<>());
        assertFalse(status(registry.hostPort() + "/rpc/busybox:v2", false).hasImage());
        assertEquals(Set.copyOf(nobody.chainIds()), snapshots.list());
        assertFalse(module.content().has(busybox.layers().get(2).blob().digest()));
        // RemoveImage of a missing image succeeds.
        Collector<Object> again = new Collector<>();
        service.removeImage(RemoveImageRequest.newBuilder().setImage(spec(v1)).build(), cast(again));
        assertTrue(again.completed);
        service.removeImage(RemoveImageRequest.newBuilder().setImage(spec(nobody.id())).build(), new Collector<>());
        assertTrue(snapshots.list().isEmpty());
        assertTrue(module.content().list().isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> cast(Collector<Object> c) {
        return (StreamObserver<T>) (StreamObserver<?>) c;
    }

    @Test
    void imageFsInfoReportsTheFilesystemAndUsage() {
        pull("rpc/busybox:v1");
        Collector<ImageFsInfoResponse> out = new Collector<>();
        service.imageFsInfo(ImageFsInfoRequest.getDefaultInstance(), out);
        ImageFsInfoResponse r = out.single();
        var fs = r.getImageFilesystems(0);
        assertTrue(fs.getFsId().getMountpoint().startsWith("/"));
        assertTrue(fs.getUsedBytes().getValue() > TestImages.busybox().length, "counts the unpacked busybox");
        assertTrue(fs.getInodesUsed().getValue() > 10);
        assertTrue(Math.abs(fs.getTimestamp() / 1_000_000_000L - System.currentTimeMillis() / 1000) < 60);
        assertEquals(fs.getFsId(), r.getContainerFilesystems(0).getFsId());
    }

    @Test
    void badReferenceAndGrpcDeadline() throws Exception {
        assertThrows(InvalidArgumentException.class, () -> service.pullImage(PullImageRequest.newBuilder()
                .setImage(spec("Not/A:Valid:Ref")).build(), new Collector<>()));
        assertThrows(InvalidArgumentException.class, () -> service.pullImage(PullImageRequest.getDefaultInstance(),
                new Collector<>()));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Context.CancellableContext ctx = Context.current().withDeadlineAfter(1, TimeUnit.MILLISECONDS, timer);
            long start = System.nanoTime();
            assertThrows(DeadlineExceededException.class, () -> ctx.call(() -> pull("rpc/busybox:v1")));
            ctx.cancel(null);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos());
        } finally {
            timer.shutdownNow();
        }
        assertTrue(module.images().list().isEmpty());
        assertTrue(module.content().ingestFiles().isEmpty());
        assertTrue(snapshots.list().isEmpty());
    }
}
