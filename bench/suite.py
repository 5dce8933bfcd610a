#!/usr/bin/python3
"""The benchmark suite: memkeydb against redis-server 7.0, side by side in one run (`make bench`).

Both servers run on loopback with equivalent settings: no persistence (save "", appendonly no),
hz 10, default encodings. Each measurement alternates the servers, several rounds, and reports
the median. BENCHMARKS.md explains the method and holds the latest table.

  /usr/bin/python3 bench/suite.py                 # everything (about 30 minutes here)
  /usr/bin/python3 bench/suite.py --quick         # a smoke run of every section (a few minutes)
  /usr/bin/python3 bench/suite.py --sections throughput --data-sizes 100 --rounds 1

Sections:
  throughput  redis-benchmark, one run per test so each has its own server CPU reading:
              req/s and server CPU time per operation (utime+stime from /proc over the run),
              -P 1 and -P 16, -c 50, -r 1000000, values of 3, 100 and 1000 bytes;
  latency     p50/p99/p99.9 from memkeydb-loadgen (open loop, fixed rate, latency measured from
              each request's due time) at a rate below both servers' maximum, GET and SET over
              a preloaded keyspace of 1M keys;
  memory      used_memory and RSS growth after loading 1M and 10M string keys (100-byte values)
              and 100k collections of 100 elements of each type; memkeydb's DRAM share with
              ratio 1:3 after the 1M strings;
  tiers       the throughput lines with memkeydb in ratio 1:3 mode against only-dram mode.

Prints the ratios and writes bench/results/suite-<time>.{md,csv,png}; --publish also replaces
the table in BENCHMARKS.md.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import (KMEM_ENV, REPO, RESULTS, encode, info, load_strings,  # noqa: E402
                    machine, markdown_table, pipeline, ratio, rss_bytes, run_benchmark, settle,
                    stamp, used_memory, write_results)
from helpers.servers import start_memkeydb, start_redis  # noqa: E402

TESTS = "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,mset"
COMMON = dict(hz=10)
LOADGEN = os.path.join(REPO, "build", "memkeydb-loadgen")

# (name, keys, commands for key k): 100 elements per collection.
ELEMENTS = 100
COLLECTIONS = [
    ("hash", lambda k: [b"HSET", b"h:%d" % k] + [x for i in range(ELEMENTS)
                                                for x in (b"field:%d" % i, b"value:%d:%d" % (k, i))]),
    ("list", lambda k: [b"RPUSH", b"l:%d" % k] + [b"element:%d:%d" % (k, i) for i in range(ELEMENTS)]),
    ("set", lambda k: [b"SADD", b"s:%d" % k] + [b"member:%d:%d" % (k, i) for i in range(ELEMENTS)]),
    ("intset", lambda k: [b"SADD", b"i:%d" % k] + [b"%d" % (k * 1000 + i) for i in range(ELEMENTS)]),
    ("zset", lambda k: [b"ZADD", b"z:%d" % k] + [x for i in range(ELEMENTS)
                                                for x in (b"%d" % i, b"member:%d:%d" % (k, i))]),
]


def log(msg):
    print(msg, flush=True)


# ---- throughput and CPU per operation ------------------------------------------------------


def isolate(servers, running):
    """Stops (SIGSTOP) every server but `running` (None: resumes all). An idle server is not
    idle: its cron, and in ratio mode the tier controller's census and moves, would take CPU
    from the measured one on this 2-core machine."""
    for name, srv in servers.items():
        os.kill(srv.proc.pid, signal.SIGCONT if running is None or name == running else signal.SIGSTOP)


def one_test(srv, test, depth, size, args):
    """req/s and server CPU us/op of one redis-benchmark test against a running server."""
    requests = args.requests_p1 if depth == 1 else args.requests_p16
    if test == "lrange_100":
        # redis-benchmark's own lrange test pushes its list inside the measured run; push it
        # first, so the CPU reading is LRANGE's alone.
        value = b"x" * size
        pipeline(srv.port, (encode([b"LPUSH", b"mylist"] + [value] * 100) for _ in range(6)))
        res, cpu = run_benchmark(srv.port, srv.proc.pid, test, depth, requests // 10, args.clients,
                                 1000000, size, command=["LRANGE", "mylist", "0", "99"])
    else:
        res, cpu = run_benchmark(srv.port, srv.proc.pid, test, depth, requests, args.clients,
                                 1000000, size)
    return next(iter(res.values())), cpu


def throughput(factories, args, label):
    """{(test, depth, size): {server: (median req/s, median CPU us/op)}} for two servers, which
    alternate test by test; each round starts from an empty keyspace."""
    names = list(factories)
    samples = {}
    servers = {name: factories[name]() for name in names}
    try:
        for size in args.data_sizes:
            for depth in args.pipelines:
                for rnd in range(args.rounds):
                    order = names if rnd % 2 == 0 else names[::-1]
                    isolate(servers, None)
                    for name in order:
                        servers[name].connect().execute("FLUSHALL")
                    for test in args.tests:
                        for name in order:
                            isolate(servers, name)
                            rps, cpu = one_test(servers[name], test, depth, size, args)
                            samples.setdefault((test, depth, size), {}).setdefault(name, []).append((rps, cpu))
                    log(f"  [{label}] -d {size} -P {depth} round {rnd + 1}/{args.rounds} done")
        isolate(servers, None)
        extra = {name: info(srv, "tiers") if srv.kind == "memkeydb" else {} for name, srv in servers.items()}
    finally:
        isolate(servers, None)
        for srv in servers.values():
            srv.stop()
    out = {}
    for key, by in samples.items():
        out[key] = {name: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v))
                    for name, v in by.items()}
    return out, extra


# ---- latency at a fixed rate ---------------------------------------------------------------


def loadgen(port, command, rate, args, seed):
    cmd = [LOADGEN, "--port", str(port), "--rate", str(rate), "--duration", str(args.latency_seconds),
           "--warmup", "2", "--connections", str(args.clients), "--command", command,
           "--keyspace", str(args.latency_keys), "--data-size", "100", "--seed", str(seed)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.latency_seconds + 60)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def latency(rate, args):
    """{command: {server: {p50/p99/p999: median us}}} at `rate` requests/s."""
    servers = {"redis": start_redis(**COMMON), "memkeydb": start_memkeydb(**COMMON)}
    samples = {}
    try:
        for srv in servers.values():
            load_strings(srv.port, args.latency_keys, 100)
        seed = int(time.time())
        log(f"  latency at {rate} req/s, loadgen seed {seed}")
        for rnd in range(args.rounds):
            order = list(servers) if rnd % 2 == 0 else list(servers)[::-1]
            for command in ("get", "set"):
                for name in order:
                    isolate(servers, name)
                    r = loadgen(servers[name].port, command, rate, args, seed + rnd)
                    if r["errors"] or r.get("missing"):
                        raise RuntimeError(f"loadgen against {name}: {r}")
                    samples.setdefault(command, {}).setdefault(name, []).append(r)
    finally:
        isolate(servers, None)
        for srv in servers.values():
            srv.stop()
    return {command: {name: {p: statistics.median(r[p + "_us"] for r in runs)
                             for p in ("p50", "p99", "p999")} | {
                          "achieved": statistics.median(r["rate_achieved"] for r in runs),
                          "late": max(r.get("late_sends", 0) / max(1, r["sent"]) for r in runs)}
                      for name, runs in by.items()}
            for command, by in samples.items()}


# ---- memory --------------------------------------------------------------------------------


def grown(factory, load):
    """(used_memory growth, RSS growth, INFO tiers or {}) after `load(port)` on a fresh server."""
    srv = factory()
    try:
        used0, rss0 = used_memory(srv), rss_bytes(srv.proc.pid)
        load(srv.port)
        time.sleep(0.5)
        tiers = {}
        if srv.kind == "memkeydb":
            tiers = settle(srv)
        return used_memory(srv) - used0, rss_bytes(srv.proc.pid) - rss0, tiers
    finally:
        srv.stop()


def memory(args):
    rows = []  # (dataset, unit count, unit, {server: (used, rss)})
    datasets = [(f"{n // 1000000}M strings, 100 B values" if n >= 1000000 else f"{n} strings, 100 B values",
                 n, "key", lambda port, n=n: load_strings(port, n, 100)) for n in args.string_keys]
    for name, make in COLLECTIONS:
        n = args.collections
        datasets.append((f"{n // 1000}k {name}s of {ELEMENTS}", n, "key",
                         lambda port, make=make, n=n: pipeline(port, (encode(make(k)) for k in range(n)), 200)))
    factories = {"redis": lambda: start_redis(**COMMON), "memkeydb": lambda: start_memkeydb(**COMMON)}
    for label, count, unit, load in datasets:
        by = {}
        for name, factory in factories.items():
            used, rss, _ = grown(factory, load)
            by[name] = (used / count, rss / count)
        rows.append((label, unit, by))
        log(f"  {label}: used_memory/{unit} redis {by['redis'][0]:.1f} memkeydb {by['memkeydb'][0]:.1f} "
            f"({ratio(by['memkeydb'][0], by['redis'][0]):.3f})")
    # The DRAM share in ratio 1:3 mode after the first strings dataset.
    n = args.string_keys[0]
    _, _, tiers = grown(lambda: start_memkeydb(env=KMEM_ENV, memory_alloc_policy="ratio",
                                               dram_pmem_ratio=("1", "3"), **COMMON),
                        lambda port: load_strings(port, n, 100))
    dram, far = int(tiers["used_memory_dram"]), int(tiers["used_memory_pmem"])
    share = dram / max(1, dram + far)
    log(f"  ratio 1:3 after {n} strings: DRAM share {share:.4f} ({tiers.get('controller_state')}), "
        f"DRAM bytes/key {dram / n:.1f}")
    return rows, (n, share, dram / n, tiers.get("controller_state", "?"))


# ---- report --------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sections", default="throughput,latency,memory,tiers")
    ap.add_argument("--tests", default=TESTS)
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--data-sizes", default="3,100,1000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests-p1", type=int, default=100000)
    ap.add_argument("--requests-p16", type=int, default=500000)
    ap.add_argument("--latency-rate", type=int, default=0,
                    help="requests/s for the latency section (default: half the slower server's GET -P 1 rate, or 40000)")
    ap.add_argument("--latency-seconds", type=int, default=10)
    ap.add_argument("--latency-keys", type=int, default=1000000)
    ap.add_argument("--string-keys", default="1000000,10000000")
    ap.add_argument("--collections", type=int, default=100000)
    ap.add_argument("--quick", action="store_true", help="small counts, one round: checks the suite runs")
    ap.add_argument("--publish", action="store_true", help="replace the table in BENCHMARKS.md")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.requests_p1, args.requests_p16 = 1, 20000, 50000
        args.latency_seconds, args.latency_keys = 4, 100000
        args.string_keys, args.collections = "100000", 10000
    args.sections = args.sections.split(",")
    args.tests = args.tests.split(",")
    args.pipelines = [int(x) for x in args.pipelines.split(",")]
    args.data_sizes = [int(x) for x in args.data_sizes.split(",")]
    args.string_keys = [int(x) for x in args.string_keys.split(",")]
    if "latency" in args.sections and not os.path.exists(LOADGEN):
        sys.exit(f"{LOADGEN} is missing: build it first (make build)")

    when = stamp()
    started = time.monotonic()
    tables, csv_rows, chart = [], [], {}
    targets = []  # (target, measured, met)

    if "throughput" in args.sections:
        log("throughput: memkeydb against redis-server")
        tput, _ = throughput({"redis": lambda: start_redis(**COMMON),
                              "memkeydb": lambda: start_memkeydb(**COMMON)}, args, "vs redis")
        rows = []
        for (test, depth, size), by in sorted(tput.items(), key=lambda kv: (kv[0][1], kv[0][2], args.tests.index(kv[0][0]))):
            (rr, rc), (mr, mc) = by["redis"], by["memkeydb"]
            rows.append([test, depth, size, f"{rr:,.0f}", f"{mr:,.0f}", f"{ratio(mr, rr):.2f}",
                         f"{rc:.2f}", f"{mc:.2f}", f"{ratio(mc, rc):.2f}"])
            csv_rows.append(["throughput", f"{test} -P {depth} -d {size}", "req/s", rr, mr, ratio(mr, rr)])
            csv_rows.append(["cpu", f"{test} -P {depth} -d {size}", "us/op", rc, mc, ratio(mc, rc)])
            chart.setdefault(depth, []).append((f"{test} {size}", ratio(mr, rr), ratio(mc, rc)))
        tables.append(("Throughput and server CPU per operation (memkeydb/redis)",
                       ["test", "-P", "-d", "redis req/s", "memkeydb req/s", "ratio",
                        "redis CPU us/op", "memkeydb CPU us/op", "CPU ratio"], rows))
        for depth, tp_goal, cpu_goal in ((1, 1.0, 0.9), (16, 1.3, 0.67)):
            lines = [(t, d, s) for (t, d, s) in tput if d == depth]
            if not lines:
                continue
            worst_tp = min(lines, key=lambda k: ratio(tput[k]["memkeydb"][0], tput[k]["redis"][0]))
            worst_cpu = max(lines, key=lambda k: ratio(tput[k]["memkeydb"][1], tput[k]["redis"][1]))
            tp = ratio(tput[worst_tp]["memkeydb"][0], tput[worst_tp]["redis"][0])
            cpu = ratio(tput[worst_cpu]["memkeydb"][1], tput[worst_cpu]["redis"][1])
            targets.append((f"throughput >= {tp_goal}x at -P {depth} (every line)",
                            f"lowest {tp:.2f} ({worst_tp[0]} -d {worst_tp[2]})", tp >= tp_goal))
            targets.append((f"CPU/op <= {cpu_goal}x at -P {depth} (every line)",
                            f"highest {cpu:.2f} ({worst_cpu[0]} -d {worst_cpu[2]})", cpu <= cpu_goal))
        if args.latency_rate == 0 and ("get", 1, 100) in tput:
            slower = min(v[0] for v in tput[("get", 1, 100)].values())
            args.latency_rate = int(slower / 2 / 1000) * 1000

    if "latency" in args.sections:
        rate = args.latency_rate or 40000
        log(f"latency: open loop at {rate} req/s")
        lat = latency(rate, args)
        rows = []
        for command, by in lat.items():
            for p in ("p50", "p99", "p999"):
                r, m = by["redis"][p], by["memkeydb"][p]
                rows.append([command.upper(), p.replace("p999", "p99.9"), f"{r:.0f}", f"{m:.0f}", f"{ratio(m, r):.2f}"])
                csv_rows.append(["latency", f"{command.upper()} {p} at {rate}/s", "us", r, m, ratio(m, r)])
            rows.append([command.upper(), "client's own late sends (> 100 us, worst round)",
                         f"{by['redis']['late'] * 100:.2f}%", f"{by['memkeydb']['late'] * 100:.2f}%", ""])
            targets.append((f"p99 latency <= redis ({command.upper()} at {rate}/s)",
                            f"{by['memkeydb']['p99']:.0f} us vs {by['redis']['p99']:.0f} us",
                            by["memkeydb"]["p99"] <= by["redis"]["p99"]))
        tables.append((f"Latency at {rate} requests/s, open loop, {args.clients} connections, "
                       f"{args.latency_keys} keys (microseconds, medians of {args.rounds} rounds)",
                       ["command", "percentile", "redis", "memkeydb", "ratio"], rows))

    if "memory" in args.sections:
        log("memory")
        mem, (n, share, dram_per_key, state) = memory(args)
        rows = []
        for label, unit, by in mem:
            (ru, rr), (mu, mr) = by["redis"], by["memkeydb"]
            rows.append([label, f"{ru:.1f}", f"{mu:.1f}", f"{ratio(mu, ru):.3f}", f"{rr:.1f}", f"{mr:.1f}",
                         f"{ratio(mr, rr):.3f}"])
            csv_rows.append(["memory", f"{label} used_memory", f"bytes/{unit}", ru, mu, ratio(mu, ru)])
            csv_rows.append(["memory", f"{label} RSS", f"bytes/{unit}", rr, mr, ratio(mr, rr)])
        rows.append([f"{n // 1000}k strings, ratio 1:3: DRAM share {share * 100:.2f}% ({state})",
                     "", f"DRAM {dram_per_key:.1f}", "", "", "", ""])
        csv_rows.append(["memory", f"ratio 1:3 DRAM share after {n} strings", "share", "", share, ""])
        tables.append(("Memory growth per key (bytes, memkeydb only-dram unless stated)",
                       ["dataset", "redis used", "memkeydb used", "ratio", "redis RSS", "memkeydb RSS", "ratio"], rows))
        first = mem[0]
        used_ratio = ratio(first[2]["memkeydb"][0], first[2]["redis"][0])
        targets.append((f"DRAM per key <= 0.8x ({first[0]}, only-dram)", f"{used_ratio:.3f}", used_ratio <= 0.8))
        targets.append(("ratio 1:3 DRAM share 25% +- 2%", f"{share * 100:.2f}%", abs(share - 0.25) <= 0.02))

    if "tiers" in args.sections:
        log("tiers: memkeydb ratio 1:3 against only-dram")
        tput, extra = throughput({"only-dram": lambda: start_memkeydb(**COMMON),
                                  "ratio 1:3": lambda: start_memkeydb(env=KMEM_ENV, memory_alloc_policy="ratio",
                                                                      dram_pmem_ratio=("1", "3"), **COMMON)},
                                 args, "tiers")
        rows = []
        for (test, depth, size), by in sorted(tput.items(), key=lambda kv: (kv[0][1], kv[0][2], args.tests.index(kv[0][0]))):
            (dr, dc), (rr, rc) = by["only-dram"], by["ratio 1:3"]
            rows.append([test, depth, size, f"{dr:,.0f}", f"{rr:,.0f}", f"{ratio(rr, dr):.2f}", f"{ratio(rc, dc):.2f}"])
            csv_rows.append(["tiers", f"{test} -P {depth} -d {size}", "req/s", dr, rr, ratio(rr, dr)])
            csv_rows.append(["tiers-cpu", f"{test} -P {depth} -d {size}", "us/op", dc, rc, ratio(rc, dc)])
        t = extra["ratio 1:3"]
        tables.append((f"Ratio 1:3 against only-dram (at the end: DRAM share {t.get('dram_share_perc')}, "
                       f"controller {t.get('controller_state')})",
                       ["test", "-P", "-d", "only-dram req/s", "ratio 1:3 req/s", "ratio", "CPU ratio"], rows))
        worst = min(tput, key=lambda k: ratio(tput[k]["ratio 1:3"][0], tput[k]["only-dram"][0]))
        w = ratio(tput[worst]["ratio 1:3"][0], tput[worst]["only-dram"][0])
        targets.append(("ratio 1:3 >= 0.95x only-dram (every line)",
                        f"lowest {w:.2f} ({worst[0]} -P {worst[1]} -d {worst[2]})", w >= 0.95))

    minutes = (time.monotonic() - started) / 60
    target_rows = [[t, m, "met" if ok else "**missed**"] for t, m, ok in targets]
    tables.insert(0, ("Targets (issue 7)", ["target", "measured", ""], target_rows))
    header = machine() + [f"Command: `{' '.join(sys.argv)}` ({minutes:.0f} minutes)",
                          f"Medians of {args.rounds} rounds; -c {args.clients}, -r 1000000; "
                          f"ratios are memkeydb/redis (tiers: ratio 1:3 / only-dram)."]
    md = write_results("suite", when, f"memkeydb vs redis-server: benchmark suite, {when}", header, tables,
                       ["section", "line", "unit", "redis (tiers: only-dram)", "memkeydb (tiers: ratio 1:3)", "ratio"],
                       csv_rows)
    if chart:
        draw(chart, os.path.join(RESULTS, f"suite-{when}.png"), when)
    for heading, columns, rows in tables:
        print(f"\n{heading}\n" + markdown_table(columns, rows))
    print(f"written: {md} (and .csv{', .png' if chart else ''})")
    if args.publish:
        publish(md)


def draw(chart, path, when):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    depths = sorted(chart)
    fig, axes = plt.subplots(len(depths), 1, figsize=(14, 4.5 * len(depths)), squeeze=False)
    for ax, depth in zip(axes[:, 0], depths):
        lines = chart[depth]
        xs = range(len(lines))
        ax.bar([x - 0.2 for x in xs], [l[1] for l in lines], 0.4, label="throughput ratio")
        ax.bar([x + 0.2 for x in xs], [l[2] for l in lines], 0.4, label="server CPU/op ratio")
        goal_tp, goal_cpu = (1.0, 0.9) if depth == 1 else (1.3, 0.67)
        ax.axhline(goal_tp, color="C0", linestyle="--", linewidth=1, label=f"throughput target {goal_tp}")
        ax.axhline(goal_cpu, color="C1", linestyle="--", linewidth=1, label=f"CPU target {goal_cpu}")
        ax.set_xticks(list(xs))
        ax.set_xticklabels([l[0] for l in lines], rotation=70, fontsize=7)
        ax.set_title(f"memkeydb / redis-server, -P {depth}, -c 50")
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def publish(md_path):
    """Replaces the text between the suite markers in BENCHMARKS.md with this run's report."""
    doc = os.path.join(REPO, "BENCHMARKS.md")
    with open(md_path) as f:
        report = f.read().split("\n", 1)[1].replace("\n## ", "\n### ")
    rel = os.path.relpath(md_path, REPO)
    block = f"<!-- suite:begin -->\nFrom [{rel}]({rel}):\n{report}<!-- suite:end -->"
    with open(doc) as f:
        text = f.read()
    text, n = re.subn(r"<!-- suite:begin -->.*<!-- suite:end -->", lambda _: block, text, flags=re.S)
    if n != 1:
        sys.exit("BENCHMARKS.md has no suite markers")
    with open(doc, "w") as f:
        f.write(text)
    print(f"BENCHMARKS.md updated from {rel}")


if __name__ == "__main__":
    main()
