package io.berth.runtime.store;

import io.berth.common.error.InvalidArgumentException;
import io.berth.common.error.NotFoundException;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Finds a full id from the id itself or a unique prefix of it, as crictl
 * users type them. Thread-safe; lookups are O(log n) on a sorted set, since
 * every id that starts with a prefix sorts right after it.
 */
public final class PrefixIndex {

    private final String kind;
    private final NavigableSet<String> ids = new ConcurrentSkipListSet<>();

    /** @param kind what the ids name, for messages ("pod sandbox", "container") */
    public PrefixIndex(String kind) {
        this.kind = kind;
    }

    public void add(String id) {
        ids.add(id);
    }

    public void remove(String id) {
        ids.remove(id);
    }

    public boolean contains(String id) {
        return ids.contains(id);
    }

    /**
     * The one id that equals or starts with {@code prefix}.
     *
     * @throws NotFoundException        when none does
     * @throws InvalidArgumentException when the prefix is empty or matches more than one id
     */
    public String resolve(String prefix) {
        return find(prefix).orElseThrow(
                () -> new NotFoundException(kind + " \"" + prefix + "\" not found"));
    }

    /**
     * Like {@link #resolve} but empty when nothing matches; still throws for
     * an ambiguous or empty prefix.
     */
    public Optional<String> find(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new InvalidArgumentException(kind + " id must not be empty");
        }
        if (ids.contains(prefix)) {
            return Optional.of(prefix);
        }
        String first = ids.ceiling(prefix);
        if (first == null || !first.startsWith(prefix)) {
            return Optional.empty();
        }
        String second = ids.higher(first);
        if (second != null && second.startsWith(prefix)) {
            throw new InvalidArgumentException(kind + " id prefix \"" + prefix
                    + "\" is ambiguous: it matches " + first + ", " + second + " and maybe more");
        }
        return Optional.of(first);
    }

    public int size() {
        return ids.size();
    }
}
