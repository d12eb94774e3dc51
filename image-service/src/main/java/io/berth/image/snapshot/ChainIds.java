package io.berth.image.snapshot;

import io.berth.common.error.InvalidArgumentException;
import java.util.regex.Pattern;

/** Chain ids and diff ids are sha256 digests in their canonical "sha256:&lt;64 hex&gt;" form. */
final class ChainIds {

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private ChainIds() {
    }

    static boolean valid(String id) {
        return id != null && SHA256.matcher(id).matches();
    }

    static void check(String what, String id) {
        if (!valid(id)) {
            throw new InvalidArgumentException(what + " \"" + id + "\" is not a sha256 digest");
        }
    }
}
