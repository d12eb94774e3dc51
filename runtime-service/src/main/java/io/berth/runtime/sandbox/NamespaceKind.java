package io.berth.runtime.sandbox;

import io.berth.common.os.Libc;

/** The namespaces a pod pins by itself, with their clone flag and /proc name. */
public enum NamespaceKind {
    NET(Libc.CLONE_NEWNET, "net"),
    IPC(Libc.CLONE_NEWIPC, "ipc"),
    UTS(Libc.CLONE_NEWUTS, "uts"),
    /** Pinned only for userns_options POD pods; berthd never enters it (a JVM cannot). */
    USER(Libc.CLONE_NEWUSER, "user");

    private final int cloneFlag;
    private final String procName;

    NamespaceKind(int cloneFlag, String procName) {
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    public int cloneFlag() {
        return cloneFlag;
    }

    /** The entry under /proc/thread-self/ns. */
    public String procName() {
        return procName;
    }
}
