package io.berth.cni.spec;

/** The verbs of the CNI execution protocol, as passed in {@code CNI_COMMAND}. */
public enum CniCommand {
    ADD,
    DEL,
    CHECK,
    VERSION,
    /** Since spec 1.1.0: is the plugin ready to serve ADDs. */
    STATUS,
    /** Since spec 1.1.0: drop resources of attachments not in the valid list. */
    GC;

    /** Whether the verb concerns one attachment (container, netns, ifname). */
    public boolean perAttachment() {
        return this == ADD || this == DEL || this == CHECK;
    }
}
