# Shared by bin/berthd and the dev/ scripts (sourced, not run).
# Berth needs Java 25; Debian's default java is often older, so every script
# looks for a JDK >= 25 itself: JAVA_HOME first, then /usr/lib/jvm/*.

BERTH_MIN_JAVA=25

# Major version of the JDK at $1, from its release file (no JVM start-up).
berth_java_major() {
    local release="$1/release" version
    [ -x "$1/bin/java" ] && [ -f "$release" ] || { echo 0; return; }
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    echo "${version:-0}"
}

# Prints the home of a JDK >= 25, newest first after JAVA_HOME; fails if none.
berth_find_java_home() {
    local home
    if [ -n "${JAVA_HOME:-}" ] && [ "$(berth_java_major "$JAVA_HOME")" -ge "$BERTH_MIN_JAVA" ]; then
        echo "$JAVA_HOME"
        return 0
    fi
    for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
        home=${home%/}
        if [ "$(berth_java_major "$home")" -ge "$BERTH_MIN_JAVA" ]; then
            echo "$home"
            return 0
        fi
    done
    return 1
}

# Exports JAVA_HOME and PATH for a JDK >= 25, or stops the script with a clear message.
berth_use_java() {
    local home
    if ! home=$(berth_find_java_home); then
        echo "berth: no JDK >= $BERTH_MIN_JAVA found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm/*)." >&2
        echo "berth: install one, e.g. Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64, or set JAVA_HOME." >&2
        exit 1
    fi
    export JAVA_HOME="$home"
    export PATH="$JAVA_HOME/bin:$PATH"
}

# Installs the Debian packages listed in dev/packages.txt that are missing.
berth_install_packages() {
    local list="$1/dev/packages.txt" missing=() pkg
    while read -r pkg; do
        pkg=${pkg%%#*}
        pkg=$(echo "$pkg" | tr -d '[:space:]')
        [ -n "$pkg" ] || continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done < "$list"
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "berth: installing Debian packages: ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "berth: run as root to install them (apt-get install ${missing[*]})" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
}
