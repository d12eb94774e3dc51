package io.berth.runtime.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One CRI message per stored record, built once and reused until the record
 * changes. The kubelet asks for the same unchanged containers and pods over
 * and over (a relist every second, a status per pod sync); a {@link RecordStore}
 * replaces a record on every change, so identity tells whether the kept
 * message is current. The owner drops the messages of removed records
 * ({@link #forget}) and may build one ahead ({@link #of}) on the call that
 * changed it, when the kubelet is known to ask next.
 *
 * @param <R> the record type
 * @param <M> the message built from it
 */
public final class RecordMessages<R, M> {

    private record Built<R, M>(R record, M message) {
    }

    private final Function<R, String> idOf;
    private final Predicate<String> exists;
    private final Function<R, M> build;
    private final Map<String, Built<R, M>> built = new ConcurrentHashMap<>();

    /** @param exists whether a record with this id is still stored (a removal may race a build) */
    public RecordMessages(Function<R, String> idOf, Predicate<String> exists, Function<R, M> build) {
        this.idOf = idOf;
        this.exists = exists;
        this.build = build;
    }

    public M of(R record) {
        String id = idOf.apply(record);
        Built<R, M> kept = built.get(id);
        if (kept != null && kept.record() == record) {
            return kept.message();
        }
        M m = build.apply(record);
        Built<R, M> entry = new Built<>(record, m);
        built.put(id, entry);
        if (!exists.test(id)) {
            built.remove(id, entry); // removed while this call ran: its forget has already happened
        }
        return m;
    }

    public void forget(String id) {
        built.remove(id);
    }

    public int size() {
        return built.size();
    }
}
