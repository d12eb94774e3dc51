package io.berth.cni.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Picks the network config list: the first file named *.conflist, *.conf or
 * *.json in conf_dir in lexical order (as libcni orders them), a .conf being
 * wrapped into a list of one. Each call compares names, sizes and mtimes of
 * the candidates (one directory read) and re-parses only when they changed.
 */
public final class ConfListLoader {

    private final Path confDir;
    private List<Stamp> lastStamps;
    private Selection last;

    private record Stamp(String name, long size, long mtimeNanos) {
    }

    /** Either a usable list or why there is none. */
    public sealed interface Selection {
    }

    public record Found(NetworkConfigList list) implements Selection {
    }

    public record Missing(Path confDir) implements Selection {
    }

    public record Invalid(InvalidNetworkConfigException error) implements Selection {
    }

    public ConfListLoader(Path confDir) {
        this.confDir = confDir;
    }

    public Path confDir() {
        return confDir;
    }

    public synchronized Selection load() {
        List<Stamp> stamps = scan();
        if (last != null && stamps.equals(lastStamps)) {
            return last;
        }
        Selection s = stamps.isEmpty() ? new Missing(confDir) : parse(confDir.resolve(stamps.getFirst().name()));
        lastStamps = stamps;
        last = s;
        return s;
    }

    /** The usable list, if any. */
    public Optional<NetworkConfigList> current() {
        return load() instanceof Found f ? Optional.of(f.list()) : Optional.empty();
    }

    private static Selection parse(Path file) {
        try {
            return new Found(NetworkConfigList.parse(Files.readAllBytes(file), file));
        } catch (InvalidNetworkConfigException e) {
            return new Invalid(e);
        } catch (IOException e) {
            return new Invalid(new InvalidNetworkConfigException(file, "unreadable: " + e.getMessage()));
        }
    }

    private List<Stamp> scan() {
        List<Stamp> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(confDir)) {
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                // Dot files are editors' and AtomicFiles' temporaries.
                if (n.startsWith(".") || !(n.endsWith(".conflist") || n.endsWith(".conf") || n.endsWith(".json"))) {
                    continue;
                }
                stamp(p).ifPresent(out::add);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list CNI conf dir " + confDir, e);
        }
        return out;
    }

    private static Optional<Stamp> stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return Optional.of(new Stamp(p.getFileName().toString(), a.size(), mtime));
        } catch (IOException e) {
            return Optional.empty(); // removed while listing
        }
    }
}
