package io.berth.runtime.container;

import java.nio.file.Path;

/**
 * Where a container's things live on disk (DESIGN.md §4):
 * <ul>
 * <li>{@code <root>/containers/<id>.json}: the record</li>
 * <li>{@code <root>/containers/<id>/}: the bundle: config.json, rootfs (the overlay
 *     mount point), upper and work (the writable layer)</li>
 * <li>{@code <state>/exits/<id>}: the shim's exit file; {@code exec-<n>} for ExecSync</li>
 * <li>{@code <state>/c/<id>.sock}: the shim's attach/control socket (short: sun_path is 108 bytes)</li>
 * </ul>
 * Records and writable layers survive a reboot; sockets and exit files do not.
 */
public record ContainerLayout(Path root, Path state) {

    public Path recordsDir() {
        return root.resolve("containers");
    }

    public Path bundle(String id) {
        return recordsDir().resolve(id);
    }

    public Path configJson(String id) {
        return bundle(id).resolve("config.json");
    }

    public Path rootfs(String id) {
        return bundle(id).resolve("rootfs");
    }

    public Path upper(String id) {
        return bundle(id).resolve("upper");
    }

    public Path work(String id) {
        return bundle(id).resolve("work");
    }

    /** Where the shim logs when the kubelet gave no log path (the shim always needs one). */
    public Path privateLog(String id) {
        return bundle(id).resolve("container.log");
    }

    public Path exitDir() {
        return state.resolve("exits");
    }

    public Path exitFile(String name) {
        return exitDir().resolve(name);
    }

    /** Characters of an id used in its socket name. */
    static final int SOCKET_NAME = 24;

    public Path socketDir() {
        return state.resolve("c");
    }

    /**
     * A socket path must fit sun_path (108 bytes, 103 usable by the shim), so
     * only a 96-bit prefix of a 64-hex id names it; ids are random, so the
     * prefix is as unique as the id in practice.
     */
    public Path socket(String name) {
        String shortName = name.length() > SOCKET_NAME ? name.substring(0, SOCKET_NAME) : name;
        return socketDir().resolve(shortName + ".sock");
    }

    /** ExecSync's scratch: process.json and the private log of one exec. */
    public Path execDir() {
        return state.resolve("exec");
    }
}
