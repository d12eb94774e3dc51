package io.berth.runtime.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Object ids as the kubelet and crictl expect them from other runtimes: 32
 * random bytes in lower-case hex (64 characters), so that a short prefix is
 * almost always unique and ids never repeat across restarts.
 */
public final class IdGenerator {

    public static final int LENGTH = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private IdGenerator() {
    }

    public static String newId() {
        byte[] b = new byte[LENGTH / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** True for a full id as {@link #newId()} makes them. */
    public static boolean isFullId(String s) {
        if (s == null || s.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
