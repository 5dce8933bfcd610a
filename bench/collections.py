#!/usr/bin/python3
"""Memory and throughput of the collection types, memkeydb against redis-server 7.0 (issue 4).

Both servers run side by side on loopback with the same settings (no persistence, hz 10, default
collection thresholds). Results are memkeydb/redis ratios, printed and written to
bench/results/collections-<timestamp>.{md,csv} with the machine and versions.

  /usr/bin/python3 bench/collections.py                       # full run
  /usr/bin/python3 bench/collections.py --elements 100000 --small-hashes 10000 \\
      --rounds 1 --requests 50000                             # quick

Memory: for each dataset a fresh pair of servers; used_memory (and RSS) is read before and after
loading the dataset through a pipelined client (variadic commands of --batch elements each; the
loading connection is closed before the second reading, so its buffers do not count), and the
growth is divided by the number of elements:
  hash        one key, --elements fields  "field:<n>" -> "value:<n>"
  set         one key, --elements members "member:<n>"
  intset      one key, --elements integer members 0..n-1 (a hashtable in both servers past 512)
  zset        one key, --elements members "member:<n>" with score n
  list        one key, --elements elements "element:<n>" (RPUSH)
  small-hash  --small-hashes keys "hash:<k>", 10 fields "f0".."f9" -> "value:<k>:<i>" each
              (listpack-encoded; reported per field and per key)

Throughput: redis-benchmark's collection tests, one invocation per test so each has its own
server CPU reading, at each -P, -c 50 -r 100000, --rounds rounds alternating which server goes
first; medians. Each test runs on both servers in the same order, so the state one test leaves
(LPUSH's list for LPOP, SADD's set for SPOP, ZADD's zset for ZPOPMIN) is the same for both.

A data type or test whose commands the server does not implement (yet) is skipped with a note
saying so, never silently: its commands are probed on a scratch key first.
"""

import argparse
import csv
import datetime
import io
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
from helpers.servers import memkeydb_binary, redis_binary, start_memkeydb, start_redis  # noqa: E402

sys.path.insert(0, HERE)
from common import cpu_seconds, rss_bytes, used_memory  # noqa: E402

PROBE_KEY = "__collections_bench_probe__"


def probe(srv, commands):
    """Runs `commands` on a scratch key; returns None if all worked, else the first error."""
    with srv.connect() as c:
        try:
            for cmd in commands:
                r = c.execute(*[a.replace("$K", PROBE_KEY) for a in cmd])
                if r.kind in ("-", "!"):
                    return f"{' '.join(cmd[:1])}: {r.value.decode(errors='replace')}"
        finally:
            c.execute("DEL", PROBE_KEY)
    return None


# ---- datasets ----------------------------------------------------------------------------------


def batched(n, batch):
    for start in range(0, n, batch):
        yield start, min(n, start + batch)


def hash_commands(n, batch):
    for a, b in batched(n, batch):
        args = ["HSET", "hash"]
        for i in range(a, b):
            args += [f"field:{i}", f"value:{i}"]
        yield args


def set_commands(n, batch):
    for a, b in batched(n, batch):
        yield ["SADD", "set"] + [f"member:{i}" for i in range(a, b)]


def intset_commands(n, batch):
    for a, b in batched(n, batch):
        yield ["SADD", "intset"] + [str(i) for i in range(a, b)]


def zset_commands(n, batch):
    for a, b in batched(n, batch):
        args = ["ZADD", "zset"]
        for i in range(a, b):
            args += [str(i), f"member:{i}"]
        yield args


def list_commands(n, batch):
    for a, b in batched(n, batch):
        yield ["RPUSH", "list"] + [f"element:{i}" for i in range(a, b)]


def small_hash_commands(keys, _batch):
    for k in range(keys):
        args = ["HSET", f"hash:{k}"]
        for i in range(10):
            args += [f"f{i}", f"value:{k}:{i}"]
        yield args


