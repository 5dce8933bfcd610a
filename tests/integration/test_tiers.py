"""Tiered memory end to end: memkeydb on the KMEM DAX backend (MEMKIND_DAX_KMEM_NODES=0 runs it
on node 0's DRAM), the ratio controller and the rebalancer holding the DRAM share, runtime
changes of every tier option, the file backend, running out of far memory, and start-up
failures.

The DRAM share is used_memory_dram / (used_memory_dram + used_memory_pmem) as INFO reports it:
every counted byte, metadata included.

Environment: TIER_KEYS (default 1000000; 200000 under the sanitizers), TIER_SEED.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time

import pytest

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from helpers import servers  # noqa: E402
from helpers.resp import Reply  # noqa: E402
from helpers.tiers import KMEM_ENV, TOLERANCE, dram_share, info, pipeline, wait_for_share  # noqa: E402,F401

MIN_SIZE, MAX_SIZE = 16, 1200


def value_for(i, size):
    """Deterministic bytes for key i, so a value can be checked after it moved."""
    head = b"%d:" % i
    return (head + bytes([65 + i % 26]) * size)[:size]


@pytest.fixture(scope="module")
def seed():
    s = int(os.environ.get("TIER_SEED", random.randrange(1 << 30)))
    print("tier test seed:", s, "(rerun with TIER_SEED=%d)" % s)
    return s


@pytest.fixture(scope="module")
def keys():
    default = 200000 if servers.sanitized() else 1000000
    return int(os.environ.get("TIER_KEYS", default))


@pytest.fixture(scope="module")
def ratio_server():
    srv = servers.start_memkeydb(env=KMEM_ENV, memory_alloc_policy="ratio",
                                 dram_pmem_ratio=("1", "3"))
    yield srv
    srv.stop()


def test_ratio_holds_through_load_delete_rewrite_and_target_change(ratio_server, seed, keys):
    rng = random.Random(seed)
    conn = ratio_server.connect(timeout=60)
    sock = socket.create_connection(ratio_server.addr, timeout=60)
    # Log-uniform sizes from 16 B to 1.2 KB: mostly small values, a long tail of larger ones.
    sizes = [int(MIN_SIZE * (MAX_SIZE / MIN_SIZE) ** rng.random()) for _ in range(keys)]
    kinds = pipeline(sock, [("SET", "k:%d" % i, value_for(i, sizes[i])) for i in range(keys)])
    assert kinds.count(b"+") == keys

    took, share = wait_for_share(conn, 0.25, timeout=30)
    assert took is not None, "after loading %d keys the DRAM share is %.4f, want 0.25 +- %.2f" % (
        keys, share, TOLERANCE)
    print("loaded: DRAM share %.4f after %.1fs more" % (share, took))

    # Delete the half of the keys with the smaller values: they were the DRAM part, so DRAM
    # empties much faster than far memory, and only moving existing values back can restore
    # the ratio. (Deleting the larger half instead would leave the keys' metadata alone above
    # 25% of what remains: a target no placement can reach.)
    order = sorted(range(keys), key=lambda i: sizes[i])
    doomed = order[:keys // 2]
    pipeline(sock, [("DEL", "k:%d" % i) for i in doomed])
    alive = order[keys // 2:]
    print("deleted half: DRAM share %.4f right after" % dram_share(conn))
    took, share = wait_for_share(conn, 0.25, timeout=30)
    assert took is not None, "after deleting the smaller half the DRAM share is %.4f" % share
    print("deleted half: DRAM share %.4f after %.1fs" % (share, took))

    # Rewrite every remaining value with a different size (small become large and back).
    for i in alive:
        sizes[i] = MAX_SIZE + MIN_SIZE - sizes[i]
    pipeline(sock, [("SET", "k:%d" % i, value_for(i, sizes[i])) for i in alive])
    print("rewritten: DRAM share %.4f right after" % dram_share(conn))
    took, share = wait_for_share(conn, 0.25, timeout=30)
    assert took is not None, "after rewriting the values the DRAM share is %.4f" % share
    print("rewritten: DRAM share %.4f after %.1fs" % (share, took))

    # A new target at run time: within 10 s, with no writes to steer by.
    assert conn.execute("CONFIG", "SET", "dram-pmem-ratio", "1 1") == Reply("+", b"OK")
    print("target 1:1: DRAM share %.4f right after" % dram_share(conn))
    took, share = wait_for_share(conn, 0.50, timeout=10)
    assert took is not None, "10 s after CONFIG SET dram-pmem-ratio 1 1 the DRAM share is %.4f" % share
    print("target 1:1: DRAM share %.4f after %.1fs" % (share, took))

    t = info(conn)
    assert int(t["rebalancer_values_to_pmem"]) > 0 and int(t["rebalancer_values_to_dram"]) > 0
    assert int(t["rebalancer_failed_moves"]) == 0

    # Every value is intact after all the moving (a sample when the dataset is large).
    sample = alive if len(alive) <= 50000 else rng.sample(alive, 50000)
    for start in range(0, len(sample), 5000):
        chunk = sample[start:start + 5000]
        got = conn.pipeline([("GET", "k:%d" % i) for i in chunk])
        for i, r in zip(chunk, got):
            assert r == Reply("$", value_for(i, sizes[i])), "k:%d changed (seed %d)" % (i, seed)
    sock.close()

    # FLUSHALL returns the far tier to exactly zero.
    assert conn.execute("FLUSHALL") == Reply("+", b"OK")
    assert int(info(conn, "memory")["used_memory_pmem"]) == 0


def test_every_tier_option_changes_at_runtime_and_is_rewritten():
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "memkeydb.conf")
        with open(conf, "w") as f:
            f.write("port 0\n")
        srv = servers.start_memkeydb(config_file=conf, env=KMEM_ENV)
        try:
            c = srv.connect()
            assert info(c)["memory_alloc_policy"] == "only-dram"
            assert info(c)["pmem_backend"] == "none"
            c.execute("SET", "big", "x" * 5000)
            # Entering a far-memory policy at run time opens the KMEM DAX backend (auto).
            for name, value in [("memory-alloc-policy", "threshold"), ("static-threshold", "1000"),
                                ("hashtable-on-dram", "no"), ("pmem-maxmemory", "1gb"),
                                ("dynamic-threshold-min", "32"), ("dynamic-threshold-max", "8000"),
                                ("initial-dynamic-threshold", "128"),
                                ("memory-ratio-check-period", "50"), ("pmem-full-policy", "oom")]:
                assert c.execute("CONFIG", "SET", name, value) == Reply("+", b"OK"), name
            t = info(c)
            assert t["pmem_backend"] == "kmem-dax" and t["memory_alloc_policy"] == "threshold"
            assert t["controller_boundary"] == "1000"
            # The existing 5000-byte value moves to far memory: the rebalancer follows the threshold.
            deadline = time.monotonic() + 5
            while int(info(c, "memory")["used_memory_pmem"]) < 5000 and time.monotonic() < deadline:
                time.sleep(0.05)
            usage = c.execute("MEMORY", "USAGE", "big", "TIERS")
            tiers = {usage.value[i].value: usage.value[i + 1].value for i in range(0, 6, 2)}
            assert tiers[b"pmem"] >= 5000 and tiers[b"total"] == tiers[b"dram"] + tiers[b"pmem"]
            assert c.execute("CONFIG", "SET", "memory-alloc-policy", "ratio") == Reply("+", b"OK")
            assert c.execute("CONFIG", "SET", "dram-pmem-ratio", "2 5") == Reply("+", b"OK")
            assert c.execute("CONFIG", "GET", "dram-pmem-ratio").value[1] == Reply("$", b"2 5")
            # Bad values are refused and leave the old ones in place.
            bad = c.execute("CONFIG", "SET", "dynamic-threshold-min", "9000")
            assert bad.kind == "-" and b"dynamic-threshold-min" in bad.value
            assert c.execute("CONFIG", "GET", "dynamic-threshold-min").value[1] == Reply("$", b"32")
            assert c.execute("CONFIG", "SET", "pmem-backend", "file").kind == "-"  # start-up only
            assert c.execute("CONFIG", "REWRITE") == Reply("+", b"OK")
            text = open(conf).read()
            for line in ["memory-alloc-policy ratio", "dram-pmem-ratio 2 5", "static-threshold 1000",
                         "hashtable-on-dram no", "pmem-maxmemory 1gb", "dynamic-threshold-min 32",
                         "dynamic-threshold-max 8000", "initial-dynamic-threshold 128",
                         "memory-ratio-check-period 50", "pmem-full-policy oom"]:
                assert line in text, "%r not in the rewritten file:\n%s" % (line, text)
            # Back to only-dram: the far tier drains.
            assert c.execute("CONFIG", "SET", "memory-alloc-policy", "only-dram") == Reply("+", b"OK")
            deadline = time.monotonic() + 5
            while int(info(c, "memory")["used_memory_pmem"]) > 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert int(info(c, "memory")["used_memory_pmem"]) == 0
            assert c.execute("GET", "big") == Reply("$", b"x" * 5000)
        finally:
            srv.stop()


def test_file_backend_refuses_fork_bgsave_and_falls_back_when_full():
    with tempfile.TemporaryDirectory() as pmem_dir:
        srv = servers.start_memkeydb(memory_alloc_policy="only-pmem", pmem_backend="file",
                                     pmem_dir=pmem_dir, pmem_capacity="32mb")
        try:
            c = srv.connect()
            t = info(c)
            assert t["pmem_backend"] == "file" and t["fork_snapshot_safe"] == "0"
            assert t["pmem_dir"] == pmem_dir
            # A forked child would share the MAP_SHARED pages: snapshot-mode fork is refused
            # (auto takes the inline snapshot: tests/integration/test_snapshot_consistency.py).
            assert c.execute("CONFIG", "SET", "snapshot-mode", "fork") == Reply("+", b"OK")
            r = c.execute("BGSAVE")
            assert r.kind == "-" and b"MAP_SHARED" in r.value, r
            assert c.execute("CONFIG", "SET", "snapshot-mode", "auto") == Reply("+", b"OK")
            value = b"v" * 100000
            replies = c.pipeline([("SET", "k%d" % i, value) for i in range(600)])  # 60 MB
            assert all(r == Reply("+", b"OK") for r in replies)
            t = info(c)
            assert int(t["pmem_fallbacks"]) > 0 and t["pmem_full"] == "1"
            assert int(t["used_memory_dram"]) > 20 * 1000 * 1000
            assert c.execute("GET", "k599") == Reply("$", value)
            assert "Far memory is full" in srv.log()
            # With pmem-full-policy oom, writes are refused while the far tier is full.
            assert c.execute("CONFIG", "SET", "pmem-full-policy", "oom") == Reply("+", b"OK")
            r = c.execute("SET", "more", value)
            assert r == Reply("-", b"OOM command not allowed when far memory is full "
                                   b"(pmem-full-policy oom).")
            assert c.execute("GET", "k0") == Reply("$", value)  # reads still work
        finally:
            srv.stop()


def test_kmem_backend_keeps_bgsave_possible():
    with servers.start_memkeydb(env=KMEM_ENV, memory_alloc_policy="only-pmem") as srv:
        c = srv.connect()
        assert info(c)["fork_snapshot_safe"] == "1"
        assert b"MAP_SHARED" not in c.execute("BGSAVE").value


def _run_to_exit(args, env):
    """Runs memkeydb-server expecting it to refuse to start; returns (exit code, output)."""
    p = subprocess.run([servers.memkeydb_binary(), "--port", "0"] + args, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace")


def test_startup_without_far_memory_says_what_is_missing():
    env = {k: v for k, v in os.environ.items() if k != "MEMKIND_DAX_KMEM_NODES"}
    code, out = _run_to_exit(["--memory-alloc-policy", "ratio"], env)
    assert code != 0
    assert "daxctl reconfigure-device --mode=system-ram" in out, out
    assert "MEMKIND_DAX_KMEM_NODES" in out, out
    code, out = _run_to_exit(["--memory-alloc-policy", "threshold", "--pmem-backend", "file",
                              "--pmem-dir", "/nonexistent/pmem"], env)
    assert code != 0 and "/nonexistent/pmem" in out, out
    code, out = _run_to_exit(["--memory-alloc-policy", "ratio", "--pmem-backend", "none"], env)
    assert code != 0 and "pmem-backend is none" in out, out


def test_startup_log_describes_the_tiers():
    with servers.start_memkeydb(env=KMEM_ENV, memory_alloc_policy="ratio",
                                dram_pmem_ratio=("1", "3")) as srv:
        assert "Memory tiers: policy ratio (dram:pmem 1:3), far tier kmem-dax (NUMA node(s) 0" \
            in srv.log()


def test_maxmemory_counts_both_tiers_and_evicts():
    with servers.start_memkeydb(env=KMEM_ENV, memory_alloc_policy="ratio", maxmemory="20mb",
                                maxmemory_policy="allkeys-lru") as srv:
        c = srv.connect()
        sock = socket.create_connection(srv.addr, timeout=60)
        pipeline(sock, [("SET", "k%d" % i, value_for(i, 500)) for i in range(100000)])  # ~60 MB
        m = info(c, "memory")
        used = int(m["used_memory_dram"]) + int(m["used_memory_pmem"])
        assert used <= 20 * 1024 * 1024 + 64 * 1024, used
        assert int(m["used_memory_pmem"]) > 0
        assert int(info(c, "stats")["evicted_keys"]) > 0
        # The most recently written keys survive an LRU policy.
        assert c.execute("GET", "k99999") == Reply("$", value_for(99999, 500))
        assert c.execute("CONFIG", "SET", "maxmemory-policy", "noeviction") == Reply("+", b"OK")
        assert c.execute("CONFIG", "SET", "maxmemory", "1mb") == Reply("+", b"OK")
        assert c.execute("SET", "x", "y") == Reply(
            "-", b"OOM command not allowed when used memory > 'maxmemory'.")
        assert c.execute("GET", "k99999").kind == "$"
        sock.close()


def test_dram_maxmemory_spills_user_data_then_refuses_writes():
    with servers.start_memkeydb(env=KMEM_ENV, memory_alloc_policy="threshold",
                                static_threshold="100000", dram_maxmemory="16mb") as srv:
        c = srv.connect()
        # Values under the threshold belong in DRAM; near 16 MB of DRAM they spill to far memory
        # (the last sixteenth is left to the keys' metadata).
        replies = c.pipeline([("SET", "k%d" % i, value_for(i, 3000)) for i in range(10000)])
        assert all(r == Reply("+", b"OK") for r in replies), [r for r in replies if r.kind == "-"][:1]
        t = info(c)
        assert int(t["dram_spills"]) > 0
        assert int(t["used_memory_pmem"]) > 10 * 1024 * 1024
        assert int(t["used_memory_dram"]) <= 16 * 1024 * 1024
        assert c.execute("GET", "k9999") == Reply("$", value_for(9999, 3000))
        # Metadata cannot spill: with many small keys DRAM reaches the limit and writes stop.
        replies = c.pipeline([("SET", "s%d" % i, "1") for i in range(200000)])
        oom = Reply("-", b"OOM command not allowed when used DRAM > 'dram-maxmemory'.")
        refused = sum(1 for r in replies if r == oom)
        assert refused > 100000, refused
        assert int(info(c)["used_memory_dram"]) <= 16 * 1024 * 1024 + 4096
        assert c.execute("GET", "k0") == Reply("$", value_for(0, 3000))  # reads still work
        assert c.execute("CONFIG", "SET", "dram-maxmemory", "0") == Reply("+", b"OK")
        assert c.execute("SET", "s199999", "1") == Reply("+", b"OK")
