package io.berth.runtime.sandbox;

import java.nio.file.Path;

/**
 * Where a sandbox's things live on disk (DESIGN.md §4):
 * <ul>
 * <li>{@code <root>/sandboxes/<id>.json}: the record (survives reboots)</li>
 * <li>{@code <root>/sandboxes/<id>/}: resolv.conf, hostname, hosts</li>
 * <li>{@code <state>/sandboxes/<id>/ns/{ipc,uts}}: namespace pins (gone after a reboot)</li>
 * <li>{@code <state>/sandboxes/<id>/shm}: the tmpfs the pod's containers share at /dev/shm</li>
 * </ul>
 */
public record SandboxLayout(Path root, Path state) {

    public Path recordsDir() {
        return root.resolve("sandboxes");
    }

    public Path filesDir(String id) {
        return recordsDir().resolve(id);
    }

    public Path stateDir(String id) {
        return state.resolve("sandboxes").resolve(id);
    }

    public Path shm(String id) {
        return stateDir(id).resolve("shm");
    }

    public Path pin(String id, NamespaceKind kind) {
        return stateDir(id).resolve("ns").resolve(kind.procName());
    }
}
