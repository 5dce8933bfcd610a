#!/usr/bin/python3
"""Side-by-side benchmark of memkeydb against redis-server 7.0, in one run.

Both servers run on loopback with the same settings (no persistence, same hz). For each
measurement the servers alternate, several rounds, and the median is reported. Results are
printed as memkeydb/redis ratios and written to bench/results/ as markdown and CSV.

  /usr/bin/python3 bench/compare.py                 # full run
  /usr/bin/python3 bench/compare.py --keys 200000 --rounds 1 --requests 100000   # quick

Measures:
  * memory: used_memory and RSS growth per key after loading N string keys (100-byte values);
  * throughput: redis-benchmark requests/s per test at -P 1 and -P 16, -c 50, random keys;
  * server CPU time per operation (utime+stime from /proc/<pid>/stat over each run), because
    the benchmark client shares this 2-core machine and can cap throughput by itself.
"""

import argparse
import csv
import datetime
import io
import os
import platform
import socket
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from helpers.servers import start_memkeydb, start_redis  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def info_field(server, field):
    return int(server.connect().info("memory")[field])


def load_strings(port, n, value_size, batch=10000, first=0):
    """SETs keys key:<12 digits> numbered first..first+n-1 with values of value_size bytes."""
    value = b"v" * value_size
    s = socket.create_connection(("127.0.0.1", port))
    for start in range(first, first + n, batch):
        count = min(batch, first + n - start)
        buf = io.BytesIO()
        for i in range(start, start + count):
            key = b"key:%012d" % i
            buf.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
        s.sendall(buf.getvalue())
        need = count * 5  # "+OK\r\n"
        got = 0
        while got < need:
            chunk = s.recv(1 << 20)
            if not chunk:
                raise RuntimeError("server closed the connection while loading")
            got += len(chunk)
    s.close()


def measure_memory(factory, keys, value_size):
    with factory() as srv:
        base_used = info_field(srv, "used_memory")
        base_rss = rss_bytes(srv.proc.pid)
        load_strings(srv.port, keys, value_size)
        used = info_field(srv, "used_memory") - base_used
        rss = rss_bytes(srv.proc.pid) - base_rss
    return used / keys, rss / keys


def run_benchmark(port, pid, test, pipeline, requests, clients, keyspace, data_size):
    cmd = ["redis-benchmark", "-p", str(port), "-t", test, "-n", str(requests), "-c", str(clients),
           "-P", str(pipeline), "-r", str(keyspace), "-d", str(data_size), "--csv", "-q"]
    cpu0 = cpu_seconds(pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    cpu1 = cpu_seconds(pid)
    rows = list(csv.reader(io.StringIO(out)))
    results = {}
    for row in rows[1:]:
        if len(row) >= 2:
            results[row[0]] = float(row[1])
    # Every test of the run sends `requests` commands (MSET counts as one).
    return results, (cpu1 - cpu0) / (requests * max(1, len(results))) * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--value-size", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--tests", default="set,get,incr,mset")
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--data-sizes", default="3,100")
    args = ap.parse_args()

    common = dict(hz=10)
    servers = {"redis": lambda: start_redis(**common), "memkeydb": lambda: start_memkeydb(**common)}
    rows = []  # (metric, redis, memkeydb)

    mem = {name: [] for name in servers}
    for _ in range(args.rounds):
        for name, factory in servers.items():
            mem[name].append(measure_memory(factory, args.keys, args.value_size))
    for i, label in enumerate(["used_memory bytes/key", "RSS bytes/key"]):
        r = statistics.median(m[i] for m in mem["redis"])
        k = statistics.median(m[i] for m in mem["memkeydb"])
        rows.append((f"{label} ({args.keys} keys, {args.value_size} B values)", r, k))

    tput = {}
    with start_redis(**common) as rs, start_memkeydb(**common) as ms:
        live = {"redis": rs, "memkeydb": ms}
        for size in [int(x) for x in args.data_sizes.split(",")]:
            for pipeline in [int(x) for x in args.pipelines.split(",")]:
                for _ in range(args.rounds):
                    for name, srv in live.items():
                        res, cpu_us = run_benchmark(srv.port, srv.proc.pid, args.tests, pipeline,
                                                    args.requests, args.clients, 1000000, size)
                        for test, rps in res.items():
                            key = (test, pipeline, size)
                            tput.setdefault(key, {}).setdefault(name, []).append(rps)
                        tput.setdefault(("cpu", pipeline, size), {}).setdefault(name, []).append(cpu_us)
    for (test, pipeline, size), by in sorted(tput.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0])):
        r = statistics.median(by["redis"])
        k = statistics.median(by["memkeydb"])
        if test == "cpu":
            rows.append((f"server CPU us/op (mean over tests) -P {pipeline} -d {size}", r, k))
        else:
            rows.append((f"{test} req/s -P {pipeline} -d {size}", r, k))

    width = max(len(r[0]) for r in rows)
    print(f"{'metric':<{width}}  {'redis':>12}  {'memkeydb':>12}  {'memkeydb/redis':>14}")
    for metric, r, k in rows:
        print(f"{metric:<{width}}  {r:>12.2f}  {k:>12.2f}  {k / r if r else float('nan'):>14.3f}")

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    redis_ver = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", f"compare-{stamp}.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "redis", "memkeydb", "ratio"])
        for metric, r, k in rows:
            w.writerow([metric, f"{r:.3f}", f"{k:.3f}", f"{k / r if r else float('nan'):.4f}"])
    with open(os.path.join(HERE, "results", f"compare-{stamp}.md"), "w") as f:
        f.write(f"# memkeydb vs redis-server, {stamp}\n\n")
        f.write(f"Machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; {redis_ver}\n\n")
        f.write(f"Command: `{' '.join(sys.argv)}`\n\n| metric | redis | memkeydb | memkeydb/redis |\n|---|---|---|---|\n")
        for metric, r, k in rows:
            f.write(f"| {metric} | {r:.2f} | {k:.2f} | {k / r if r else float('nan'):.3f} |\n")


if __name__ == "__main__":
    main()
