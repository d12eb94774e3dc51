package io.berth.image.unpack;

import java.util.ArrayList;
import java.util.List;

/**
 * A member name turned into path components below the snapshot root.
 * Leading slashes are dropped, as every layer tool does ("/etc/x" is
 * "etc/x"); "." and empty components vanish; ".." anywhere is refused rather
 * than resolved, since no honest layer needs it.
 */
final class LayerPath {

    private LayerPath() {
    }

    /** The components, or an empty list for the root itself ("./", "/"). */
    static List<String> components(String name) throws UnsafeEntryException {
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new UnsafeEntryException("\"..\" component");
            }
            if (c.indexOf('\0') >= 0) {
                throw new UnsafeEntryException("NUL byte in the name");
            }
            out.add(c);
        }
        return out;
    }
}
