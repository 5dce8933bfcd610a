"""BGSAVE and BGREWRITEAOF under concurrent writes write a consistent cut, for every way a
snapshot is taken:

  fork-kmem     KMEM DAX far tier (MEMKIND_DAX_KMEM_NODES=0), snapshot-mode auto: a forked child
  inline-kmem   the same tier with snapshot-mode inline: the server walks the keyspace itself
  inline-file   pmem-backend file (MAP_SHARED, a fork would share the pages): inline by default

Writers run transactions MULTI / INCR counter / <SET, DEL, APPEND, HSET or RPUSH> / EXEC. The counter value each EXEC
returns orders the changes, so the dataset after the first C transactions is known exactly. The
saved file is loaded by a fresh server; it must hold some counter C and, for every key, the
value the C-th transaction left — a state that existed at one moment.

Environment: SNAPSHOT_SEED, SNAPSHOT_KEYS (default 60000; 15000 under the sanitizers).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import pytest

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from helpers import servers  # noqa: E402
from helpers.resp import Reply, RespConnection  # noqa: E402
from helpers.tiers import KMEM_ENV  # noqa: E402

WRITERS = 3
BATCH = 40  # transactions pipelined per round trip


def nkeys():
    default = 15000 if servers.sanitized() else 60000
    return int(os.environ.get("SNAPSHOT_KEYS", default))


@pytest.fixture(scope="module")
def seed():
    s = int(os.environ.get("SNAPSHOT_SEED", random.randrange(1 << 30)))
    print("snapshot test seed:", s, "(rerun with SNAPSHOT_SEED=%d)" % s)
    return s


def initial_value(i):
    # 40..400 bytes: with static-threshold 64 most values live in far memory.
    return (b"init:%d:" % i) + b"x" * (40 + (i * 37) % 360)


class Writer(threading.Thread):
    """Sends MULTI/INCR/change/EXEC batches; records counter -> change from EXEC's replies."""

    def __init__(self, srv, wid, n, rng_seed):
        super().__init__(daemon=True)
        self.conn = RespConnection(srv.host, srv.port, timeout=120)
        self.wid = wid
        self.n = n
        self.rng = random.Random(rng_seed)
        self.stop = threading.Event()
        self.log = {}  # counter -> (key, new value | None (deleted) | (operation, args...))
        self.error = None

    def change(self, seq):
        i = self.rng.randrange(self.n)
        tag = b"w%d:%d:" % (self.wid, seq)
        kind = self.rng.random()
        if kind < 0.5:
            key = b"k:%d" % i
            value = tag + b"y" * self.rng.randrange(0, 600)
            return [b"SET", key, value], (key, value)
        if kind < 0.65:
            key = b"k:%d" % i
            return [b"DEL", key], (key, None)
        j = i % 1000
        if kind < 0.8:
            key = b"a:%d" % j
            return [b"APPEND", key, tag], (key, ("append", tag))
        if kind < 0.9:
            key, field = b"h:%d" % j, b"f%d" % (i % 3)
            return [b"HSET", key, field, tag], (key, ("hset", field, tag))
        key = b"l:%d" % j
        return [b"RPUSH", key, tag], (key, ("rpush", tag))

    def run(self):
        seq = 0
        try:
            while not self.stop.is_set():
                cmds, changes = [], []
                for _ in range(BATCH):
                    cmd, ch = self.change(seq)
                    seq += 1
                    cmds += [[b"MULTI"], [b"INCR", b"counter"], cmd, [b"EXEC"]]
                    changes.append(ch)
                replies = self.conn.pipeline(cmds)
                for t, ch in enumerate(changes):
                    execr = replies[4 * t + 3]
                    assert execr.kind == "*", execr
                    counter = execr.value[0]
                    assert counter.kind == ":", counter
                    self.log[int(counter.value)] = ch
        except Exception as e:  # reported by the test
            self.error = e
        finally:
            self.conn.close()