# name -> (probe commands, command generator, count arg, key to check, cardinality command,
#          elements per unit of count)
DATASETS = {
    "hash": ([["HSET", "$K", "f", "v"], ["HLEN", "$K"]], hash_commands, "elements", "hash", "HLEN", 1),
    "set": ([["SADD", "$K", "a"], ["SCARD", "$K"]], set_commands, "elements", "set", "SCARD", 1),
    "intset": ([["SADD", "$K", "1"], ["SCARD", "$K"]], intset_commands, "elements", "intset", "SCARD", 1),
    "zset": ([["ZADD", "$K", "1", "a"], ["ZCARD", "$K"]], zset_commands, "elements", "zset", "ZCARD", 1),
    "list": ([["RPUSH", "$K", "a"], ["LLEN", "$K"]], list_commands, "elements", "list", "LLEN", 1),
    "small-hash": ([["HSET", "$K", "f", "v"], ["HLEN", "$K"]], small_hash_commands, "small_hashes",
                   "hash:0", "HLEN", 10),
}


def load(srv, commands, window, deadline):
    """Sends `commands` pipelined, `window` commands in flight; returns the number of errors and
    the first error text."""
    errors, first = 0, None
    with srv.connect(timeout=600) as c:
        pending = []
        for cmd in commands:
            pending.append(cmd)
            if len(pending) >= window:
                e, f = _flush(c, pending)
                errors, first = errors + e, first or f
                pending = []
                if time.monotonic() > deadline:
                    raise TimeoutError("loading took longer than --load-timeout")
        if pending:
            e, f = _flush(c, pending)
            errors, first = errors + e, first or f
    return errors, first


def _flush(c, cmds):
    errors, first = 0, None
    for r in c.pipeline(cmds):
        if r.kind in ("-", "!"):
            errors += 1
            first = first or r.value.decode(errors="replace")
    return errors, first


