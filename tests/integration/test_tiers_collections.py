"""Tiered memory with collection-heavy data: the DRAM share holds at the target (within 2
points) when the data is hashes, lists, sets and sorted sets in both their compact and their
large encodings, through loading, deleting half of the keys and a target change; and every
collection reads back intact after the rebalancer moved its blocks.

Environment: TIER_SEED, COLL_SCALE (default 1.0; 0.25 under the sanitizers).
"""

from __future__ import annotations

import os
import random
import socket
import sys

import pytest

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from helpers import servers  # noqa: E402
from helpers.resp import Reply  # noqa: E402
from helpers.tiers import KMEM_ENV, TOLERANCE, dram_share, info, pipeline, wait_for_share  # noqa: E402


def log_uniform(rng, lo, hi):
    return int(lo * (hi / lo) ** rng.random())


def member(rng, i, lo, hi):
    n = log_uniform(rng, lo, hi)
    return (b"%d-" % i + b"m" * n)[:max(n, len(b"%d-" % i))]


class Dataset:
    """Builds the commands that load each collection, and remembers what each should hold."""

    def __init__(self, rng, scale):
        self.rng = rng
        self.expected = {}  # key -> (type, canonical contents)
        self.commands = []
        n = lambda x: max(1, int(x * scale))  # noqa: E731
        self.add_hashes(n(20000), fields=10, lo=8, hi=60)        # listpack
        self.add_hashes(n(1500), fields=200, lo=16, hi=1200)     # hashtable
        self.add_lists(n(1500), elements=300, lo=16, hi=300)     # quicklist of 8 KiB nodes
        self.add_sets(n(1500), members=200, lo=8, hi=100)        # hashtable
        self.add_sets(n(5000), members=20, lo=8, hi=30)          # listpack
        self.add_int_sets(n(3000), members=100)                  # intset
        self.add_zsets(n(1500), members=200, lo=8, hi=100)       # skiplist
        self.add_zsets(n(10000), members=8, lo=8, hi=40)         # listpack

    def _key(self, kind):
        return b"%s:%d" % (kind, len(self.expected))

    def add_hashes(self, count, fields, lo, hi):
        for _ in range(count):
            k = self._key(b"h")
            pairs = {b"f%d" % j: member(self.rng, j, lo, hi) for j in range(fields)}
            args = [b"HSET", k]
            for f, v in pairs.items():
                args += [f, v]
            self.commands.append(args)
            self.expected[k] = ("hash", sorted(pairs.items()))

    def add_lists(self, count, elements, lo, hi):
        for _ in range(count):
            k = self._key(b"l")
            items = [member(self.rng, j, lo, hi) for j in range(elements)]
            self.commands.append([b"RPUSH", k] + items)
            self.expected[k] = ("list", items)

    def add_sets(self, count, members, lo, hi):
        for _ in range(count):
            k = self._key(b"s")
            items = sorted({member(self.rng, j, lo, hi) for j in range(members)})
            self.commands.append([b"SADD", k] + items)
            self.expected[k] = ("set", items)

    def add_int_sets(self, count, members):
        for _ in range(count):
            k = self._key(b"i")
            items = sorted({self.rng.randrange(-10 ** 12, 10 ** 12) for _ in range(members)})
            self.commands.append([b"SADD", k] + [b"%d" % v for v in items])
            self.expected[k] = ("set", sorted(b"%d" % v for v in items))

    def add_zsets(self, count, members, lo, hi):
        for _ in range(count):
            k = self._key(b"z")
            pairs = {member(self.rng, j, lo, hi): j * 1.5 for j in range(members)}
            args = [b"ZADD", k]
            for m, s in pairs.items():
                args += [repr(s).encode(), m]
            self.commands.append(args)
            self.expected[k] = ("zset", sorted(pairs.items(), key=lambda p: (p[1], p[0])))


def read_back(conn, key, kind):
    if kind == "hash":
        flat = conn.execute("HGETALL", key).value
        return sorted((flat[i].value, flat[i + 1].value) for i in range(0, len(flat), 2))
    if kind == "list":
        return [r.value for r in conn.execute("LRANGE", key, 0, -1).value]
    if kind == "set":
        return sorted(r.value for r in conn.execute("SMEMBERS", key).value)
    flat = conn.execute("ZRANGE", key, 0, -1, "WITHSCORES").value
    return [(flat[i].value, float(flat[i + 1].value)) for i in range(0, len(flat), 2)]


@pytest.fixture(scope="module")
def seed():
    s = int(os.environ.get("TIER_SEED", random.randrange(1 << 30)))
    print("collection tier test seed:", s, "(rerun with TIER_SEED=%d)" % s)
    return s


def test_collections_hold_the_ratio(seed):
    scale = float(os.environ.get("COLL_SCALE", 0.25 if servers.sanitized() else 1.0))
    rng = random.Random(seed)
    data = Dataset(rng, scale)
    srv = servers.start_memkeydb(env=KMEM_ENV, memory_alloc_policy="ratio",
                                 dram_pmem_ratio=("1", "3"))
    try:
        conn = srv.connect(timeout=120)
        sock = socket.create_connection(srv.addr, timeout=120)
        kinds = pipeline(sock, data.commands, batch=200)
        assert kinds.count(b":") == len(data.commands), "a load command failed"
        used = int(info(conn, "memory")["used_memory"])
        print("loaded %d collections, used_memory %.1f MB" % (len(data.expected), used / 1e6))

        took, share = wait_for_share(conn, 0.25, timeout=60)
        assert took is not None, "after loading the DRAM share is %.4f, want 0.25 +- %.2f" % (
            share, TOLERANCE)
        print("loaded: DRAM share %.4f after %.1fs" % (share, took))

        # Delete half of the keys, chosen at random across every kind.
        keys = sorted(data.expected)
        doomed = set(rng.sample(keys, len(keys) // 2))
        pipeline(sock, [(b"DEL", k) for k in sorted(doomed)], batch=2000)
        for k in doomed:
            del data.expected[k]
        print("deleted half: DRAM share %.4f right after" % dram_share(conn))
        took, share = wait_for_share(conn, 0.25, timeout=60)
        assert took is not None, "after deleting half the DRAM share is %.4f" % share
        print("deleted half: DRAM share %.4f after %.1fs" % (share, took))

        assert conn.execute("CONFIG", "SET", "dram-pmem-ratio", "1 1") == Reply("+", b"OK")
        took, share = wait_for_share(conn, 0.50, timeout=30)
        assert took is not None, "after CONFIG SET dram-pmem-ratio 1 1 the DRAM share is %.4f" % share
        print("target 1:1: DRAM share %.4f after %.1fs" % (share, took))

        t = info(conn)
        # 1:3 to 1:1 can only be met by moving existing values to DRAM (loading and deleting may
        # be held by placement alone, so moves toward far memory are not required).
        assert int(t["rebalancer_values_to_dram"]) > 0
        assert int(t["rebalancer_failed_moves"]) == 0

        # Every surviving collection reads back exactly as loaded.
        for k, (kind, want) in sorted(data.expected.items()):
            assert read_back(conn, k, kind) == want, "%r changed (seed %d)" % (k, seed)
        sock.close()

        assert conn.execute("FLUSHALL") == Reply("+", b"OK")
        assert int(info(conn, "memory")["used_memory_pmem"]) == 0
    finally:
        srv.stop()
