#!/usr/bin/env bash
# Pull benchmark: Berth's pull path (registry client, content store, unpack
# into overlay snapshots) against a docker-registry on 127.0.0.1.
# Usage (as root): image-service/bench/pull-bench.sh [layers=10] [mbPerLayer=22] [runs=3] [dropCaches=true]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
command -v docker-registry >/dev/null || { echo "needs Debian's docker-registry package" >&2; exit 1; }
mvn -q -pl image-service -am install -DskipTests
mvn -q -pl image-service test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="image-service/target/test-classes:image-service/target/classes:$(cat image-service/target/bench.classpath)"
exec java --enable-native-access=ALL-UNNAMED -Xmx3g -cp "$cp" io.berth.image.pull.PullBenchmark "$@"
