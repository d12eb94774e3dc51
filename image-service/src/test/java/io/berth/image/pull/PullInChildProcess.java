package io.berth.image.pull;

import java.nio.file.Path;

/**
 * A pull in a process of its own, so a test can {@code kill -9} it midway
 * the way berthd would die. Arguments: root directory, image reference, and
 * optionally "stay": then it prints "idle" after the pull and waits to be
 * killed, an image service with nothing to do.
 */
public final class PullInChildProcess {

    private PullInChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (Stack s = Stack.real(Path.of(args[0]))) {
            System.out.println("pulling " + args[1]);
            System.out.flush();
            s.pull(args[1]);
            System.out.println(args.length > 2 && args[2].equals("stay") ? "idle" : "done");
            System.out.flush();
            if (args.length > 2 && args[2].equals("stay")) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }
}
