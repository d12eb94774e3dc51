package io.berth.runtime.shim;

/**
 * Wire constants of the attach/control socket of berth-shim.
 * Keep in sync with shim/PROTOCOL.md and shim/src/protocol.h.
 */
public final class ShimProtocol {

    /** 1 byte type, 4 bytes big-endian payload length. */
    public static final int FRAME_HEADER = 5;
    /** The shim drops a client that sends a larger frame. */
    public static final int FRAME_MAX_PAYLOAD = 65536;

    // client -> shim
    public static final byte STDIN = 0x01;
    public static final byte CLOSE_STDIN = 0x02;
    public static final byte RESIZE = 0x03;
    public static final byte REOPEN_LOG = 0x04;
    public static final byte ATTACH = 0x05;

    // shim -> client
    public static final byte STDOUT = (byte) 0x81;
    public static final byte STDERR = (byte) 0x82;
    public static final byte EXIT = (byte) 0x83;
    public static final byte ACK = (byte) 0x84;

    public static final byte ATTACH_STDOUT = 0x01;
    public static final byte ATTACH_STDERR = 0x02;

    /** Longest content of one CRI log record; longer lines become P records. */
    public static final int LOG_MAX_LINE = 16384;

    private ShimProtocol() {
    }
}
