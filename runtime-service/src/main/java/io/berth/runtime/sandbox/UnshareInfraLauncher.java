package io.berth.runtime.sandbox;

import io.berth.common.error.FailedPreconditionException;
import io.berth.common.os.UserNamespaceHolder;
import io.berth.runtime.oci.KernelVersion;
import io.berth.runtime.oci.RuntimeFeatures;
import io.berth.runtime.oci.UserNamespaceSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts the infra process with util-linux and catatonit, no image needed:
 * {@code setsid unshare --pid --fork --kill-child catatonit -P}. unshare makes
 * the PID namespace and forks catatonit into it as PID 1; catatonit's pause
 * mode does nothing but reap the zombies that orphaned processes of the pod
 * leave to it. setsid keeps a terminal's ^C away from it; --kill-child makes
 * catatonit die if its unshare parent is killed, so no PID namespace is ever
 * orphaned. (A berth-shim infra mode could replace both programs later.)
 *
 * <p>Pods with a user namespace need it created first, with the other
 * namespaces inside it (see {@link #startInUserNamespace}). berthd cannot do
 * that itself: a multi-threaded process may not unshare a user namespace.
 */
public final class UnshareInfraLauncher implements InfraLauncher {

    static final String INFRA_COMM = "catatonit";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> command;
    private final Path catatonit;

    /** @param catatonit the catatonit binary (Debian: /usr/bin/catatonit) */
    public UnshareInfraLauncher(Path catatonit) {
        this.catatonit = catatonit;
        this.command = List.of("setsid", "unshare", "--pid", "--fork", "--kill-child", catatonit.toString(), "-P");
    }

    public static UnshareInfraLauncher system() {
        return new UnshareInfraLauncher(Path.of("/usr/bin/catatonit"));
    }

    @Override
    public InfraProcess start(String sandboxId) throws IOException {
        return launch(command, sandboxId);
    }

    /** Runs {@code argv} (ending in unshare ... catatonit) and waits for catatonit. */
    private static InfraProcess launch(List<String> argv, String sandboxId) throws IOException {
        Process unshare = new ProcessBuilder(argv)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            return awaitInfra(unshare, sandboxId);
        } catch (IOException | RuntimeException e) {
            // --kill-child takes catatonit along, if it got that far.
            unshare.destroyForcibly();
            throw e;
        }
    }

    /**
     * Two steps, because the mapping must exist before the process that makes
     * the other namespaces runs as the pod's root. (1) {@code unshare --user}
     * runs a shell that only waits on its stdin: berthd, host root, writes its
     * uid_map and gid_map (util-linux's own --map-users would need newuidmap).
     * (2) {@code nsenter --user} joins that namespace as its root (nsenter
     * switches to uid and gid 0 there, the mapped host ids, with the
     * namespace's capabilities) and runs the usual unshare + catatonit, whose
     * new namespaces the user namespace therefore owns. The holder of step 1
     * then ends; the namespace lives on in catatonit and in the caller's pins.
     */
    @Override
    public InfraProcess startInUserNamespace(String sandboxId, UserNamespaceSpec.Mappings userns,
                                             boolean pidNamespace) throws IOException {
        if (!RuntimeFeatures.Kernel.running().userNamespaces()) {
            // Refused before anything exists; Status says user_namespaces false on such a node too.
            throw new FailedPreconditionException("pod sandbox " + sandboxId + ": userns_options mode POD: this "
                    + "node cannot give a pod its own user namespace (user namespaces off, or kernel "
                    + KernelVersion.running() + " cannot idmap overlay layers)");
        }
        try (UserNamespaceHolder holder = UserNamespaceHolder.start(line(userns.uid()), line(userns.gid()),
                START_TIMEOUT)) {
            List<String> argv = new ArrayList<>(List.of("setsid", "nsenter", "--target", Long.toString(holder.pid()),
                    "--user", "--", "unshare", "--net", "--ipc", "--uts"));
            if (pidNamespace) {
                argv.add("--pid");
            }
            argv.addAll(List.of("--fork", "--kill-child", catatonit.toString(), "-P"));
            return launch(argv, sandboxId);
        } catch (IOException e) {
            throw new IOException("user namespace for sandbox " + sandboxId + ": " + e.getMessage(), e);
        }
    }

    private static String line(UserNamespaceSpec.Mapping m) {
        return m.containerId() + " " + m.hostId() + " " + m.size();
    }

    /** Waits until unshare's child has become catatonit (exec done), then identifies it. */
    private static InfraProcess awaitInfra(Process unshare, String sandboxId) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Path children = Path.of("/proc", Long.toString(unshare.pid()), "task", Long.toString(unshare.pid()),
                "children");
        while (System.nanoTime() < deadline) {
            if (!unshare.isAlive()) {
                throw new IOException("infra process for sandbox " + sandboxId + " exited at once (status "
                        + unshare.exitValue() + "): is catatonit installed?");
            }
            Optional<ProcStat> infra = childOf(children).flatMap(ProcStat::read)
                    .filter(s -> s.comm().equals(INFRA_COMM) && s.running());
            if (infra.isPresent()) {
                return new InfraProcess(infra.get().pid(), infra.get().startTime());
            }
            sleepBriefly();
        }
        throw new IOException("infra process for sandbox " + sandboxId + " did not start within "
                + START_TIMEOUT.toMillis() + " ms");
    }

    private static Optional<Long> childOf(Path children) {
        try {
            String text = Files.readString(children).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text.split(" ")[0]));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void stop(InfraProcess p) throws IOException {
        if (!alive(p)) {
            return;
        }
        // SIGKILL to PID 1 of the namespace: the kernel kills everything else in it.
        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (alive(p)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("infra process " + p.pid() + " still runs " + STOP_TIMEOUT.toSeconds()
                        + " s after SIGKILL");
            }
            sleepBriefly();
        }
    }

    @Override
    public boolean alive(InfraProcess p) {
        return ProcStat.read(p.pid()).filter(s -> s.startTime() == p.startTime() && s.running()).isPresent();
    }

    private static void sleepBriefly() throws IOException {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the infra process", e);
        }
    }
}
