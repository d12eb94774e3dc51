package io.berth.runtime.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A shell script that speaks just enough of the OCI runtime CLI (run, create, start, delete)
 * to drive the shim without runc: the "container" is a plain process that waits on a
 * fifo until start ("run" starts it at once). A bundle's files steer it: run.sh is the
 * process, fail-create holds an error text, fail-start and hang make those steps fail;
 * delete leaves a "deleted" mark.
 */
final class FakeRuntime {

    private static final String SCRIPT = """
            #!/bin/sh
            STATE=@STATE@
            while [ $# -gt 0 ]; do case "$1" in --*=*) shift ;; *) break ;; esac; done
            cmd=$1; shift
            case "$cmd" in
            create)
              bundle=$2; pidfile=$4; id=$5
              if [ -f "$bundle/fail-create" ]; then cat "$bundle/fail-create" >&2; exit 3; fi
              if [ -f "$bundle/hang" ]; then while :; do sleep 1; done; fi
              mkfifo "$bundle/go"
              sh -c 'read x < "$1"; exec sh "$2"' fake-init "$bundle/go" "$bundle/run.sh" &
              echo $! > "$pidfile"
              echo "$bundle" > "$STATE/$id"
              ;;
            run)
              bundle=$2; pidfile=$5; id=$6
              if [ -f "$bundle/fail-create" ]; then cat "$bundle/fail-create" >&2; exit 3; fi
              if [ -f "$bundle/hang" ]; then while :; do sleep 1; done; fi
              echo "$bundle" > "$STATE/$id"
              if [ -f "$bundle/fail-start" ]; then echo "fake: start refused" >&2; exit 4; fi
              sh "$bundle/run.sh" &
              echo $! > "$pidfile"
              ;;
            start)
              bundle=$(cat "$STATE/$1")
              if [ -f "$bundle/fail-start" ]; then echo "fake: start refused" >&2; exit 4; fi
              echo go > "$bundle/go"
              ;;
            delete)
              id=$2; bundle=$(cat "$STATE/$id" 2>/dev/null)
              if [ -n "$bundle" ]; then touch "$bundle/deleted"; fi
              rm -f "$STATE/$id"
              ;;
            *) echo "fake: unsupported $cmd" >&2; exit 1 ;;
            esac
            """;

    final Path binary;
    private final Path dir;

    FakeRuntime(Path dir) throws IOException {
        this.dir = dir;
        Path state = Files.createDirectories(dir.resolve("fake-state"));
        binary = dir.resolve("fake-runtime");
        Files.writeString(binary, SCRIPT.replace("@STATE@", state.toString()));
        binary.toFile().setExecutable(true);
    }

    /** A bundle whose process is script; extra files (name, content) steer the fake. */
    Path bundle(String id, String script, String... files) throws IOException {
        Path b = Files.createDirectories(dir.resolve("fake-bundles").resolve(id));
        Files.writeString(b.resolve("config.json"), "{}");
        Files.writeString(b.resolve("run.sh"), script + "\n");
        for (int i = 0; i + 1 < files.length; i += 2) {
            Files.writeString(b.resolve(files[i]), files[i + 1]);
        }
        return b;
    }
}
