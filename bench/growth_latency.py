#!/usr/bin/python3
"""Slowest single command while the keyspace grows, memkeydb beside redis-server.

Loads N keys (pipelined SETs) into each server with `latency-monitor-threshold 1`, then reads
LATENCY LATEST: any SET that took 1 ms or more (a table resize or rehash pause) shows up as a
"command" event with its maximum latency. Also reports the slowest round trip of a PING sent
from a second connection between batches.

  /usr/bin/python3 bench/growth_latency.py --keys 4000000
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from helpers.servers import start_memkeydb, start_redis  # noqa: E402
from helpers.resp import to_py  # noqa: E402
from compare import load_strings  # noqa: E402


def run(factory, keys, batch):
    with factory() as srv:
        probe = srv.connect()
        probe.execute("CONFIG", "SET", "latency-monitor-threshold", "1")
        worst_ping = 0.0
        start = time.time()
        for first in range(0, keys, batch):
            load_strings(srv.port, min(batch, keys - first), 100, batch=batch, first=first)
            t = time.perf_counter()
            probe.execute("PING")
            worst_ping = max(worst_ping, time.perf_counter() - t)
        elapsed = time.time() - start
        latest = to_py(probe.execute("LATENCY", "LATEST"))
        events = {(e[0].decode() if isinstance(e[0], bytes) else e[0]): e[3] for e in latest}
        return elapsed, worst_ping * 1000, events


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=4000000)
    ap.add_argument("--batch", type=int, default=50000)
    ap.add_argument("--only", choices=["redis", "memkeydb"], help="measure one server only")
    args = ap.parse_args()
    for name, factory in (("redis", start_redis), ("memkeydb", start_memkeydb)):
        if args.only and name != args.only:
            continue
        elapsed, ping_ms, events = run(factory, args.keys, args.batch)
        cmd = events.get("command", 0)
        print(f"{name:9s} keys={args.keys} load={elapsed:.1f}s slowest SET={cmd} ms "
              f"(0 = none reached 1 ms) slowest PING between batches={ping_ms:.2f} ms events={events}")


if __name__ == "__main__":
    main()