def measure_dataset(name, factory, args):
    probes, gen, count_arg, check_key, card_cmd, per_unit = DATASETS[name]
    count = getattr(args, count_arg)
    with factory() as srv:
        err = probe(srv, probes)
        if err:
            return {"skipped": f"not implemented by {srv.kind} ({err})"}
        base_used, base_rss = used_memory(srv), rss_bytes(srv.proc.pid)
        # About 20k elements in flight: enough to keep the server busy, small query buffers.
        window = max(1, 20000 // (args.batch if per_unit == 1 else per_unit))
        t0 = time.monotonic()
        try:
            errors, first = load(srv, gen(count, args.batch), window, t0 + args.load_timeout)
        except TimeoutError as e:
            return {"skipped": f"{srv.kind}: {e}"}
        load_s = time.monotonic() - t0
        if errors:
            return {"skipped": f"{srv.kind} answered {errors} errors while loading (first: {first})"}
        with srv.connect() as c:
            card = c.call(card_cmd, check_key)
            encoding = c.call("OBJECT", "ENCODING", check_key)
        if card != (10 if name == "small-hash" else count):
            return {"skipped": f"{srv.kind}: {card_cmd} {check_key} is {card}, expected {count}"}
        used = used_memory(srv) - base_used
        rss = rss_bytes(srv.proc.pid) - base_rss
    elements = count * per_unit
    return {"used": used / elements, "rss": rss / elements, "used_per_key": used / count,
            "encoding": encoding.decode() if isinstance(encoding, bytes) else str(encoding),
            "load_s": load_s}


# ---- throughput ------------------------------------------------------------------------------

# redis-benchmark test -> the commands it sends (probed on a scratch key of the right type).
TESTS = {
    "lpush": [["LPUSH", "$K", "a"]],
    "rpush": [["RPUSH", "$K", "a"]],
    "lpop": [["RPUSH", "$K", "a"], ["LPOP", "$K"]],
    "rpop": [["RPUSH", "$K", "a"], ["RPOP", "$K"]],
    "lrange_100": [["LPUSH", "$K", "a"], ["LRANGE", "$K", "0", "99"]],
    "sadd": [["SADD", "$K", "a"]],
    "spop": [["SADD", "$K", "a"], ["SPOP", "$K"]],
    "hset": [["HSET", "$K", "f", "v"]],
    "zadd": [["ZADD", "$K", "0", "a"]],
    "zpopmin": [["ZADD", "$K", "0", "a"], ["ZPOPMIN", "$K"]],
}


def run_benchmark(srv, test, pipeline, args):
    cmd = ["redis-benchmark", "-p", str(srv.port), "-t", test, "-n", str(args.requests), "-c",
           str(args.clients), "-P", str(pipeline), "-r", str(args.keyspace), "--csv", "-q"]
    cpu0 = cpu_seconds(srv.proc.pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900).stdout
    cpu1 = cpu_seconds(srv.proc.pid)
    results = {}
    for row in list(csv.reader(io.StringIO(out)))[1:]:
        if len(row) >= 2:
            results[row[0]] = float(row[1])
    # redis-benchmark fills a list with LPUSH before the LRANGE tests; that run is not the test.
    own = {k: v for k, v in results.items() if not k.startswith("LPUSH (needed")}
    return own, (cpu1 - cpu0) / args.requests * 1e6


def throughput(args, rows, notes):
    tests = [t for t in args.tests.split(",") if t]
    common = dict(hz=10)
    with start_redis(**common) as rs, start_memkeydb(**common) as ms:
        servers = [("redis", rs), ("memkeydb", ms)]
        runnable = []
        for test in tests:
            if test not in TESTS:
                notes.append(f"throughput test {test}: unknown to this script, skipped")
                continue
            missing = [f"{name} ({err})" for name, srv in servers
                       if (err := probe(srv, TESTS[test]))]
            if missing:
                note = f"throughput test {test}: skipped, not implemented by {', '.join(missing)}"
                print("NOTE:", note, flush=True)
                notes.append(note)
            else:
                runnable.append(test)
        for pipeline in [int(p) for p in args.pipelines.split(",")]:
            for _, srv in servers:
                with srv.connect() as c:
                    c.execute("FLUSHALL")
            for test in runnable:
                rps = {"redis": {}, "memkeydb": {}}
                cpu = {"redis": [], "memkeydb": []}
                for rnd in range(args.rounds):
                    order = servers if rnd % 2 == 0 else list(reversed(servers))
                    for name, srv in order:
                        res, cpu_us = run_benchmark(srv, test, pipeline, args)
                        for label, v in res.items():
                            rps[name].setdefault(label, []).append(v)
                        cpu[name].append(cpu_us)
                for label in sorted(set(rps["redis"]) & set(rps["memkeydb"])):
                    r = statistics.median(rps["redis"][label])
                    k = statistics.median(rps["memkeydb"][label])
                    rows.append(("throughput", f"{label} req/s -P {pipeline}", r, k))
                    print(f"  {label} -P {pipeline}: redis {r:,.0f}  memkeydb {k:,.0f}  "
                          f"ratio {k / r:.3f}", flush=True)
                rows.append(("throughput", f"{test} server CPU us/op -P {pipeline}",
                             statistics.median(cpu["redis"]), statistics.median(cpu["memkeydb"])))


# ---- main ------------------------------------------------------------------------------------


def versions():
    redis_ver = subprocess.run([redis_binary(), "--version"], capture_output=True,
                               text=True).stdout.strip()
    mk = subprocess.run([memkeydb_binary(), "--version"], capture_output=True, text=True).stdout.strip()
    sha = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    return redis_ver, f"{mk} (git {sha})"


def ratio(r, k):
    return k / r if r else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elements", type=int, default=1000000)
    ap.add_argument("--small-hashes", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=1000, help="elements per loading command")
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--memory-rounds", type=int, default=1,
                    help="loads per dataset and server (memory is deterministic; median)")
    ap.add_argument("--load-timeout", type=float, default=900)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--keyspace", type=int, default=100000)
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--tests", default=",".join(TESTS))
    args = ap.parse_args()

    rows = []  # (section, metric, redis, memkeydb)
    notes = []
    encodings = []
    common = dict(hz=10)
    # memkeydb first: a dataset it cannot load yet is skipped before redis loads it for nothing.
    factories = {"memkeydb": lambda: start_memkeydb(**common), "redis": lambda: start_redis(**common)}
    for name in [d for d in args.datasets.split(",") if d]:
        if name not in DATASETS:
            notes.append(f"dataset {name}: unknown to this script, skipped")
            continue
        print(f"memory: {name} ...", flush=True)
        results = {"redis": [], "memkeydb": []}
        skipped = None
        for _ in range(args.memory_rounds):
            for server, factory in factories.items():
                res = measure_dataset(name, factory, args)
                if "skipped" in res:
                    skipped = res["skipped"]
                    break
                results[server].append(res)
            if skipped:
                break
        if skipped:
            note = f"memory {name}: skipped, {skipped}"
            print("NOTE:", note, flush=True)
            notes.append(note)
            continue
        unit = "field" if name == "small-hash" else "element"
        count = args.small_hashes if name == "small-hash" else args.elements
        for field, label in (("used", f"used_memory bytes/{unit}"), ("rss", f"RSS bytes/{unit}")):
            r = statistics.median(x[field] for x in results["redis"])
            k = statistics.median(x[field] for x in results["memkeydb"])
            rows.append(("memory", f"{name} ({count} {'keys' if name == 'small-hash' else unit + 's'}) "
                         f"{label}", r, k))
        if name == "small-hash":
            r = statistics.median(x["used_per_key"] for x in results["redis"])
            k = statistics.median(x["used_per_key"] for x in results["memkeydb"])
            rows.append(("memory", f"small-hash ({count} keys) used_memory bytes/key", r, k))
        encodings.append((name, results["redis"][0]["encoding"], results["memkeydb"][0]["encoding"],
                          results["redis"][0]["load_s"], results["memkeydb"][0]["load_s"]))
        for metric in rows[-2 if name != "small-hash" else -3:]:
            print(f"  {metric[1]}: redis {metric[2]:.1f}  memkeydb {metric[3]:.1f}  "
                  f"ratio {ratio(metric[2], metric[3]):.3f}", flush=True)

    if args.rounds > 0 and args.tests:
        print("throughput ...", flush=True)
        throughput(args, rows, notes)

    width = max([len(r[1]) for r in rows] + [6])
    print(f"\n{'metric':<{width}}  {'redis':>12}  {'memkeydb':>12}  {'memkeydb/redis':>14}")
    for _, metric, r, k in rows:
        print(f"{metric:<{width}}  {r:>12.2f}  {k:>12.2f}  {ratio(r, k):>14.3f}")
    for n in notes:
        print("NOTE:", n)

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    redis_ver, mk_ver = versions()
    out_dir = os.path.join(HERE, "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"collections-{stamp}.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["section", "metric", "redis", "memkeydb", "ratio"])
        for section, metric, r, k in rows:
            w.writerow([section, metric, f"{r:.3f}", f"{k:.3f}", f"{ratio(r, k):.4f}"])
        for n in notes:
            w.writerow(["note", n, "", "", ""])
    with open(os.path.join(out_dir, f"collections-{stamp}.md"), "w") as f:
        f.write(f"# Collections: memkeydb vs redis-server, {stamp}\n\n")
        f.write(f"Machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
                f"{platform.platform()}\n\nredis: {redis_ver}\n\nmemkeydb: {mk_ver}\n\n")
        f.write(f"Command: `{' '.join(sys.argv)}`\n\n")
        f.write("| metric | redis | memkeydb | memkeydb/redis |\n|---|---|---|---|\n")
        for _, metric, r, k in rows:
            f.write(f"| {metric} | {r:,.2f} | {k:,.2f} | {ratio(r, k):.3f} |\n")
        if encodings:
            f.write("\nEncodings after loading, and load time (s):\n\n"
                    "| dataset | redis | memkeydb | redis load s | memkeydb load s |\n"
                    "|---|---|---|---|---|\n")
            for name, re_, me, rl, ml in encodings:
                f.write(f"| {name} | {re_} | {me} | {rl:.1f} | {ml:.1f} |\n")
        if notes:
            f.write("\nNotes:\n\n" + "".join(f"- {n}\n" for n in notes))
    print(f"\nwrote {out_dir}/collections-{stamp}.{{md,csv}}")


if __name__ == "__main__":
    main()
