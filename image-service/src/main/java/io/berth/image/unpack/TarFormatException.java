package io.berth.image.unpack;

import java.io.IOException;

/** The layer's bytes are not a tar archive we can read: corrupt, truncated or unsupported. */
public final class TarFormatException extends IOException {

    public TarFormatException(String message) {
        super(message);
    }

    public TarFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
