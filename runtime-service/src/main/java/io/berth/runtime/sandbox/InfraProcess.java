package io.berth.runtime.sandbox;

/**
 * The pod's infra process, PID 1 of its shared PID namespace.
 *
 * @param pid       host pid
 * @param startTime field 22 of /proc/PID/stat when it started, so that a
 *                  recycled pid is never mistaken for it (and never killed)
 */
public record InfraProcess(long pid, long startTime) {

    /** Where containers join the pod's PID namespace. */
    public String pidNamespacePath() {
        return "/proc/" + pid + "/ns/pid";
    }
}
