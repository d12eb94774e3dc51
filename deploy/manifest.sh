# Sourced by deploy/install.sh: installing files while keeping the manifest of
# what was installed, and removing exactly that again. Manifest lines are
#   f SHA256 PATH     a file we wrote (removed on uninstall only if unchanged)
#   l TARGET PATH     a symlink we made
#   d - PATH          a directory we created (removed on uninstall if empty)
# PATHs are as on the target system; DESTDIR is prepended when touching them.

CHANGES=0
declare -A OLD=()      # path -> "type value" from the previous manifest
declare -A NEW=()      # path -> "type value" for the manifest being written
NEW_ORDER=()

note() { echo "install.sh: $*"; }

record() {
    local type="$1" value="$2" path="$3"
    [ -n "${NEW[$path]+x}" ] || NEW_ORDER+=("$path")
    NEW[$path]="$type $value"
}

load_manifest() {
    local type value path
    [ -f "$DESTDIR$MANIFEST" ] || return 0
    while read -r type value path; do
        [ -n "$path" ] && OLD[$path]="$type $value"
    done < "$DESTDIR$MANIFEST"
}

# Creates $1 (and missing parents); directories that existed before the first
# install are never recorded, so uninstall leaves /usr/local/bin alone.
ensure_dir() {
    local dir="$1"
    if [ -d "$DESTDIR$dir" ]; then
        while [ "${OLD[$dir]:-}" = "d -" ]; do
            record d - "$dir"
            dir=$(dirname "$dir")
        done
        return 0
    fi
    ensure_dir "$(dirname "$dir")"
    mkdir -m 0755 "$DESTDIR$dir"
    record d - "$dir"
    CHANGES=$((CHANGES + 1))
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# place_file SRC DST MODE: copies with its mtime (the AOT cache checks jar
# mtimes), only when content or mode differ.
place_file() {
    local src="$1" dst="$2" mode="$3" t="$DESTDIR$2"
    ensure_dir "$(dirname "$dst")"
    if [ -f "$t" ] && [ ! -L "$t" ] && cmp -s "$src" "$t" && [ "$(stat -c %a "$t")" = "$mode" ]; then
        :
    else
        install -p -m "$mode" "$src" "$t.install-tmp"
        mv -f "$t.install-tmp" "$t"
        note "installed $dst"
        CHANGES=$((CHANGES + 1))
    fi
    record f "$(sha_of "$t")" "$dst"
}

place_link() {
    local target="$1" link="$2" t="$DESTDIR$2"
    ensure_dir "$(dirname "$link")"
    if [ -L "$t" ] && [ "$(readlink "$t")" = "$target" ]; then
        :
    else
        ln -sfn "$target" "$t"
        note "linked $link -> $target"
        CHANGES=$((CHANGES + 1))
    fi
    record l "$target" "$link"
}

# place_config SRC DST MODE: writes DST only if it does not exist; a file an
# earlier run wrote stays ours (and in the manifest) even if edited since.
place_config() {
    local src="$1" dst="$2" mode="$3"
    ensure_dir "$(dirname "$dst")"
    if [ -e "$DESTDIR$dst" ]; then
        if [ "${OLD[$dst]:-}" != "" ]; then
            record "${OLD[$dst]%% *}" "${OLD[$dst]#* }" "$dst"
        else
            note "kept $dst (exists; not written, not ours to remove)"
        fi
        return 0
    fi
    install -m "$mode" "$src" "$DESTDIR$dst"
    note "wrote $dst"
    CHANGES=$((CHANGES + 1))
    record f "$(sha_of "$DESTDIR$dst")" "$dst"
}

# Removes one manifest entry from the system; an edited file is kept.
remove_entry() {
    local path="$1" type="${2%% *}" value="${2#* }" t="$DESTDIR$1"
    case "$type" in
        f)  [ -f "$t" ] || return 0
            if [ "$(sha_of "$t")" = "$value" ]; then
                rm -f "$t"
                note "removed $path"
                CHANGES=$((CHANGES + 1))
            else
                note "kept $path: changed since it was installed"
            fi ;;
        l)  [ -L "$t" ] || return 0
            rm -f "$t"
            note "removed $path"
            CHANGES=$((CHANGES + 1)) ;;
    esac
}

