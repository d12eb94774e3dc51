#!/usr/bin/env bash
# Installs Berth on a Debian 12 node, as root: the Debian packages it needs at
# run time, berthd (launcher, jars, JDK AOT cache), berth-shim, the systemd
# unit and, only where none exist yet, /etc/berth/berth.toml and
# /etc/crictl.yaml. Idempotent; --uninstall removes exactly what the manifest
# (<prefix>/lib/berth/install-manifest) lists. See deploy/README.md.
set -euo pipefail

REPO="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
RUNTIME_PACKAGES=(runc containernetworking-plugins iptables catatonit util-linux)

usage() {
    cat <<'EOF'
usage: deploy/install.sh [options]
  --prefix DIR        install berthd and berth-shim under DIR (default /usr/local)
  --sysconfdir DIR    berth/berth.toml and crictl.yaml go here (default /etc)
  --systemd-dir DIR   where berth.service goes (default /etc/systemd/system)
  --destdir DIR       stage everything below DIR (paths inside files stay unstaged)
  --no-build          take the artifacts already built in this checkout
  --no-packages       do not install Debian packages
  --with-crun         also install crun (an alternative OCI runtime)
  --uninstall         remove what an earlier install put there (listed in its manifest)
  --purge             with --uninstall: also remove berthd's root and state directories
  --help              this text
EOF
}

PREFIX=/usr/local SYSCONFDIR=/etc SYSTEMD_DIR=/etc/systemd/system DESTDIR=""
BUILD=1 PACKAGES=1 CRUN=0 UNINSTALL=0 PURGE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
        --sysconfdir) SYSCONFDIR="${2:?--sysconfdir needs a directory}"; shift ;;
        --systemd-dir) SYSTEMD_DIR="${2:?--systemd-dir needs a directory}"; shift ;;
        --destdir) DESTDIR="${2:?--destdir needs a directory}"; shift ;;
        --prefix=*) PREFIX="${1#*=}" ;;
        --sysconfdir=*) SYSCONFDIR="${1#*=}" ;;
        --systemd-dir=*) SYSTEMD_DIR="${1#*=}" ;;
        --destdir=*) DESTDIR="${1#*=}" ;;
        --no-build) BUILD=0 ;;
        --no-packages) PACKAGES=0 ;;
        --with-crun) CRUN=1 ;;
        --uninstall) UNINSTALL=1 ;;
        --purge) PURGE=1 ;;
        --help|-h) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
for dir in "$PREFIX" "$SYSCONFDIR" "$SYSTEMD_DIR"; do
    case "$dir" in /*) ;; *) echo "install.sh: $dir is not an absolute path" >&2; exit 2 ;; esac
done
DESTDIR="${DESTDIR%/}"
[ "$PURGE" -eq 0 ] || [ "$UNINSTALL" -eq 1 ] || { echo "install.sh: --purge goes with --uninstall" >&2; exit 2; }

# The installed tree mirrors the checkout (bin/berthd, dev/lib.sh,
# runtime-service/target), so the very launcher the build trains its AOT
# cache with runs unchanged, with the same JVM flags and JDK lookup.
LIBDIR="$PREFIX/lib/berth"
BINDIR="$PREFIX/bin"
MANIFEST="$LIBDIR/install-manifest"

. "$REPO/deploy/manifest.sh"
[ -z "$DESTDIR" ] || mkdir -p "$DESTDIR"

if [ "$UNINSTALL" -eq 1 ]; then
    uninstall_all
    exit 0
fi

if [ "$PACKAGES" -eq 1 ]; then
    [ "$CRUN" -eq 0 ] || RUNTIME_PACKAGES+=(crun)
    install_packages "${RUNTIME_PACKAGES[@]}"
fi
if [ "$BUILD" -eq 1 ]; then
    . "$REPO/dev/lib.sh"
    berth_use_java
    echo "install.sh: building berthd and berth-shim with $JAVA_HOME" >&2
    (cd "$REPO" && mvn -B -q -pl shim,runtime-service -am install -DskipTests)
fi

TARGET="$REPO/runtime-service/target"
SHIM="$REPO/shim/target/berth-shim"
JAR=""
for f in "$TARGET"/berth-runtime-service-*.jar; do
    case "$f" in *-tests.jar|*-sources.jar) ;; *) [ -f "$f" ] && JAR="$f" ;; esac
done
if [ -z "$JAR" ] || [ ! -d "$TARGET/lib" ] || [ ! -x "$SHIM" ]; then
    echo "install.sh: not built: need $TARGET/berth-runtime-service-*.jar, $TARGET/lib/ and $SHIM (drop --no-build)" >&2
    exit 1
fi

load_manifest
place_file "$REPO/bin/berthd" "$LIBDIR/bin/berthd" 755
place_file "$REPO/dev/lib.sh" "$LIBDIR/dev/lib.sh" 644
place_file "$JAR" "$LIBDIR/runtime-service/target/$(basename "$JAR")" 644
for f in "$TARGET"/lib/*.jar; do
    place_file "$f" "$LIBDIR/runtime-service/target/lib/$(basename "$f")" 644
done
[ ! -f "$TARGET/berthd.aot" ] || place_file "$TARGET/berthd.aot" "$LIBDIR/runtime-service/target/berthd.aot" 644
place_link "../lib/berth/bin/berthd" "$BINDIR/berthd"
place_file "$SHIM" "$BINDIR/berth-shim" 755
# bin/berthd hands the JVM -Dberth.shim=<its tree>/shim/target/berth-shim when
# that is executable; the link points it at the installed shim whatever the
# prefix, so berthd does not depend on <prefix>/bin being on systemd's PATH.
place_link "../../../../bin/berth-shim" "$LIBDIR/shim/target/berth-shim"
drop_stale_entries
# bin/berthd uses the AOT cache only if nothing in lib/ is newer than it, and
# creating or changing lib/ gave the directory a new mtime.
[ ! -d "$TARGET/lib" ] || touch -r "$TARGET/lib" "$DESTDIR$LIBDIR/runtime-service/target/lib"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/local/bin/berthd|$BINDIR/berthd|" "$REPO/deploy/berth.service" > "$tmp/berth.service"
place_file "$tmp/berth.service" "$SYSTEMD_DIR/berth.service" 644
"$DESTDIR$BINDIR/berthd" config default > "$tmp/berth.toml"
place_config "$tmp/berth.toml" "$SYSCONFDIR/berth/berth.toml" 644
place_config "$REPO/deploy/crictl.yaml" "$SYSCONFDIR/crictl.yaml" 644
save_manifest

if [ "$CHANGES" -eq 0 ]; then
    echo "install.sh: already installed; nothing changed"
else
    echo "install.sh: $CHANGES change(s); manifest $DESTDIR$MANIFEST"
    reload_systemd
fi
# No CNI file here: the default network's conflist has one source, berthd
# ([cni] default_network), which writes it when the conf dir holds none.
note "start it with: systemctl enable --now berth   (then: crictl info)"
