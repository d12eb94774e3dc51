#!/bin/sh
# Benchmark of berth-shim (figures, not pass/fail): PSS of an idle shim, log
# throughput, start overhead over the OCI runtime alone. Needs root, runc,
# busybox-static. The machine may be shared: the throughput is also given per
# CPU second of the shim, and the start overhead is also measured with a no-op
# runtime, whose own time does not drown the shim's in noise. Run it at high
# priority so that other load on the machine does not land in the timings:
#   nice -n -20 sh shim/bench/bench.sh [path/to/berth-shim] [MB of output, default 500]
set -eu
SHIM=$(readlink -f "${1:-$(dirname "$0")/../target/berth-shim}")
MB=${2:-500}
RUNS=${RUNS:-20}
W=$(mktemp -d /tmp/bbench.XXXXXX)
R="runc --root=$W/runc"
trap 'for c in $($R list -q 2>/dev/null); do $R delete --force "$c" >/dev/null 2>&1 || true; done; rm -rf "$W"' EXIT

mkdir -p "$W/rootfs/bin" "$W/rootfs/proc" "$W/rootfs/dev" "$W/rootfs/sys" "$W/logs" "$W/exits" "$W/s" "$W/noop"
cp /bin/busybox "$W/rootfs/bin/"
for a in sh sleep cat true; do ln -s busybox "$W/rootfs/bin/$a"; done
# 100 MB of 100-byte lines, the typical shape of container logs.
busybox yes "$(printf '%099d' 0)" | busybox head -c 100000000 > "$W/rootfs/data"

# bundle NAME SCRIPT: a busybox bundle running sh -c SCRIPT
bundle() {
	mkdir -p "$W/$1"
	runc spec --bundle "$W/$1"
	sed -i -e "s#\"terminal\": true#\"terminal\": false#" \
	       -e "s#\"path\": \"rootfs\"#\"path\": \"$W/rootfs\"#" \
	       -e "s#\"sh\"\$#\"sh\", \"-c\", \"$2\"#" "$W/$1/config.json"
}
now_ns() { date +%s%N; }
# shim BUNDLE ID [RUNTIME]: starts a shim for BUNDLE as container ID
shim() {
	"$SHIM" --id "$2" --bundle "$W/$1" --runtime "${3:-runc}" --runtime-arg="--root=$W/runc" \
		--log "$W/logs/$2.log" --exit-file "$W/exits/$2" --socket "$W/s/$2.sock" > "$W/sync.$2"
	# A shell builtin, not grep: no extra process inside the timed span.
	while IFS= read -r line; do
		case "$line" in *'"started"'*) return 0 ;; esac
	done < "$W/sync.$2"
	return 1
}
shim_pid() { sed -n 's/.*"shim","pid":\([0-9]*\).*/\1/p' "$W/sync.$1"; }
wait_exit() { while [ ! -e "$W/exits/$1" ]; do sleep 0.01; done; }
finish() { $R kill "$1" KILL 2>/dev/null || true; wait_exit "$1"; $R delete --force "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { sort -n | head -n 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

N=$(( MB / 100 ))
FILES=$(yes /data | head -n "$N" | tr '\n' ' ')
bundle idle "exec sleep 1000"
bundle flood "cat $FILES; exec sleep 1000"
echo "berth-shim: $SHIM ($(stat -c %s "$SHIM") bytes); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. PSS of one idle shim with a running container.
shim idle pss
SPID=$(shim_pid pss)
sleep 0.5
echo "idle shim PSS: $(awk '/^Pss:/ {print $2}' /proc/$SPID/smaps_rollup) kB" \
     "(RSS $(awk '/^Rss:/ {print $2}' /proc/$SPID/smaps_rollup) kB)"
finish pss

# 2. Log throughput: container output written in CRI format.
OUT=$(( N * 100000000 ))
T0=$(now_ns)
shim flood tp
SPID=$(shim_pid tp)
while [ "$(grep -c . "$W/logs/tp.log" 2>/dev/null || echo 0)" -lt $(( N * 1000000 )) ]; do sleep 0.05; done
T1=$(now_ns)
TICKS=$(cpu_ticks "$SPID")
HZ=$(getconf CLK_TCK)
echo "log throughput: $(( OUT * 1000 / (T1 - T0) )) MB/s wall ($(( OUT / 1000000 )) MB in $(( (T1 - T0) / 1000000 )) ms," \
     "log file $(( $(stat -c %s "$W/logs/tp.log") / 1000000 )) MB);" \
     "$(( OUT / 1000000 * HZ / (TICKS > 0 ? TICKS : 1) )) MB per CPU second of the shim"
finish tp
rm -f "$W/logs/tp.log"

# 3. Start overhead: launch shim -> "started", minus the runtime's create + start alone.
cat > "$W/noop/rt" <<'RT'
#!/bin/sh
while [ $# -gt 0 ]; do case "$1" in --*=*) shift ;; *) break ;; esac; done
case "$1" in
create) sleep 1000 < /dev/null > /dev/null 2>&1 & echo $! > "$5" ;;
delete) ;;
esac
RT
chmod +x "$W/noop/rt"
i=0
while [ $i -lt "$RUNS" ]; do
	T0=$(now_ns); $R create --bundle "$W/idle" "r$i" </dev/null >/dev/null 2>&1; $R start "r$i"; T1=$(now_ns)
	echo $(( T1 - T0 )) >> "$W/runc.times"
	$R delete --force "r$i"
	T0=$(now_ns); shim idle "s$i"; T1=$(now_ns)
	echo $(( T1 - T0 )) >> "$W/shim.times"
	finish "s$i"
	T0=$(now_ns); "$W/noop/rt" create --bundle x --pid-file "$W/noop/pid" n; "$W/noop/rt" start n; T1=$(now_ns)
	echo $(( T1 - T0 )) >> "$W/noop.times"
	kill "$(cat "$W/noop/pid")"
	T0=$(now_ns); shim idle "n$i" "$W/noop/rt"; T1=$(now_ns)
	echo $(( T1 - T0 )) >> "$W/shimnoop.times"
	kill "$(sed -n 's/.*"started","pid":\([0-9]*\).*/\1/p' "$W/sync.n$i")"
	wait_exit "n$i"
	i=$((i + 1))
done
A=$(median < "$W/runc.times"); B=$(median < "$W/shim.times")
C=$(median < "$W/noop.times"); D=$(median < "$W/shimnoop.times")
MC=$(minimum < "$W/noop.times"); MD=$(minimum < "$W/shimnoop.times")
echo "start with runc: create+start median $(( A / 1000 )) us, through the shim $(( B / 1000 )) us," \
     "difference $(( (B - A) / 1000 )) us ($RUNS runs; runc's own spread dominates on a loaded machine)"
echo "start overhead of the shim itself (no-op runtime): median $(( C / 1000 )) us alone, $(( D / 1000 )) us" \
     "through the shim, overhead $(( (D - C) / 1000 )) us; best of $RUNS: $(( MC / 1000 )) us alone," \
     "$(( MD / 1000 )) us through the shim, overhead $(( (MD - MC) / 1000 )) us"

# 4. The same start without the runtime's share, in CPU time (needs python3).
if command -v python3 >/dev/null; then
	python3 "$(dirname "$0")/startcost.py" "$RUNS" "$SHIM" --runtime "$W/noop/rt" --bundle "$W/idle" \
		--log "$W/logs/cost.log" --exit-file "$W/exits/cost@I@" --socket "$W/s/cost@I@.sock"
fi
