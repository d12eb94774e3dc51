package io.berth.image.rpc;

import io.berth.cri.v1.ImageFsInfoRequest;
import io.berth.cri.v1.ImageFsInfoResponse;
import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.ImageStatusResponse;
import io.berth.cri.v1.ListImagesRequest;
import io.berth.cri.v1.ListImagesResponse;
import io.berth.cri.v1.PullImageRequest;
import io.berth.cri.v1.PullImageResponse;
import io.berth.cri.v1.RemoveImageRequest;
import io.berth.cri.v1.RemoveImageResponse;
import io.berth.cri.v1.StreamImagesRequest;
import io.berth.cri.v1.StreamImagesResponse;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;

/**
 * The CRI ImageService, routing each RPC to its handler. Domain failures
 * propagate as BerthExceptions; runtime-service's ErrorMappingInterceptor
 * turns them into status codes (STYLE.md rule 2), so nothing here calls
 * {@code onError}.
 */
public final class ImageServiceHandlers extends ImageServiceGrpc.ImageServiceImplBase {

    private final PullImageHandler pull;
    private final ImageStatusHandler status;
    private final ListImagesHandler list;
    private final StreamImagesHandler stream;
    private final RemoveImageHandler remove;
    private final ImageFsInfoHandler fsInfo;

    public ImageServiceHandlers(ImageServiceModule m, Clock clock) {
        ImageMessages messages = new ImageMessages(m.imageConfig().pinned());
        this.pull = new PullImageHandler(m.puller(), clock);
        this.status = new ImageStatusHandler(m.images(), m.content(), messages);
        this.list = new ListImagesHandler(m.images(), messages);
        this.stream = new StreamImagesHandler(m.images(), messages);
        this.remove = new RemoveImageHandler(m.images(), m.gc());
        this.fsInfo = new ImageFsInfoHandler(m.root(), List.of(m.root().resolve("content"),
                m.root().resolve("images"), m.root().resolve("snapshots")), clock, m.gc()::freeingRuns);
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> out) {
        reply(out, pull.handle(request));
    }

    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> out) {
        status.handle(request, out);
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> out) {
        reply(out, list.handle(request));
    }

    @Override
    public void streamImages(StreamImagesRequest request, StreamObserver<StreamImagesResponse> out) {
        stream.handle(request, out);
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> out) {
        reply(out, remove.handle(request));
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> out) {
        reply(out, fsInfo.handle(request));
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }
}
