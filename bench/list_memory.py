"""Memory per list element: memkeydb against redis-server (docs/collections.md, "## Lists").

    MEMKEYDB_SERVER=build/memkeydb-server /usr/bin/python3 bench/list_memory.py [--n 1000000]

Starts one redis-server and one memkeydb-server per workload (tests/helpers/servers.py), RPUSHes
n elements to one key in batches of 1,000 and reports the growth of INFO used_memory divided by
n, with MEMORY USAGE of the key beside it. Workloads: "element:<i>" strings, the integers
0..n-1, and 100-byte strings.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from helpers import servers  # noqa: E402

WORKLOADS = {
    "element:<i>": lambda i: b"element:%d" % i,
    "integers": lambda i: b"%d" % i,
    "100-byte strings": lambda i: (b"%07d" % i) * 14 + b"xx",
}


def per_element(srv, make, n):
    c = srv.connect()
    before = int(c.info("memory")["used_memory"])
    for start in range(0, n, 1000):
        c.execute("RPUSH", "biglist", *[make(i) for i in range(start, min(n, start + 1000))])
    after = int(c.info("memory")["used_memory"])
    usage = c.execute("MEMORY", "USAGE", "biglist", "SAMPLES", "0").value
    c.close()
    return (after - before) / n, usage


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    n = ap.parse_args().n
    for name, make in WORKLOADS.items():
        with servers.start_redis() as r, servers.start_memkeydb() as m:
            rb, ru = per_element(r, make, n)
            mb, mu = per_element(m, make, n)
        print("%-18s redis-server %7.2f B/element (MEMORY USAGE %d)   memkeydb %7.2f B/element "
              "(MEMORY USAGE %d)" % (name, rb, ru, mb, mu))


if __name__ == "__main__":
    main()
