package io.berth.cni.exec;

/** One attachment that GC must keep (spec 1.1.0, "cni.dev/valid-attachments"). */
public record GcAttachment(String containerId, String ifName) {
}