def initial_state(n):
    state = {b"k:%d" % i: initial_value(i) for i in range(n)}
    for j in range(1000):
        state[b"a:%d" % j] = b"a"
        state[b"h:%d" % j] = {b"f0": b"init"}
        state[b"l:%d" % j] = [b"init"]
    return state


def write_initial_state(conn, n):
    """Writes initial_state(n) to the server."""
    for start_i in range(0, n, 2000):
        cmds = [[b"SET", b"k:%d" % i, initial_value(i)]
                for i in range(start_i, min(n, start_i + 2000))]
        assert all(r.kind == "+" for r in conn.pipeline(cmds))
    assert all(r.kind == "+" for r in conn.pipeline(
        [[b"SET", b"a:%d" % j, b"a"] for j in range(1000)]))
    assert all(r.kind == ":" for r in conn.pipeline(
        [[b"HSET", b"h:%d" % j, b"f0", b"init"] for j in range(1000)] +
        [[b"RPUSH", b"l:%d" % j, b"init"] for j in range(1000)]))


def expected_state(n, logs, upto):
    """Every key after the first `upto` transactions."""
    state = initial_state(n)
    merged = {}
    for log in logs:
        merged.update(log)
    missing = [c for c in range(1, upto + 1) if c not in merged]
    assert not missing, "transactions without a record: %r" % missing[:10]
    for c in range(1, upto + 1):
        key, change = merged[c]
        if not isinstance(change, tuple):
            state[key] = change
        elif change[0] == "append":
            state[key] = state[key] + change[1]
        elif change[0] == "hset":
            state[key] = {**state[key], change[1]: change[2]}
        else:
            state[key] = state[key] + [change[1]]
    return state


def load_state(conn, n):
    got = {}
    keys = [b"k:%d" % i for i in range(n)] + [b"a:%d" % j for j in range(1000)]
    for start in range(0, len(keys), 2000):
        part = keys[start:start + 2000]
        for key, r in zip(part, conn.pipeline([[b"GET", k] for k in part])):
            assert r.kind == "$", (key, r)
            got[key] = r.value
    hkeys = [b"h:%d" % j for j in range(1000)]
    for key, r in zip(hkeys, conn.pipeline([[b"HGETALL", k] for k in hkeys])):
        flat = [x.value for x in r.value]
        got[key] = dict(zip(flat[0::2], flat[1::2]))
    lkeys = [b"l:%d" % j for j in range(1000)]
    for key, r in zip(lkeys, conn.pipeline([[b"LRANGE", k, 0, -1] for k in lkeys])):
        got[key] = [x.value for x in r.value]
    return got


MODES = {
    "fork-kmem": dict(env=KMEM_ENV, options=dict(memory_alloc_policy="threshold",
                                                  static_threshold=64), forked=True),
    "inline-kmem": dict(env=KMEM_ENV, options=dict(memory_alloc_policy="threshold",
                                                    static_threshold=64, snapshot_mode="inline"),
                        forked=False),
    "inline-file": dict(env=None, options=dict(memory_alloc_policy="threshold",
                                               static_threshold=64, pmem_backend="file",
                                               pmem_capacity="512mb"),
                        forked=False, pmem_dir=True),
}


def start(mode, extra, tmp):
    m = MODES[mode]
    options = dict(m["options"], **extra)
    if m.get("pmem_dir"):
        d = tempfile.mkdtemp(prefix="pmem-", dir=tmp)
        options["pmem_dir"] = d
    return servers.start_memkeydb(env=m["env"], **options)


