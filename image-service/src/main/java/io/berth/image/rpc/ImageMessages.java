package io.berth.image.rpc;

import io.berth.cri.v1.Image;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.Int64Value;
import io.berth.image.ref.ImageReference;
import io.berth.image.store.ImageRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Turns stored image records into CRI {@link Image} messages, the same way for every RPC. */
final class ImageMessages {

    private final Set<String> pinnedNames = new HashSet<>();

    /** @param pinned references from {@code [image] pinned}; normalised here so any spelling matches */
    ImageMessages(List<String> pinned) {
        for (String p : pinned) {
            pinnedNames.add(p.startsWith("sha256:") ? p : ImageReference.parse(p).toString());
        }
    }

    boolean pinned(ImageRecord r) {
        return pinnedNames.contains(r.id()) || r.names().stream().anyMatch(pinnedNames::contains);
    }

    Image toImage(ImageRecord r) {
        Image.Builder b = Image.newBuilder().setId(r.id()).addAllRepoTags(r.repoTags())
                .addAllRepoDigests(r.repoDigests()).setSize(r.size()).setPinned(pinned(r))
                .setSpec(ImageSpec.newBuilder().setImage(r.id()).build());
        applyUser(b, r.user());
        return b.build();
    }

    /**
     * The config's User goes to {@code uid} when it is numeric and to
     * {@code username} otherwise; a {@code user:group} form counts by its user
     * part; an empty User sets neither (the runtime then runs as root).
     */
    static void applyUser(Image.Builder b, String user) {
        if (user == null || user.isEmpty()) {
            return;
        }
        String u = user.split(":", 2)[0];
        if (u.matches("\\d{1,18}")) {
            b.setUid(Int64Value.newBuilder().setValue(Long.parseLong(u)));
        } else if (!u.isEmpty()) {
            b.setUsername(u);
        }
    }
}
