package io.berth.image.snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a committed snapshot directory says about itself, in its "meta" file:
 * a few "key=value" lines. The directory's own name is the short id, so the
 * record never has to be rewritten when the directory is committed.
 */
record SnapshotRecord(int id, String chainId, String parent, String diffId, long usageBytes) {

    String toText() {
        return "chain=" + chainId + "\n"
                + "parent=" + (parent == null ? "" : parent) + "\n"
                + "diff=" + diffId + "\n"
                + "usage=" + usageBytes + "\n";
    }

    /** Empty when the text is not a complete record (a leftover, never committed). */
    static Optional<SnapshotRecord> parse(int id, String text) {
        Map<String, String> kv = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        String chain = kv.get("chain");
        String diff = kv.get("diff");
        String usage = kv.get("usage");
        if (!kv.containsKey("parent") || !ChainIds.valid(chain) || !ChainIds.valid(diff) || usage == null) {
            return Optional.empty();
        }
        String parent = kv.get("parent").isEmpty() ? null : kv.get("parent");
        if (parent != null && !ChainIds.valid(parent)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SnapshotRecord(id, chain, parent, diff, Long.parseLong(usage)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
