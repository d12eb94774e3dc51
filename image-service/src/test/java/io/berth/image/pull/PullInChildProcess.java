package io.berth.image.pull;

import java.nio.file.Path;

/**
 * A pull in a process of its own, so a test can {@code kill -9} it midway
 * the way berthd would die. Arguments: root directory, image reference.
 */
public final class PullInChildProcess {

    private PullInChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (Stack s = Stack.real(Path.of(args[0]))) {
            System.out.println("pulling " + args[1]);
            System.out.flush();
            s.pull(args[1]);
            System.out.println("done");
        }
    }
}
