#!/usr/bin/python3
"""Tiered memory: how the DRAM share follows its target over time, and what ratio mode costs.

Part 1 (convergence): memkeydb in ratio mode (1:3, KMEM DAX backend on node 0's DRAM via
MEMKIND_DAX_KMEM_NODES=0) goes through the phases below while INFO is sampled every 100 ms;
the DRAM share and the placement boundary (pmem_threshold) are drawn against time as a PNG.
  load N keys (log-uniform sizes 16 B..1.2 KB) -> delete the smaller half -> rewrite the rest
  with other sizes -> CONFIG SET dram-pmem-ratio 1 1 -> load N/2 more keys.

Part 2 (cost): redis-benchmark throughput and server CPU per operation against memkeydb in
`ratio 1:3` mode and in `only-dram` mode, alternating, several rounds, medians; reported as
ratio/only-dram. Each server first gets the keyspace the benchmark draws from (--preload keys
of the run's value size) and the controller settles, so the runs measure steady state.

  /usr/bin/python3 bench/tiers.py                       # full run (1M keys)
  /usr/bin/python3 bench/tiers.py --keys 200000 --rounds 1 --requests 100000   # quick

Writes bench/results/tiers-<time>.{md,csv,png}.
"""

import argparse
import csv
import datetime
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, HERE)
from common import KMEM_ENV, encode, load_strings, pipeline, run_benchmark, settle  # noqa: E402
from helpers.servers import start_memkeydb  # noqa: E402

MIN_SIZE, MAX_SIZE = 16, 1200


def info(conn, section):
    return conn.info(section)


def send(port, commands):
    """Pipelines raw commands (lists of bytes) and waits for their one-line replies."""
    pipeline(port, (encode(c) for c in commands), 5000)


def value(i, size):
    return (b"%d:" % i + b"v" * size)[:size]


class Sampler(threading.Thread):
    """Samples the DRAM share and the boundary every `period` seconds."""

    def __init__(self, server, period=0.1):
        super().__init__(daemon=True)
        self.conn = server.connect()
        self.period = period
        self.rows = []  # (t, dram_share, threshold, target_dram_share, state)
        self.events = []  # (t, label)
        self.stop = False
        self.t0 = time.monotonic()

    def mark(self, label):
        self.events.append((time.monotonic() - self.t0, label))

    def run(self):
        while not self.stop:
            t = info(self.conn, "tiers")
            dram, far = int(t["used_memory_dram"]), int(t["used_memory_pmem"])
            target = t["dram_share_target_perc"].rstrip("%")
            self.rows.append((time.monotonic() - self.t0, dram / max(1, dram + far),
                              int(t["controller_boundary"]), float(target) / 100 if target else None,
                              t["controller_state"]))
            time.sleep(self.period)


