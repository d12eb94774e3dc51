#!/usr/bin/env python3
"""CPU cost of starting a shim, without the runtime's: on a loaded machine wall
time mostly measures the scheduler. Counts the shim's three processes: the one
berthd starts and the intermediate (rusage, since one waits for the other) and
the detached shim up to its answer (/proc/PID/schedstat, its on-CPU time).
usage: startcost.py RUNS SHIM ARGS...   (ARGS without --id, which it adds)"""
import json, os, resource, signal, sys, time

def one(i, shim, args):
    r, w = os.pipe()
    t0 = time.perf_counter_ns()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)
        os.execv(shim, [shim, "--id", "cost%d" % i] + args)
    os.close(w)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter_ns() - t0
    lines = os.read(r, 4096).decode().splitlines()
    os.close(r)
    msgs = [json.loads(l) for l in lines]
    shim_pid = next(m["pid"] for m in msgs if m["type"] == "shim")
    started = next(m["pid"] for m in msgs if m["type"] == "started")
    with open("/proc/%d/schedstat" % shim_pid) as f:
        detached_ns = int(f.read().split()[0])
    os.kill(started, signal.SIGKILL)
    cpu_ns = int((ru.ru_utime + ru.ru_stime) * 1e9) + detached_ns
    return wall, cpu_ns

def true_cost(runs):
    """The CPU cost of fork + exec of /bin/true, for scale."""
    cost = []
    for _ in range(runs):
        pid = os.fork()
        if pid == 0:
            os.execv("/bin/true", ["true"])
        _, _, ru = os.wait4(pid, 0)
        cost.append(int((ru.ru_utime + ru.ru_stime) * 1e9))
    cost.sort()
    return cost[len(cost) // 2], cost[0]

def main():
    runs, shim, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    results = [one(i, shim, [a.replace("@I@", str(i)) for a in args]) for i in range(runs)]
    cpu = sorted(c for _, c in results)
    wall = sorted(w for w, _ in results)
    print("shim CPU per start: median %d us, min %d us; wall median %d us, min %d us (%d runs)"
          % (cpu[len(cpu) // 2] // 1000, cpu[0] // 1000, wall[len(wall) // 2] // 1000, wall[0] // 1000, runs))
    med, low = true_cost(runs)
    print("for scale, fork + exec of /bin/true: median %d us, min %d us of CPU" % (med // 1000, low // 1000))

main()
