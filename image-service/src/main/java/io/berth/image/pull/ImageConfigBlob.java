package io.berth.image.pull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.error.FailedPreconditionException;
import io.berth.image.ref.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pull needs from an image config: the layers' diff ids and the
 * user. Also computes chain ids, the snapshot keys (OCI image spec: the
 * chain id of layer n is sha256 of "chainId(n-1) diffId(n)").
 */
public record ImageConfigBlob(List<String> diffIds, String user) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ImageConfigBlob parse(String what, byte[] config) {
        JsonNode root;
        try {
            root = JSON.readTree(config);
        } catch (IOException e) {
            throw new FailedPreconditionException("config of " + what + " is not valid JSON: " + e.getMessage());
        }
        JsonNode ids = root == null ? null : root.path("rootfs").path("diff_ids");
        if (ids == null || !ids.isArray()) {
            throw new FailedPreconditionException("config of " + what + " has no rootfs.diff_ids");
        }
        List<String> diffIds = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!Digest.isDigest(id.asText())) {
                throw new FailedPreconditionException("config of " + what + " has invalid diff id " + id);
            }
            diffIds.add(id.asText());
        }
        return new ImageConfigBlob(diffIds, root.path("config").path("User").asText(""));
    }

    public List<String> chainIds() {
        List<String> out = new ArrayList<>();
        String chain = null;
        for (String diff : diffIds) {
            chain = chain == null ? diff : Digest.of((chain + " " + diff).getBytes(StandardCharsets.UTF_8)).toString();
            out.add(chain);
        }
        return out;
    }
}
