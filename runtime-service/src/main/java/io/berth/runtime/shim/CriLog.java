package io.berth.runtime.shim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a CRI log file back into the two streams: P records are joined, an F record
 * ends a line. Used for ExecSync output and by tests. The format is the CRI's
 * (kubelet pkg/kubelet/kuberuntime/logs): {@code <RFC3339Nano> <stream> <P|F> <content>}.
 */
public final class CriLog {

    /** The reassembled bytes of each stream and the number of records that were malformed. */
    public record Streams(byte[] stdout, byte[] stderr, int malformed) {
    }

    private CriLog() {
    }

    public static Streams read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    public static Streams parse(byte[] log) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int malformed = 0;
        int start = 0;
        while (start < log.length) {
            int end = indexOf(log, (byte) '\n', start);
            if (end < 0) {
                malformed++;
                break;
            }
            if (!parseRecord(log, start, end, out, err)) {
                malformed++;
            }
            start = end + 1;
        }
        return new Streams(out.toByteArray(), err.toByteArray(), malformed);
    }

    private static boolean parseRecord(byte[] log, int start, int end, ByteArrayOutputStream out,
                                       ByteArrayOutputStream err) {
        int sp1 = indexOf(log, (byte) ' ', start);
        if (sp1 < 0 || sp1 + 10 > end) {
            return false;
        }
        String stream = new String(log, sp1 + 1, 6, java.nio.charset.StandardCharsets.US_ASCII);
        byte tag = log[sp1 + 8];
        if (log[sp1 + 7] != ' ' || log[sp1 + 9] != ' ' || (tag != 'P' && tag != 'F')) {
            return false;
        }
        ByteArrayOutputStream target = switch (stream) {
            case "stdout" -> out;
            case "stderr" -> err;
            default -> null;
        };
        if (target == null) {
            return false;
        }
        target.write(log, sp1 + 10, end - sp1 - 10);
        if (tag == 'F') {
            target.write('\n');
        }
        return true;
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
