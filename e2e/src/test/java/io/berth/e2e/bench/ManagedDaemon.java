package io.berth.e2e.bench;

import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.PodSandbox;
import io.berth.cri.v1.PodSandboxStatusRequest;
import io.berth.cri.v1.RemovePodSandboxRequest;
import io.berth.cri.v1.StopPodSandboxRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CRI daemon the benchmark started: its process, its private directory and
 * the client to it. {@link #close} removes every pod through the CRI (so the
 * runtime itself runs CNI DEL and removes its netns and cgroups), stops the
 * daemon, then ends its leftover helpers by pid and unmounts what is left
 * under its directory.
 */
abstract class ManagedDaemon implements AutoCloseable {

    private static final Pattern NETNS = Pattern.compile("(/var)?/run/netns/[A-Za-z0-9._-]+");

    final String name;
    final Path dir;
    final Path socket;
    private Process process;
    private CriClient client;
    private String version = "?";
    /** Network namespaces the runtime reported for our pods, checked after teardown. */
    private final Set<String> netnsSeen = new TreeSet<>();

    ManagedDaemon(String name, Path dir) throws IOException {
        this.name = name;
        this.dir = Files.createDirectories(dir);
        this.socket = dir.resolve("cri.sock");
    }

    /** The command line that starts the daemon in the foreground. */
    abstract List<String> command() throws IOException;

    /** Environment additions (e.g. PATH so containerd finds its matching shim). */
    Map<String, String> environment() {
        return Map.of();
    }

    /** True for a helper process (shim) this daemon started, from its argv. */
    abstract boolean isHelper(List<String> argv);

    abstract String helperName();

    /** Extra diagnostics at a footprint step (e.g. the JVM's own memory breakdown), or empty. */
    String memoryDetail() {
        return "";
    }

    /** Bytes the runtime keeps for pulled images (content + unpacked), to prove a pull was cold. */
    abstract long imageBytesOnDisk() throws IOException;

    void start() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile());
        pb.environment().putAll(environment());
        process = pb.start();
        Cleanups.register(this);
        client = new CriClient(socket);
        try {
            var v = client.awaitReady(socket, process::isAlive, Duration.ofSeconds(120));
            version = v.getRuntimeName() + " " + v.getRuntimeVersion();
        } catch (RuntimeException e) {
            throw new IllegalStateException(name + " did not start; log " + dir.resolve("daemon.log") + ":\n"
                    + tail(dir.resolve("daemon.log")), e);
        }
    }

    CriClient client() {
        return client;
    }

    String version() {
        return version;
    }

    long pid() {
        return process.pid();
    }

    List<Long> helperPids() {
        return Procs.find(this::isHelper);
    }

    /** Remembers the netns paths named in a verbose PodSandboxStatus, to check them after teardown. */
    void noteNetns(String verboseInfo) {
        Matcher m = NETNS.matcher(verboseInfo);
        while (m.find()) {
            netnsSeen.add(m.group());
        }
    }

    /** Stops and removes every pod the runtime lists; returns how many there were. */
    int removeAllPods() {
        List<PodSandbox> pods;
        try {
            pods = client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return 0; // a runtime without pods yet: nothing to remove
            }
            throw e;
        }
        int n = 0;
        for (PodSandbox p : pods) {
            try {
                var status = client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                        .setPodSandboxId(p.getId()).setVerbose(true).build());
                noteNetns(String.join("\n", status.getInfoMap().values()));
            } catch (StatusRuntimeException ignored) {
                // the netns check below simply knows one path less
            }
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
            n++;
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        Cleanups.unregister(this);
        List<String> problems = new ArrayList<>();
        try {
            if (client != null && process.isAlive()) {
                removeAllPods();
            }
        } catch (RuntimeException | Error e) {
            // Even a broken client (e.g. a class gone from under it) must not keep the daemon alive.
            problems.add("removing pods through the CRI: " + e);
        } finally {
            stopEverything(problems);
        }
        problems.forEach(p -> System.err.println("bench: " + name + ": " + p));
    }

    private void stopEverything(List<String> problems) throws Exception {
        if (client != null) {
            client.close();
        }
        if (process != null) {
            Procs.terminate(process.pid(), 15_000);
            process.waitFor();
        }
        for (long pid : helperPids()) {
            problems.add("killed leftover " + helperName() + " pid " + pid);
            Procs.terminate(pid, 5_000);
        }
        for (String ns : netnsSeen) {
            if (Files.exists(Path.of(ns))) {
                problems.add("removed leftover netns " + ns);
                HostCleanup.run("umount", ns);
                Files.deleteIfExists(Path.of(ns));
            }
        }
        problems.addAll(HostCleanup.unmountUnder(dir));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