def convergence(keys, seed, out_base):
    rng = random.Random(seed)
    srv = start_memkeydb(env=KMEM_ENV, memory_alloc_policy="ratio", dram_pmem_ratio=("1", "3"))
    try:
        conn = srv.connect()
        sampler = Sampler(srv)
        sampler.start()
        sizes = [int(MIN_SIZE * (MAX_SIZE / MIN_SIZE) ** rng.random()) for _ in range(keys)]

        def settle(limit=30):
            start = time.monotonic()
            while time.monotonic() - start < limit:
                state = info(conn, "tiers")["controller_state"]
                if state in ("holding", "unreachable"):
                    break
                time.sleep(0.1)
            time.sleep(1)
            return time.monotonic() - start

        phases = []

        def phase(label, fn):
            sampler.mark(label)
            t0 = time.monotonic()
            fn()
            loaded = time.monotonic() - t0
            settled = settle()
            t = info(conn, "tiers")
            phases.append((label, loaded, settled, t["dram_share_perc"], t["dram_share_target_perc"],
                           t["controller_boundary"]))
            print("  %-28s %6.1fs work, settled %5.1fs later: DRAM %s (target %s), boundary %s B"
                  % phases[-1], flush=True)

        order = sorted(range(keys), key=lambda i: sizes[i])
        alive = order[keys // 2:]

        def rewrite():
            for i in alive:
                sizes[i] = MAX_SIZE + MIN_SIZE - sizes[i]
            send(srv.port, [[b"SET", b"k:%d" % i, value(i, sizes[i])] for i in alive])

        phase("load %d keys" % keys,
              lambda: send(srv.port, [[b"SET", b"k:%d" % i, value(i, sizes[i])] for i in range(keys)]))
        phase("delete the smaller half",
              lambda: send(srv.port, [[b"DEL", b"k:%d" % i] for i in order[:keys // 2]]))
        phase("rewrite with other sizes", rewrite)
        phase("CONFIG SET ratio 1 1", lambda: conn.call("CONFIG", "SET", "dram-pmem-ratio", "1 1"))
        extra = [int(MIN_SIZE * (MAX_SIZE / MIN_SIZE) ** rng.random()) for _ in range(keys // 2)]
        phase("load %d more keys" % (keys // 2),
              lambda: send(srv.port, [[b"SET", b"n:%d" % i, value(i, extra[i])]
                                      for i in range(keys // 2)]))
        sampler.stop = True
        sampler.join()
        tiers = info(conn, "tiers")
    finally:
        srv.stop()
    draw(sampler, out_base + ".png")
    return phases, tiers, sampler


def draw(sampler, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("python3-matplotlib is missing: no chart (apt-get install python3-matplotlib)")
        return
    t = [r[0] for r in sampler.rows]
    fig, ax1 = plt.subplots(figsize=(10, 5))
    ax1.plot(t, [100 * r[1] for r in sampler.rows], label="DRAM share (%)", color="tab:blue")
    ax1.plot(t, [100 * r[3] if r[3] is not None else None for r in sampler.rows],
             label="target (%)", color="tab:blue", linestyle="--")
    ax1.fill_between(t, [100 * r[3] - 2 for r in sampler.rows], [100 * r[3] + 2 for r in sampler.rows],
                     color="tab:blue", alpha=0.1, label="target +- 2 points")
    ax1.set_xlabel("seconds")
    ax1.set_ylabel("DRAM share of used memory (%)")
    ax1.set_ylim(0, 100)
    ax2 = ax1.twinx()
    ax2.plot(t, [r[2] for r in sampler.rows], label="boundary (bytes)", color="tab:orange")
    ax2.set_ylabel("placement boundary, pmem_threshold (bytes)")
    ax2.set_yscale("log")
    for when, label in sampler.events:
        ax1.axvline(when, color="grey", linewidth=0.8)
        ax1.text(when, 97, " " + label, fontsize=7, va="top", rotation=90)
    lines = ax1.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax1.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="lower right", fontsize=8)
    ax1.set_title("memkeydb ratio mode: DRAM share and placement boundary over time")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print("chart:", path)


def throughput(args):
    modes = [("only-dram", {}), ("ratio 1:3", {"memory_alloc_policy": "ratio",
                                                "dram_pmem_ratio": ("1", "3")})]
    results = {}  # (mode, test, pipeline, size) -> [rps], cpu/op
    for rnd in range(args.rounds):
        for name, opts in (modes if rnd % 2 == 0 else modes[::-1]):
            for size in args.data_sizes:
                with start_memkeydb(env=KMEM_ENV, **opts) as srv:
                    # Steady state: the keyspace the benchmark draws from is loaded first, and
                    # the controller has settled, so the runs measure placement, not a
                    # rebalancing of data the previous test left behind.
                    load_strings(srv.port, args.preload, size)
                    settle(srv)
                    for p in args.pipelines:
                        for test in args.tests:
                            r, cpu = run_benchmark(srv.port, srv.proc.pid, test, p, args.requests,
                                                   50, args.preload, size)
                            for label, rps in r.items():
                                results.setdefault((name, label, p, size), []).append((rps, cpu))
    rows = []
    for (name, label, p, size), vals in sorted(results.items()):
        if name != "only-dram":
            continue
        base = vals
        other = results.get(("ratio 1:3", label, p, size), [])
        b_rps = statistics.median(v[0] for v in base)
        o_rps = statistics.median(v[0] for v in other) if other else float("nan")
        b_cpu = statistics.median(v[1] for v in base)
        o_cpu = statistics.median(v[1] for v in other) if other else float("nan")
        rows.append((label, p, size, b_rps, o_rps, o_rps / b_rps, b_cpu, o_cpu, o_cpu / b_cpu))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--tests", default="set,get")
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--data-sizes", default="100,1000")
    ap.add_argument("--preload", type=int, default=1000000,
                    help="keys loaded before the throughput runs (and their -r)")
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args()
    args.tests = args.tests.split(",")
    args.pipelines = [int(x) for x in args.pipelines.split(",")]
    args.data_sizes = [int(x) for x in args.data_sizes.split(",")]
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = os.path.join(HERE, "results")
    os.makedirs(out_dir, exist_ok=True)
    out_base = os.path.join(out_dir, "tiers-" + stamp)

    print("convergence, %d keys, seed %d:" % (args.keys, seed), flush=True)
    phases, tiers, sampler = convergence(args.keys, seed, out_base)
    rows = [] if args.skip_throughput else throughput(args)

    version = subprocess.run(["redis-benchmark", "--version"], capture_output=True, text=True).stdout
    md = ["# Tiered memory benchmark (%s)" % stamp, "",
          "Machine: %s, %d cores, %s; %s" % (platform.node(), os.cpu_count(), platform.platform(),
                                             version.strip()),
          "Command: `/usr/bin/python3 bench/tiers.py %s` (seed %d)" % (" ".join(sys.argv[1:]), seed), "",
          "## Convergence (ratio 1:3, then 1:1)", "",
          "| phase | work s | settled after s | DRAM share | target | boundary B |",
          "|---|---|---|---|---|---|"]
    for p in phases:
        md.append("| %s | %.1f | %.1f | %s | %s | %s |" % p)
    md += ["", "Rebalancer: %s values (%s bytes) to pmem, %s values (%s bytes) to dram, %s walks, "
           "%s ms busy." % (tiers["rebalancer_values_to_pmem"], tiers["rebalancer_bytes_to_pmem"],
                            tiers["rebalancer_values_to_dram"], tiers["rebalancer_bytes_to_dram"],
                            tiers["rebalancer_walks"], tiers["rebalancer_busy_ms"]),
           "", "Chart: `%s`" % os.path.basename(out_base + ".png"), ""]
    if rows:
        md += ["## Throughput: ratio 1:3 against only-dram (medians of %d rounds)" % args.rounds, "",
               "| test | -P | -d | only-dram req/s | ratio req/s | ratio/only-dram | CPU us/op only-dram "
               "| CPU us/op ratio | CPU ratio |", "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            md.append("| %s | %d | %d | %.0f | %.0f | %.3f | %.3f | %.3f | %.3f |" % r)
    text = "\n".join(md) + "\n"
    print(text)
    with open(out_base + ".md", "w") as f:
        f.write(text)
    with open(out_base + ".csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["t", "dram_share", "boundary", "target_dram_share", "state"])
        w.writerows(sampler.rows)
    print("written:", out_base + ".md", out_base + ".csv")


if __name__ == "__main__":
    main()
