package io.berth.image.rpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the mount point that holds a path, from /proc/self/mountinfo. */
final class MountPoints {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountPoints() {
    }

    static Path of(Path path) throws IOException {
        Path real = path.toRealPath();
        Path best = Path.of("/");
        for (String line : Files.readAllLines(MOUNTINFO)) {
            String[] f = line.split(" ");
            if (f.length < 5) {
                continue;
            }
            Path mp = Path.of(unescape(f[4]));
            if (real.startsWith(mp) && mp.getNameCount() >= best.getNameCount()) {
                best = mp;
            }
        }
        return best;
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
