package io.berth.runtime.store;

import io.berth.common.error.AlreadyExistsException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reserves unique names for ids, so that two concurrent creates with one name
 * cannot both win: the first {@link #reserve} takes the name, the second fails
 * with AlreadyExists naming the holder. Thread-safe; names live in memory only
 * and are re-reserved from the records at start-up.
 */
public final class NameRegistrar {

    private final String kind;
    private final Map<String, String> idByName = new HashMap<>();
    private final Map<String, String> nameById = new HashMap<>();

    /** @param kind what the names belong to, for messages ("pod sandbox", "container") */
    public NameRegistrar(String kind) {
        this.kind = kind;
    }

    /**
     * Takes {@code name} for {@code id}. Reserving the same pair again is a
     * no-op; one id holds at most one name.
     *
     * @throws AlreadyExistsException when another id holds the name, or the id holds another name
     */
    public synchronized void reserve(String name, String id) {
        if (name == null || name.isEmpty() || id == null || id.isEmpty()) {
            throw new IllegalArgumentException("name and id must not be empty");
        }
        String holder = idByName.get(name);
        if (holder != null) {
            if (holder.equals(id)) {
                return;
            }
            throw new AlreadyExistsException(kind + " name \"" + name
                    + "\" is already in use by id " + holder);
        }
        String other = nameById.get(id);
        if (other != null) {
            throw new AlreadyExistsException(kind + " id " + id
                    + " already holds the name \"" + other + "\"");
        }
        idByName.put(name, id);
        nameById.put(id, name);
    }

    /** Frees a name; unknown names are fine (release is idempotent). */
    public synchronized void release(String name) {
        String id = idByName.remove(name);
        if (id != null) {
            nameById.remove(id);
        }
    }

    /** Frees whatever name {@code id} holds; unknown ids are fine. */
    public synchronized void releaseById(String id) {
        String name = nameById.remove(id);
        if (name != null) {
            idByName.remove(name);
        }
    }

    public synchronized Optional<String> holder(String name) {
        return Optional.ofNullable(idByName.get(name));
    }

    public synchronized int size() {
        return idByName.size();
    }
}
