package io.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * A cgroup filesystem imitated with plain files under a temp dir: mkdir fills
 * the new directory with the control files its hierarchy would have, writes
 * must hit existing files, cgroup.subtree_control only accepts controllers the
 * parent offers, and rmdir refuses while tasks or children remain.
 */
final class FakeCgroupFs implements CgroupFs {

    private final Path root;
    private final Map<String, IOException> failingWrites = new ConcurrentHashMap<>();
    private final Map<Path, Integer> busyRmdirs = new ConcurrentHashMap<>();
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private volatile IntConsumer onBusy = attempt -> { };

    FakeCgroupFs(Path root) {
        this.root = root;
    }

    /** Every write as "relative/path=value", in order. */
    List<String> writes() {
        return writes;
    }

    /** Writes to files with this name fail with {@code error}. */
    void failWrites(String fileName, IOException error) {
        failingWrites.put(fileName, error);
    }

    /** Called with the attempt number each time rmdir finds a directory busy. */
    void onBusy(IntConsumer hook) {
        onBusy = hook;
    }

    @Override
    public boolean mkdir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Files.createDirectory(dir);
        populate(dir);
        return true;
    }

    private void populate(Path dir) throws IOException {
        Path hierarchyName = root.relativize(dir).getName(0);
        boolean v2 = Files.exists(root.resolve("cgroup.controllers"));
        if (v2 || hierarchyName.toString().equals("unified")) {
            String enabled = Files.readString(dir.getParent().resolve("cgroup.subtree_control")).strip();
            FakeTrees.writeFiles(dir, FakeTrees.v2Files(enabled));
        } else {
            for (String controller : hierarchyName.toString().split(",")) {
                FakeTrees.writeFiles(dir, FakeTrees.v1Files(controller, false));
            }
        }
    }

    @Override
    public boolean rmdir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        boolean tasks = !Files.readString(dir.resolve("cgroup.procs")).isBlank();
        if (tasks || !children(dir).isEmpty()) {
            int attempt = busyRmdirs.merge(dir, 1, Integer::sum);
            onBusy.accept(attempt);
            throw new CgroupBusyException(dir, tasks ? "tasks remain" : "child cgroups remain");
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        return true;
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public String read(Path file) throws IOException {
        return Files.readString(file);
    }

    @Override
    public void write(Path file, String value) throws IOException {
        IOException failure = failingWrites.get(file.getFileName().toString());
        if (failure != null) {
            throw failure;
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        writes.add(root.relativize(file) + "=" + value);
        switch (file.getFileName().toString()) {
            case "cgroup.subtree_control" -> writeSubtreeControl(file, value);
            case "cgroup.procs" -> Files.writeString(file, Files.readString(file) + value + "\n");
            default -> Files.writeString(file, value);
        }
    }

    /** "+a -b" edits the enabled set; a controller the cgroup lacks is refused like the kernel does. */
    private void writeSubtreeControl(Path file, String value) throws IOException {
        Set<String> offered = Set.of(Files.readString(file.resolveSibling("cgroup.controllers")).strip().split("\\s+"));
        Set<String> enabled = new LinkedHashSet<>(List.of(Files.readString(file).strip().split("\\s+")));
        enabled.remove("");
        for (String token : value.strip().split("\\s+")) {
            String name = token.substring(1);
            if (!offered.contains(name)) {
                throw new NoSuchFileException(file.toString(), null, "controller " + name + " not available");
            }
            if (token.startsWith("+")) {
                enabled.add(name);
            } else {
                enabled.remove(name);
            }
        }
        Files.writeString(file, String.join(" ", enabled));
    }

    @Override
    public List<String> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }
}