@pytest.mark.parametrize("mode", list(MODES))
def test_bgsave_under_writes_is_a_consistent_cut(mode, seed):
    n = nkeys()
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="snapshot-consistency-")
    srv = start(mode, {}, tmp)
    srv2 = None
    try:
        c = srv.connect(timeout=120)
        tiers = c.info("tiers")
        assert tiers["fork_snapshot_safe"] == ("0" if mode == "inline-file" else "1"), tiers
        write_initial_state(c, n)
        assert int(c.info("memory")["used_memory_pmem"]) > 0

        writers = [Writer(srv, w, n, rng.randrange(1 << 30)) for w in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(0.3)  # writers under way
        before = int(c.execute("GET", "counter").value)
        assert c.execute("BGSAVE") == Reply("+", b"Background saving started")
        deadline = time.monotonic() + (300 if servers.sanitized() else 60)
        while c.info("persistence")["rdb_bgsave_in_progress"] == "1":
            assert time.monotonic() < deadline, "BGSAVE did not finish"
            time.sleep(0.01)
        after = int(c.execute("GET", "counter").value)
        time.sleep(0.1)
        for w in writers:
            w.stop.set()
        for w in writers:
            w.join(timeout=60)
            assert w.error is None, "writer failed: %r" % (w.error,)
        p = c.info("persistence")
        assert p["rdb_last_bgsave_status"] == "ok", p
        stats = c.info("stats")
        assert (int(stats["total_forks"]) > 0) == MODES[mode]["forked"], stats
        print("%s: counter %d at BGSAVE, %d when it ended" % (mode, before, after))
        assert after > before, "no write ran during the snapshot"

        # Load the file into a fresh server (start-up load).
        loaddir = tempfile.mkdtemp(prefix="load-", dir=tmp)
        shutil.copy(os.path.join(srv.dir, "dump.rdb"), os.path.join(loaddir, "dump.rdb"))
        srv.stop()
        srv2 = start(mode, {"dir": loaddir}, tmp)
        c2 = srv2.connect(timeout=120)
        cut = int(c2.execute("GET", "counter").value)
        assert before <= cut <= after, (before, cut, after)
        expected = expected_state(n, [w.log for w in writers], cut)
        got = load_state(c2, n)
        wrong = [k for k in expected if got.get(k) != expected[k]]
        assert not wrong, "%d keys differ from the cut at counter %d, e.g. %r: got %s want %s" % (
            len(wrong), cut, wrong[0], repr(got.get(wrong[0]))[:80],
            repr(expected[wrong[0]])[:80])
        dbsize = int(c2.execute("DBSIZE").value)
        live = sum(1 for k in expected if expected[k] is not None)
        assert dbsize == live + 1, (dbsize, live)  # + the counter
    finally:
        srv.stop()
        if srv2 is not None:
            srv2.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_inline_file_with_interleaved_databases_loads_in_redis(seed):
    """Keys of several databases interleave in an inline file (a write emits a key of a database
    the walk has not reached): redis-check-rdb accepts it and redis-server 7.0.15 loads the same
    dataset memkeydb loads."""
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="snapshot-interleave-")
    srv = servers.start_memkeydb(snapshot_mode="inline")
    others = []
    try:
        c = srv.connect(timeout=120)
        n = nkeys() // 2
        for db in (0, 1, 2):
            c.execute("SELECT", db)
            for s in range(0, n, 2000):
                assert all(r.kind == "+" for r in c.pipeline(
                    [[b"SET", b"d%d:%d" % (db, i), b"%d" % rng.randrange(1 << 40) + b"z" * (i % 50)]
                     for i in range(s, min(n, s + 2000))]))
        w = srv.connect(timeout=120)
        w.execute("SELECT", 2)
        assert c.execute("BGSAVE") == Reply("+", b"Background saving started")
        writes = 0
        while c.info("persistence")["rdb_bgsave_in_progress"] == "1":
            # Changes in database 2 while the walk is still in database 0 or 1.
            w.pipeline([[b"SET", b"d2:%d" % rng.randrange(n), b"new"] for _ in range(50)])
            writes += 50
        assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
        assert writes > 0
        path = os.path.join(tmp, "dump.rdb")
        shutil.copy(os.path.join(srv.dir, "dump.rdb"), path)
        check = subprocess.run(["redis-check-rdb", path], capture_output=True, text=True,
                               timeout=120)
        assert check.returncode == 0 and "RDB looks OK" in check.stdout, check.stdout
        digests = []
        for start_fn in (servers.start_redis, servers.start_memkeydb):
            d = tempfile.mkdtemp(prefix="load-", dir=tmp)
            shutil.copy(path, os.path.join(d, "dump.rdb"))
            s = start_fn(dir=d)
            others.append(s)
            sc = s.connect(timeout=120)
            sizes = []
            for db in (0, 1, 2):
                sc.execute("SELECT", db)
                sizes.append(int(sc.execute("DBSIZE").value))
            digests.append((sizes, sc.execute("DEBUG", "DIGEST").value))
        assert digests[0] == digests[1], digests
        assert digests[0][0] == [n, n, n]
    finally:
        srv.stop()
        for s in others:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parametrize("mode", list(MODES))