# Directories deepest first, and only when empty.
remove_dirs() {
    local path
    for path in $(printf '%s\n' "$@" | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-); do
        if [ -d "$DESTDIR$path" ] && rmdir "$DESTDIR$path" 2>/dev/null; then
            note "removed $path/"
            CHANGES=$((CHANGES + 1))
        fi
    done
}

# After a rebuild some jar names change: files of the last install that this
# one did not place are removed, or bin/berthd would put them on the class path.
drop_stale_entries() {
    local path dirs=()
    for path in "${!OLD[@]}"; do
        [ -z "${NEW[$path]+x}" ] || continue
        case "${OLD[$path]}" in
            "d -") dirs+=("$path") ;;
            *) [[ "$path" == "$LIBDIR/"* || "$path" == "$BINDIR/"* ]] && remove_entry "$path" "${OLD[$path]}" ;;
        esac
    done
    [ ${#dirs[@]} -eq 0 ] || remove_dirs "${dirs[@]}"
}

save_manifest() {
    local tmpfile="$DESTDIR$MANIFEST.tmp" path
    # Sorted by path: the order of discovery differs between a first run and a repeat.
    for path in "${NEW_ORDER[@]}"; do
        echo "${NEW[$path]%% *} ${NEW[$path]#* } $path"
    done | LC_ALL=C sort -k3 > "$tmpfile"
    if [ -f "$DESTDIR$MANIFEST" ] && cmp -s "$tmpfile" "$DESTDIR$MANIFEST"; then
        rm -f "$tmpfile"
    else
        mv -f "$tmpfile" "$DESTDIR$MANIFEST"
    fi
}

install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    note "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" \
        || { apt-get update -q && apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"; }
}

# Only an install into systemd's own unit directories concerns the running systemd.
systemd_running() {
    [ -z "$DESTDIR" ] && [ -d /run/systemd/system ] || return 1
    case "$SYSTEMD_DIR" in /etc/systemd/system|/lib/systemd/system|/usr/lib/systemd/system) return 0 ;; esac
    return 1
}

reload_systemd() {
    if systemd_running; then
        systemctl daemon-reload
    fi
}

# berthd's root and state directories, as the installed config names them.
configured_dir() {
    local key="$1" fallback="$2" conf="$DESTDIR$SYSCONFDIR/berth/berth.toml" value=""
    [ ! -f "$conf" ] || value=$(sed -n "s/^$key *= *\"\\(.*\\)\"/\\1/p" "$conf" | head -n1)
    echo "${value:-$fallback}"
}

purge_dir() {
    local dir="$DESTDIR$1"
    [ -d "$dir" ] || return 0
    # Never delete through a live container's overlay or a pinned namespace.
    if awk -v d="$(readlink -f "$dir")" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' \
            /proc/self/mountinfo; then
        note "not purging $1: something is mounted below it (stop berthd and its pods first)"
        return 1
    fi
    rm -rf --one-file-system "$dir"
    note "purged $1"
}

uninstall_all() {
    local path dirs=() root state
    if [ ! -f "$DESTDIR$MANIFEST" ]; then
        note "no manifest at $DESTDIR$MANIFEST; nothing to uninstall"
        return 0
    fi
    if systemd_running && systemctl is-active --quiet berth 2>/dev/null; then
        note "berth.service is running; stop it first (systemctl stop berth: containers keep running)"
        exit 1
    fi
    root=$(configured_dir root /var/lib/berth)
    state=$(configured_dir state /run/berth)
    load_manifest
    for path in "${!OLD[@]}"; do
        if [ "${OLD[$path]}" = "d -" ]; then dirs+=("$path"); else remove_entry "$path" "${OLD[$path]}"; fi
    done
    rm -f "$DESTDIR$MANIFEST"
    [ ${#dirs[@]} -eq 0 ] || remove_dirs "${dirs[@]}"
    reload_systemd
    if [ "$PURGE" -eq 1 ]; then
        purge_dir "$root" && purge_dir "$state"
    else
        note "left $root and $state alone (--purge removes them)"
    fi
    note "uninstalled ($CHANGES removal(s))"
}
