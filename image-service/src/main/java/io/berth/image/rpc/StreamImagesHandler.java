package io.berth.image.rpc;

import io.berth.cri.v1.Image;
import io.berth.cri.v1.StreamImagesRequest;
import io.berth.cri.v1.StreamImagesResponse;
import io.berth.image.store.ImageStore;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * StreamImages: the ListImages answer in batches, so a node with thousands
 * of images never builds one message near gRPC's size limit.
 */
public final class StreamImagesHandler {

    static final int BATCH = 100;

    private final ImageStore images;
    private final ImageMessages messages;

    StreamImagesHandler(ImageStore images, ImageMessages messages) {
        this.images = images;
        this.messages = messages;
    }

    public void handle(StreamImagesRequest request, StreamObserver<StreamImagesResponse> out) {
        List<Image> all = ListImagesHandler.select(images, messages, request.getFilter());
        for (int i = 0; i < all.size(); i += BATCH) {
            out.onNext(StreamImagesResponse.newBuilder().addAllImages(all.subList(i, Math.min(all.size(), i + BATCH)))
                    .build());
        }
        out.onCompleted();
    }
}
