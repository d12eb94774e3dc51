/**
 * Generic pieces for berthd's objects (pod sandboxes, containers).
 *
 * <ul>
 * <li>{@link io.berth.runtime.store.IdGenerator#newId()}: 64 lower-case hex characters.</li>
 * <li>{@link io.berth.runtime.store.NameRegistrar}: {@code reserve(name, id)} throws AlreadyExists
 *     naming the holder; {@code release(name)}, {@code releaseById(id)}; thread-safe, memory only
 *     (re-reserve from the records at start-up).</li>
 * <li>{@link io.berth.runtime.store.RecordStore}: immutable records as {@code <dir>/<id>.json} in a
 *     versioned envelope, written atomically before they become visible; {@code create}, {@code update}
 *     (read-modify-write under the record's lock), {@code get}, {@code find}/{@code resolve} (id or unique
 *     prefix), {@code list}, {@code delete} (idempotent), {@code load} (start-up).</li>
 * <li>{@link io.berth.runtime.store.PrefixIndex}: id or unique prefix to id; an ambiguous prefix is
 *     InvalidArgument, none is NotFound.</li>
 * <li>{@link io.berth.runtime.store.Rollback}: undo stack for multi-step RPCs, with its own deadline.</li>
 * </ul>
 */
package io.berth.runtime.store;
