package io.berth.e2e.bench;

import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.ListImagesRequest;
import io.berth.cri.v1.PullImageRequest;
import io.berth.cri.v1.RemoveImageRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The image RPCs on the small image, and pull + unpack throughput of the big
 * one from a cold start (image removed and its bytes gone from the runtime's
 * disk before every pull).
 */
final class ImageSuites {

    private final BenchContext ctx;

    ImageSuites(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** PullImage, ImageStatus, ListImages, RemoveImage of the busybox image, {@code n} times. */
    void images(int n) {
        ImageSpec spec = ImageSpec.newBuilder().setImage(ctx.busyboxImage).build();
        for (int i = 0; i < n; i++) {
            ctx.timed("PullImage", () -> ctx.img().pullImage(PullImageRequest.newBuilder().setImage(spec).build()));
            ctx.timed("ImageStatus", () -> ctx.img().imageStatus(ImageStatusRequest.newBuilder().setImage(spec).build()));
            ctx.timed("ListImages", () -> ctx.img().listImages(ListImagesRequest.getDefaultInstance()));
            ctx.timed("RemoveImage", () -> ctx.img().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build()));
        }
    }

    /**
     * Cold pulls of the big image; records each pull's wall time under
     * "PullImage (big)" and the median throughput in MB/s of compressed bytes.
     */
    void throughput(int pulls) throws IOException, InterruptedException {
        ImageSpec spec = ImageSpec.newBuilder().setImage(ctx.bigImage).build();
        List<Double> mbps = new ArrayList<>();
        ctx.untimed("RemoveImage", () -> ctx.img().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build()));
        long baseline = ctx.daemon.imageBytesOnDisk();
        for (int i = 0; i < pulls; i++) {
            ctx.untimed("RemoveImage", () -> ctx.img().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build()));
            awaitCold(baseline);
            long t0 = System.nanoTime();
            ctx.timed("PullImage (big)", () -> ctx.img().pullImage(PullImageRequest.newBuilder().setImage(spec).build()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            mbps.add(ctx.bigImageBytes / 1e6 / seconds);
        }
        ctx.untimed("RemoveImage", () -> ctx.img().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build()));
        mbps.sort(Double::compare);
        ctx.result.figure("pull.MBps_p50", mbps.get((mbps.size() - 1) / 2));
        ctx.result.figure("pull.MBps_max", mbps.get(mbps.size() - 1));
    }

    /**
     * Waits until the runtime's image bytes on disk are back near what they
     * were before the big image was first pulled (a GC may finish just after
     * RemoveImage returns), so the next pull downloads and unpacks everything.
     */
    private void awaitCold(long baseline) throws IOException, InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        long bytes = ctx.daemon.imageBytesOnDisk();
        while (bytes > baseline + ctx.bigImageBytes / 20) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(ctx.daemon.name + " still holds " + (bytes - baseline)
                        + " bytes of the big image after RemoveImage: the pull would not be cold");
            }
            Thread.sleep(200);
            bytes = ctx.daemon.imageBytesOnDisk();
        }
    }
}
