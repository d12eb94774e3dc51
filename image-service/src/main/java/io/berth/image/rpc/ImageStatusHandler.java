package io.berth.image.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.error.InternalException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.ImageStatusResponse;
import io.berth.image.content.ContentStore;
import io.berth.image.ref.Digest;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Optional;

/**
 * ImageStatus. A missing image is an empty response, not an error
 * (api.proto: "If the image isn't present, returns a response with
 * ImageStatusResponse.Image set to nil"). {@code verbose} adds an "info"
 * entry with the image config and chain id as JSON, as other runtimes do.
 */
public final class ImageStatusHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageStore images;
    private final ContentStore content;
    private final ImageMessages messages;

    ImageStatusHandler(ImageStore images, ContentStore content, ImageMessages messages) {
        this.images = images;
        this.content = content;
        this.messages = messages;
    }

    /**
     * Answers on the calling thread, which is berthd's gRPC event loop: the record is
     * in memory and readers lock nothing. Only a verbose call reads a blob (the image
     * config, up to 4 MiB) from disk, so it moves to a virtual thread and answers from
     * there; its failures reach the error mapping through {@code onError}.
     */
    public void handle(ImageStatusRequest request, StreamObserver<ImageStatusResponse> out) {
        if (!request.getVerbose()) {
            reply(out, handle(request));
            return;
        }
        Thread.ofVirtual().name("image-status").start(() -> {
            try {
                reply(out, handle(request));
            } catch (RuntimeException e) {
                out.onError(e);
            }
        });
    }

    private static void reply(StreamObserver<ImageStatusResponse> out, ImageStatusResponse response) {
        out.onNext(response);
        out.onCompleted();
    }

    public ImageStatusResponse handle(ImageStatusRequest request) {
        String image = request.getImage().getImage();
        if (image.isBlank()) {
            throw new InvalidArgumentException("ImageStatus: image is empty");
        }
        Optional<ImageRecord> found = images.resolve(image);
        if (found.isEmpty()) {
            return ImageStatusResponse.getDefaultInstance();
        }
        ImageRecord r = found.get();
        ImageStatusResponse.Builder b = ImageStatusResponse.newBuilder().setImage(messages.toImage(r));
        if (request.getVerbose()) {
            b.putInfo("info", verboseInfo(r));
        }
        return b.build();
    }

    private String verboseInfo(ImageRecord r) {
        try {
            ObjectNode info = JSON.createObjectNode();
            info.put("id", r.id());
            info.put("manifestDigest", r.manifestDigest());
            info.put("chainID", r.chainIds().isEmpty() ? "" : r.chainIds().getLast());
            info.set("imageSpec", JSON.readTree(content.read(Digest.parse(r.id()))));
            return JSON.writeValueAsString(info);
        } catch (IOException e) {
            throw new InternalException("cannot read the config of image " + r.id() + ": " + e.getMessage(), e);
        }
    }
}
