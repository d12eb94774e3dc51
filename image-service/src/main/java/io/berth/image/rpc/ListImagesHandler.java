package io.berth.image.rpc;

import io.berth.cri.v1.Image;
import io.berth.cri.v1.ImageFilter;
import io.berth.cri.v1.ListImagesRequest;
import io.berth.cri.v1.ListImagesResponse;
import io.berth.image.store.ImageStore;
import java.util.List;

/** ListImages, optionally filtered to the one image a reference or id names. */
public final class ListImagesHandler {

    private final ImageStore images;
    private final ImageMessages messages;

    ListImagesHandler(ImageStore images, ImageMessages messages) {
        this.images = images;
        this.messages = messages;
    }

    public ListImagesResponse handle(ListImagesRequest request) {
        return ListImagesResponse.newBuilder().addAllImages(select(images, messages, request.getFilter())).build();
    }

    static List<Image> select(ImageStore images, ImageMessages messages, ImageFilter filter) {
        String wanted = filter.getImage().getImage();
        if (wanted.isBlank()) {
            return images.list().stream().map(messages::toImage).toList();
        }
        return images.resolve(wanted).map(messages::toImage).stream().toList();
    }
}
