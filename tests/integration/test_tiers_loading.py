"""Loading a dataset lands it at the configured DRAM:far ratio: the tier controller steps while
an RDB file or an AOF (RDB base + commands) is loaded at start-up, so the share is right when
the server starts answering — not only after the rebalancer has moved values later.

Environment: TIER_LOAD_SEED, TIER_LOAD_KEYS (default 150000; 40000 under the sanitizers).
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import sys
import tempfile

import pytest

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from helpers import servers  # noqa: E402
from helpers.tiers import KMEM_ENV, dram_share, pipeline, wait_for_share  # noqa: E402

# The load is judged on the first INFO after start-up, before the rebalancer has had time to
# move much: a little wider than the controller's steady-state tolerance.
LOAD_TOLERANCE = 0.03


def nkeys():
    default = 40000 if servers.sanitized() else 150000
    return int(os.environ.get("TIER_LOAD_KEYS", default))


@pytest.fixture(scope="module")
def seed():
    s = int(os.environ.get("TIER_LOAD_SEED", random.randrange(1 << 30)))
    print("tier loading test seed:", s, "(rerun with TIER_LOAD_SEED=%d)" % s)
    return s


def value(i, size):
    return (b"%d:" % i + b"v" * size)[:size]


@pytest.mark.parametrize("kind", ["rdb", "aof"])
def test_loaded_data_lands_at_the_ratio(kind, seed):
    rng = random.Random(seed)
    n = nkeys()
    # Log-uniform sizes from 16 B to 1.2 KB, as in test_tiers.py.
    sizes = [int(16 * (1200 / 16) ** rng.random()) for _ in range(n)]
    opts = dict(memory_alloc_policy="ratio", dram_pmem_ratio=("1", "3"))
    if kind == "aof":
        opts.update(appendonly="yes", appendfsync="no")
    srv = servers.start_memkeydb(env=KMEM_ENV, **opts)
    srv.keep_dir = True
    src_dir = srv.dir
    loaddir = tempfile.mkdtemp(prefix="tier-load-")
    srv2 = None
    try:
        conn = srv.connect(timeout=60)
        sock = socket.create_connection(srv.addr, timeout=60)
        half = n // 2
        kinds = pipeline(sock, [("SET", "k:%d" % i, value(i, sizes[i])) for i in range(half)])
        assert kinds.count(b"+") == half
        if kind == "aof":
            # An RDB base holding the first half, then the second half as commands.
            assert conn.execute("BGREWRITEAOF").kind == "+"
            took, _ = wait_for_share(conn, 0.25, timeout=30)
            while conn.info("persistence")["aof_rewrite_in_progress"] == "1":
                pass
        kinds = pipeline(sock, [("SET", "k:%d" % i, value(i, sizes[i])) for i in range(half, n)])
        assert kinds.count(b"+") == n - half
        took, share = wait_for_share(conn, 0.25, timeout=30)
        assert took is not None, "before saving the DRAM share is %.4f" % share
        if kind == "rdb":
            assert conn.execute("SAVE").kind == "+"
        sock.close()
        srv.stop()  # SHUTDOWN NOSAVE: the AOF is fsynced
        name = "dump.rdb" if kind == "rdb" else "appendonlydir"
        (shutil.copy if kind == "rdb" else shutil.copytree)(
            os.path.join(src_dir, name), os.path.join(loaddir, name))

        # The loading server starts with every value size below its threshold (all to DRAM):
        # only the controller stepping during the load brings the share to the ratio.
        srv2 = servers.start_memkeydb(env=KMEM_ENV, dir=loaddir,
                                      initial_dynamic_threshold="1mb", **opts)
        c2 = srv2.connect(timeout=120)
        share = dram_share(c2)
        mem = c2.info("tiers")
        moved = int(mem["rebalancer_bytes_to_pmem"]) + int(mem["rebalancer_bytes_to_dram"])
        data = int(mem["used_memory_dram"]) + int(mem["used_memory_pmem"])
        print("%s: DRAM share %.4f on the first INFO after loading %d keys; the rebalancer "
              "has moved %d of %d bytes" % (kind, share, n, moved, data))
        assert int(c2.execute("DBSIZE").value) == n
        assert abs(share - 0.25) <= LOAD_TOLERANCE, (
            "after loading the %s the DRAM share is %.4f, want 0.25 +- %.2f" % (
                kind, share, LOAD_TOLERANCE))
        for i in rng.sample(range(n), 200):
            assert c2.execute("GET", "k:%d" % i).value == value(i, sizes[i])
    finally:
        srv.stop()
        if srv2 is not None:
            srv2.stop()
        shutil.rmtree(src_dir, ignore_errors=True)
        shutil.rmtree(loaddir, ignore_errors=True)