def test_aof_rewrite_under_writes_repeats_and_loses_nothing(mode, seed):
    """BGREWRITEAOF's base is a cut at the moment the new incr file opened: replaying base +
    incr must give exactly the final state. A base that held a change the incr file also holds
    would apply INCR, APPEND or RPUSH twice; one that missed a change would lose it."""
    n = nkeys() // 2
    rng = random.Random(seed + 1)
    tmp = tempfile.mkdtemp(prefix="aof-consistency-")
    srv = start(mode, {"appendonly": "yes", "appendfsync": "everysec"}, tmp)
    srv.keep_dir = True  # the restart reads its AOF directory
    srv_dir = srv.dir
    srv2 = None
    try:
        c = srv.connect(timeout=120)
        write_initial_state(c, n)
        writers = [Writer(srv, w, n, rng.randrange(1 << 30)) for w in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(0.3)
        rewrites = int(c.info("persistence")["aof_rewrites"])
        r = c.execute("BGREWRITEAOF")
        assert r.kind == "+", r
        deadline = time.monotonic() + (300 if servers.sanitized() else 60)
        while True:
            p = c.info("persistence")
            if p["aof_rewrite_in_progress"] == "0" and int(p["aof_rewrites"]) > rewrites:
                break
            assert p["aof_last_bgrewrite_status"] == "ok", p
            assert time.monotonic() < deadline, "BGREWRITEAOF did not finish"
            time.sleep(0.01)
        time.sleep(0.2)  # writes after the switch, into the new incr file
        for w in writers:
            w.stop.set()
        for w in writers:
            w.join(timeout=60)
            assert w.error is None, "writer failed: %r" % (w.error,)
        final = int(c.execute("GET", "counter").value)
        stats = c.info("stats")
        assert (int(stats["total_forks"]) > 0) == MODES[mode]["forked"], stats
        # Restart on a copy of the AOF directory (stop() removes the server's own directory).
        loaddir = tempfile.mkdtemp(prefix="load-", dir=tmp)
        srv.stop()  # SHUTDOWN NOSAVE: the AOF is flushed and fsynced
        shutil.copytree(os.path.join(srv_dir, "appendonlydir"), os.path.join(loaddir, "appendonlydir"))
        srv2 = start(mode, {"dir": loaddir, "appendonly": "yes"}, tmp)
        c2 = srv2.connect(timeout=120)
        assert int(c2.execute("GET", "counter").value) == final
        expected = expected_state(n, [w.log for w in writers], final)
        got = load_state(c2, n)
        wrong = [k for k in expected if got.get(k) != expected[k]]
        assert not wrong, "%d keys differ after the replay, e.g. %r: got %s want %s" % (
            len(wrong), wrong[0], repr(got.get(wrong[0]))[:80], repr(expected[wrong[0]])[:80])
    finally:
        srv.stop()
        if srv2 is not None:
            srv2.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(srv_dir, ignore_errors=True)
