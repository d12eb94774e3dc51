package io.berth.common.os;

import java.io.IOException;

/** A libc call failed; carries errno so callers can tell EEXIST from EPERM. */
public final class ErrnoException extends IOException {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ENODATA = 61;
    public static final int EOPNOTSUPP = 95;

    private final int errno;

    public ErrnoException(String call, String target, int errno, String description) {
        super(call + "(" + target + "): " + description + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
