package io.berth.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.error.FailedPreconditionException;
import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import io.berth.image.ref.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Turns manifest bytes into a {@link Manifest}, refusing what we cannot pull. */
public final class ManifestParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestParser() {
    }

    /**
     * @param what the reference being resolved, for messages
     * @param contentType the response's Content-Type, used when the body has no mediaType
     */
    public static Manifest parse(String what, byte[] body, String contentType) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new FailedPreconditionException("manifest of " + what + " is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new FailedPreconditionException("manifest of " + what + " is not a JSON object");
        }
        String mediaType = root.path("mediaType").asText("");
        if (mediaType.isEmpty()) {
            mediaType = inferMediaType(root, contentType);
        }
        if (root.path("schemaVersion").asInt() == 1 || MediaTypes.SCHEMA1.contains(mediaType)) {
            throw new FailedPreconditionException("image " + what + " has a Docker schema 1 manifest, which is"
                    + " deprecated and not supported; push it again with a current client");
        }
        if (MediaTypes.INDEXES.contains(mediaType)) {
            return new ManifestIndex(mediaType, descriptors(what, root.path("manifests")));
        }
        if (MediaTypes.IMAGE_MANIFESTS.contains(mediaType)) {
            return imageManifest(what, mediaType, root);
        }
        throw new FailedPreconditionException("image " + what + " has unsupported manifest type \"" + mediaType + "\"");
    }

    private static String inferMediaType(JsonNode root, String contentType) {
        String ct = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!ct.isEmpty() && !ct.equals("application/json")) {
            return ct;
        }
        // OCI allows mediaType to be absent; the shape says which it is.
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        return root.has("config") ? MediaTypes.OCI_MANIFEST : ct;
    }

    private static ImageManifest imageManifest(String what, String mediaType, JsonNode root) {
        Descriptor config = descriptor(what, root.path("config"));
        if (!MediaTypes.CONFIGS.contains(config.mediaType())) {
            throw new FailedPreconditionException("image " + what + " has config of unsupported type \""
                    + config.mediaType() + "\" (not a container image?)");
        }
        List<Descriptor> layers = descriptors(what, root.path("layers"));
        for (Descriptor layer : layers) {
            if (!MediaTypes.LAYERS.contains(layer.mediaType())) {
                throw new FailedPreconditionException("image " + what + " has layer " + layer.digest()
                        + " of unsupported type \"" + layer.mediaType() + "\"");
            }
        }
        return new ImageManifest(mediaType, config, layers);
    }

    private static List<Descriptor> descriptors(String what, JsonNode array) {
        if (!array.isArray()) {
            throw new FailedPreconditionException("manifest of " + what + " lacks a descriptor array");
        }
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode node : array) {
            out.add(descriptor(what, node));
        }
        return out;
    }

    private static Descriptor descriptor(String what, JsonNode node) {
        if (!node.isObject() || !node.path("digest").isTextual() || !node.path("size").canConvertToLong()) {
            throw new FailedPreconditionException("manifest of " + what + " has a malformed descriptor: " + node);
        }
        Digest digest;
        try {
            digest = Digest.parse(node.get("digest").asText());
        } catch (InvalidArgumentException e) {
            throw new FailedPreconditionException("manifest of " + what + " has " + e.getMessage());
        }
        Platform platform = null;
        JsonNode p = node.path("platform");
        if (p.isObject()) {
            platform = new Platform(p.path("os").asText(""), p.path("architecture").asText(""),
                    p.path("variant").asText(""));
        }
        long size = node.get("size").asLong();
        if (size < 0) {
            throw new FailedPreconditionException("manifest of " + what + " has negative size for " + digest);
        }
        return new Descriptor(node.path("mediaType").asText(""), digest, size, platform);
    }

    /** Picks the best manifest for {@code wanted} from an index, or fails naming what there is. */
    public static Descriptor select(String what, ManifestIndex index, Platform wanted) {
        Descriptor best = null;
        int bestScore = 0;
        for (Descriptor d : index.manifests()) {
            int score = d.platform() == null ? 0 : wanted.score(d.platform());
            if (score > bestScore && MediaTypes.IMAGE_MANIFESTS.contains(d.mediaType())) {
                best = d;
                bestScore = score;
            }
        }
        if (best == null) {
            List<String> have = index.manifests().stream()
                    .map(d -> d.platform() == null ? "?" : d.platform().toString()).toList();
            throw new NotFoundException("image " + what + " has no manifest for platform " + wanted
                    + " (it has " + have + ")");
        }
        return best;
    }
}
