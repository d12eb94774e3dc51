package io.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowering a process's oom_score_adj below its current floor needs
 * CAP_SYS_RESOURCE (proc(5)). Containers inherit berthd's value through the
 * shim and the OCI runtime, so without the capability a negative request
 * (the kubelet asks -997 for Guaranteed pods) would make runc fail the
 * container. We probe once and clamp instead: the pod runs with a slightly
 * worse OOM priority rather than not at all.
 */
public final class OomScoreAdj {

    private static final Logger LOG = LoggerFactory.getLogger(OomScoreAdj.class);

    public static final int MIN = -1000;
    public static final int MAX = 1000;
    /** CAP_SYS_RESOURCE's bit in the capability sets (linux/capability.h). */
    static final int CAP_SYS_RESOURCE = 24;

    private final boolean canLower;
    private final int current;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param canLower whether berthd's children may go below {@code current}
     * @param current  berthd's own oom_score_adj, which its children inherit
     */
    public OomScoreAdj(boolean canLower, int current) {
        this.canLower = canLower;
        this.current = Math.clamp(current, MIN, MAX);
    }

    public boolean canLower() {
        return canLower;
    }

    /** The lowest value a container can get. */
    public int floor() {
        return canLower ? MIN : current;
    }

    /**
     * The value to put in the OCI spec for a requested one: within the kernel's
     * range and, without the capability, not below berthd's own. Logs the first
     * time the capability is what made the difference.
     */
    public int clamp(int requested) {
        int allowed = Math.clamp(requested, floor(), MAX);
        if (!canLower && requested < current && warned.compareAndSet(false, true)) {
            LOG.warn("oom_score_adj {} requested but berthd lacks CAP_SYS_RESOURCE; using {} (berthd's own value)"
                    + " for this and later containers", requested, allowed);
        }
        return allowed;
    }

    /**
     * Probes the real host: writes one below our own value into a short-lived
     * child's oom_score_adj. The kernel's answer is the truth (capabilities,
     * user namespaces and LSMs all play a part); the CapEff bit is only the
     * fallback when no child can be started.
     */
    public static OomScoreAdj probe() {
        Path proc = Path.of("/proc");
        int current = readCurrent(proc.resolve("self/oom_score_adj"));
        boolean canLower;
        if (current <= MIN) {
            canLower = true; // nothing below -1000 to ask for
        } else {
            Boolean tried = tryLowerChild(proc, current - 1);
            canLower = tried != null ? tried : hasCapability(readOrEmpty(proc.resolve("self/status")),
                    CAP_SYS_RESOURCE);
        }
        if (!canLower) {
            LOG.warn("berthd cannot lower oom_score_adj below {} (no CAP_SYS_RESOURCE); negative values"
                    + " requested for containers will be raised to {}", current, current);
        }
        return new OomScoreAdj(canLower, current);
    }

    /** True/false from the kernel's answer, null when the probe could not run. */
    private static Boolean tryLowerChild(Path proc, int value) {
        Process child;
        try {
            child = new ProcessBuilder("sleep", "30").redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        try {
            Files.writeString(proc.resolve(child.pid() + "/oom_score_adj"), Integer.toString(value));
            return true;
        } catch (IOException e) {
            // EACCES or EPERM: the kernel refused to lower it.
            return Files.exists(proc.resolve(Long.toString(child.pid()))) ? false : null;
        } finally {
            child.destroyForcibly();
            try {
                child.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether {@code status} (the text of /proc/PID/status) has capability {@code bit} in CapEff. */
    static boolean hasCapability(String status, int bit) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                return (caps & (1L << bit)) != 0;
            }
        }
        return false;
    }

    private static int readCurrent(Path file) {
        String text = readOrEmpty(file).strip();
        return text.isEmpty() ? 0 : Integer.parseInt(text);
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
