package io.berth.image.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * An image as the store keeps it. Its id is the config digest, which is what
 * the CRI reports as {@code Image.id} and {@code PullImageResponse.image_ref}.
 * Digests are kept as their {@code sha256:...} strings here because this is
 * the persisted form; the pull validated them before the record was made.
 *
 * @param id config digest
 * @param manifestDigest the platform manifest's digest
 * @param indexDigest the index the manifest was chosen from, or null
 * @param repoTags {@code repo:tag} names
 * @param repoDigests {@code repo@digest} names
 * @param size manifest + config + compressed layers, as containerd reports it
 * @param user the config's {@code User}, may be empty
 * @param pulledAtMillis when the last pull completed
 */
public record ImageRecord(String id, String manifestDigest, String indexDigest, List<LayerRecord> layers,
        List<String> repoTags, List<String> repoDigests, long size, String user, long pulledAtMillis) {

    public ImageRecord {
        layers = List.copyOf(layers);
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        user = user == null ? "" : user;
    }

    /** Every blob this image needs kept: config, manifest, index, layers. */
    public List<String> blobs() {
        List<String> out = new ArrayList<>();
        out.add(id);
        out.add(manifestDigest);
        if (indexDigest != null) {
            out.add(indexDigest);
        }
        layers.forEach(l -> out.add(l.digest()));
        return out;
    }

    public List<String> chainIds() {
        return layers.stream().map(LayerRecord::chainId).toList();
    }

    public List<String> names() {
        List<String> out = new ArrayList<>(repoTags);
        out.addAll(repoDigests);
        return out;
    }

    /** The same image with the names of both, newest content metadata from {@code newer}. */
    public ImageRecord mergedWith(ImageRecord newer) {
        LinkedHashSet<String> tags = new LinkedHashSet<>(repoTags);
        tags.addAll(newer.repoTags);
        LinkedHashSet<String> digests = new LinkedHashSet<>(repoDigests);
        digests.addAll(newer.repoDigests);
        return new ImageRecord(id, newer.manifestDigest, newer.indexDigest, newer.layers, List.copyOf(tags),
                List.copyOf(digests), newer.size, newer.user, newer.pulledAtMillis);
    }

    public ImageRecord withoutNames(java.util.Collection<String> names) {
        return new ImageRecord(id, manifestDigest, indexDigest, layers,
                repoTags.stream().filter(n -> !names.contains(n)).toList(),
                repoDigests.stream().filter(n -> !names.contains(n)).toList(), size, user, pulledAtMillis);
    }
}
