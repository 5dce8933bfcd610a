"""Replication between two servers, each test run for every primary->replica pair of binaries:
memkeydb->redis, redis->memkeydb, memkeydb->memkeydb and redis->redis (redis-server 7.0.15, the
reference: every test passes with redis->redis). Env REPL_PAIRS='a->b,c->d' (or a:b,c:d) picks
pairs.

  1. test_random_load_replicates: the differential generator's seeded stream (every type,
     MULTI/EXEC, SELECT, blocking commands served later, RESTORE, and this file's short TTLs of
     10 ms..1.5 s on every type, inside and outside MULTI) against the primary; the replica is
     attached before the load (command stream) or in its middle (full sync under writes), with
     disk-based and diskless sync. After every short TTL has passed and the primary has expired
     its keys, the replica reaches the primary's offset and both canonical dumps (every database:
     type, PEXPIRETIME, contents) and every database's DBSIZE are equal.
  2. test_partial_resync_after_link_drop: the link is killed three times under the stream, from
     the primary (CLIENT KILL TYPE replica) or from the replica (CLIENT KILL TYPE master); each
     time the replica comes back with a partial resync: sync_partial_ok +1, sync_full unchanged.
  3. PSYNC2: a replica restarted on its RDB (SHUTDOWN SAVE, started again with replicaof)
     continues partially; a primary restarted on its RDB keeps its history (its old replid
     becomes master_replid2, second_repl_offset = old offset + 1) and the replica continues
     partially; a replica promoted with REPLICAOF NO ONE serves a partial resync to a sibling.
  4. test_tier_ratios_on_both_sides (memkeydb->memkeydb only): primary at DRAM:far 1:3, replica
     at 1:1; same data, each side's DRAM share at its own target.
  5. Faults: primary SIGKILLed at a random moment of a full sync of a 40 MB dataset and restarted
     from its AOF (appendfsync always); a replica output buffer limit cuts full syncs under
     large writes until the writes stop; a backlog overrun (16 kB backlog) forces a full sync.
  6. WAIT and min-replicas-to-write / min-replicas-max-lag (NOREPLICAS).
  7. Replica behaviour: READONLY (and replica-read-only no), ROLE's shape on both sides,
     replica-serve-stale-data no (MASTERDOWN), logically expired keys hidden but kept until the
     primary's DEL, the idle primary's PINGs (repl-ping-replica-period 1) counted in the
     offsets, chained replication primary -> replica1 -> replica2.
  8. masterauth against requirepass; a wrong or missing masterauth never gets the link up.

Where a test has a third server (promotion, chain), it is of the primary's kind, so that the
mixed pairs also have memkeydb and redis-server follow each other the other way round.

What is not compared, because Redis 7.0's replication stream does not carry it (see
replication_normalise): a stream consumer's seen-time, a group's entries-read and lag, and
what a history read (XREADGROUP ... 0) does on the primary only (creates a consumer, delivers
pending entries again: later delivery time, higher count). The
stream sends a PFADD of several elements as one PFADD per element and makes BITFIELD's
OVERFLOW FAIL into SAT (see ReplStream.queue: Redis 7.0 changes a key without propagating
anything when a multi-element PFADD meets a damaged HLL, or when OVERFLOW FAIL refuses every
write of a BITFIELD that created or padded its key).

Randomized tests print their seed: REPL_SEED=<n> reruns it, REPL_COMMANDS=<n> sets the stream
length (default 3000; 1500 under the sanitizers).

    REPL_PAIRS='redis->redis' MEMKEYDB_SERVER=build/memkeydb-server \\
        /usr/bin/python3 -m pytest -q tests/integration/test_replication.py
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import sys
import threading
import time

import pytest

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from helpers import replication as repl  # noqa: E402
from helpers import servers  # noqa: E402
from helpers.resp import Reply, RespConnection  # noqa: E402
from helpers.tiers import KMEM_ENV, dram_share, pipeline, wait_for_share  # noqa: E402

import test_persistence_replay as pr  # noqa: E402  (StreamRunner, canonical_dump, assert_same)

td = pr.td  # the differential generator (tests/differential/test_differential.py)

PAIRS = repl.pairs()
ALL_DBS = 16
BULK_DB = 9       # DEBUG POPULATE'd before a full sync; the generator never selects it
TTL_DBS = (b"5", b"6", b"7")  # this file's short TTLs; the generator never selects these either
SLOW = servers.sanitized()

READONLY = b"READONLY You can't write against a read only replica."
NOREPLICAS = b"NOREPLICAS Not enough good replicas to write."
MASTERDOWN = b"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."


@pytest.fixture(params=PAIRS)
def pair(request):
    return repl.split(request.param)


@pytest.fixture
def data_dirs():
    """Data directories of stopped servers that restarted servers use (see restart()); removed
    at the end. Request it before server_factory so that the servers stop first."""
    made = []
    yield made
    if os.environ.get("KEEP_TEST_DIRS", "") in ("", "0"):
        for d in made:
            shutil.rmtree(d, ignore_errors=True)


def commands() -> int:
    return int(os.environ.get("REPL_COMMANDS") or (1500 if SLOW else 3000))


def seed_for(name: str) -> int:
    s = os.environ.get("REPL_SEED", "").strip()
    seed = int(s) if s else random.SystemRandom().randrange(1, 2 ** 31)
    print("[repl] %s: REPL_SEED=%d REPL_COMMANDS=%d" % (name, seed, commands()), flush=True)
    return seed


def replay_hint(seed: int) -> str:
    return "REPL_SEED=%d REPL_COMMANDS=%d REPL_PAIRS='<pair>'" % (seed, commands())


# ---------------------------------------------------------------------------------------------
# Load

class ReplStream(pr.StreamRunner):
    """The persistence replay's StreamRunner (the differential generator in one server, plus
    RESTORE and blocking commands served later) with this file's short-TTL operations on a
    connection of their own (op_short_ttl)."""

    EXTRA_SHARE = 0.1

    def __init__(self, srv, seed, total, events=None):
        super().__init__(srv, seed, total, events)
        self.ttl_conn = len(self.a.conns)
        self.a.conns.append(RespConnection(srv.host, srv.port, timeout=300.0 if SLOW else 30.0))
        self.extra_ops = pr.EXTRA_OPS + [(op_short_ttl, 10)]
        self.short_ttls = 0

    def report(self, c, x, y, problem="", extra=""):
        text = super().report(c, x, y, problem, extra)
        return text.replace("REPLAY_SEED=%d (this file)" % self.seed,
                            "%s (test_replication.py)" % replay_hint(self.seed))


_TTL_WRITES = {
    b"string": lambda g, k: ["SET", k, g.letters(g.randint(1, 60))],
    b"hash": lambda g, k: ["HSET", k, g.letters(2), g.letters(g.randint(1, 30))],
    b"list": lambda g, k: ["RPUSH", k, g.letters(g.randint(1, 30))],
    b"set": lambda g, k: ["SADD", k, g.letters(3)],
    b"zset": lambda g, k: ["ZADD", k, str(g.randint(-50, 50)), g.letters(3)],
    b"stream": lambda g, k: ["XADD", k, "*", "f", g.letters(g.randint(1, 20))],
}


def op_short_ttl(g, ex):
    """A key of any type in databases 5-7 gets a TTL of 10 ms to 1.5 s (SET PX/EX, PEXPIRE,
    EXPIRE, PEXPIREAT, GETEX; sometimes inside MULTI/EXEC, sometimes PERSISTed again), then a key
    is read (EXISTS/TYPE/PTTL/GET), which expires it on the primary if its time has come. The
    primary propagates the DELs of its lazy and active expiry; the replica never expires a key
    itself. Replies depend on timing, so they are only checked against themselves."""
    c = ex.ttl_conn
    C = td.C
    cmds = []
    if g.chance(0.3) or not ex.short_ttls:
        cmds.append(C("SELECT", g.choice(TTL_DBS), conn=c))
    t = g.choice(sorted(_TTL_WRITES))
    k = b"ttl:%s:%d" % (t, g.randint(0, 3))
    ms = g.randint(10, 1500)
    write = C(*_TTL_WRITES[t](g, k), conn=c)
    r = g.rng.random()
    if t == b"string" and r < 0.3:
        write.args += [b"PX", b"%d" % ms] if g.chance(0.7) else [b"EX", b"1"]
        body = [write]
    elif t == b"string" and r < 0.4:
        body = [write, C("GETEX", k, "PX", ms, conn=c)]
    elif r < 0.7:
        body = [write, C("PEXPIRE", k, ms, conn=c)]
    elif r < 0.85:
        body = [write, C("EXPIRE", k, 1, conn=c)]
    else:
        body = [write, C("PEXPIREAT", k, int(time.time() * 1000) + ms, conn=c)]
    if g.chance(0.08):
        body.append(C("PERSIST", k, conn=c))
    if g.chance(0.25):
        body = [C("MULTI", conn=c)] + body + [C("EXEC", conn=c)]
    cmds += body
    other = b"ttl:%s:%d" % (g.choice(sorted(_TTL_WRITES)), g.randint(0, 3))
    cmds.append(C(g.choice(["EXISTS", "TYPE", "PTTL", "GET"]), other, conn=c))
    ex.short_ttls += 1
    ex.queue(cmds)


def run_stream(srv, seed: int, total: int, events=None) -> ReplStream:
    runner = ReplStream(srv, seed, total, events)
    try:
        elapsed = runner.run()
    except td.Mismatch as e:
        pytest.fail(str(e), pytrace=False)
    finally:
        runner.close()
    print("[repl] seed %d on %s: %s; %d short TTLs set, %d PFADDs split, %d OVERFLOW FAIL made SAT"
          % (seed, srv.kind, runner.summary(elapsed).split("\n")[0], runner.short_ttls,
             runner.pfadds_split, runner.overflow_fail_replaced), flush=True)
    return runner


def write_load(srv, rng: random.Random, n: int, prefix: str = "w", big: int = 300):
    """n pipelined writes of every type on keys <prefix>:<type>:<i> (no WRONGTYPE), with long
    TTLs and DELs; every reply must be a success."""
    cmds = []
    for _ in range(n):
        t = rng.choice(["str", "str", "incr", "list", "hash", "set", "zset", "stream"])
        k = "%s:%s:%d" % (prefix, t, rng.randrange(50))
        v = rng.randbytes(rng.randint(1, big))
        r = rng.random()
        if r < 0.04:
            cmds.append(("DEL", k))
        elif r < 0.08:
            cmds.append(("EXPIRE", k, rng.randint(100000, 900000)))
        elif t == "str":
            cmds.append(("SET", k, v))
        elif t == "incr":
            cmds.append(("INCRBY", k, rng.randint(-1000, 1000)))
        elif t == "list":
            cmds.append((rng.choice(["LPUSH", "RPUSH"]), k, v))
        elif t == "hash":
            cmds.append(("HSET", k, "f%d" % rng.randrange(20), v))
        elif t == "set":
            cmds.append(("SADD", k, "m%d" % rng.randrange(100)))
        elif t == "zset":
            cmds.append(("ZADD", k, rng.randint(-100, 100), "m%d" % rng.randrange(100)))
        else:
            cmds.append(("XADD", k, "*", "f", v))
    conn = repl.connect(srv, timeout=300.0 if SLOW else 30.0)
    try:
        for i in range(0, len(cmds), 500):
            chunk = cmds[i:i + 500]
            for c, reply in zip(chunk, conn.pipeline(chunk)):
                assert reply.kind not in ("-", "!"), "%r answered %r" % (c, reply)
    finally:
        conn.close()


def populate(srv, count: int, size: int, db: int = BULK_DB, prefix: str = "bulk"):
    """DEBUG POPULATE (not propagated: only before the replica attaches)."""
    with RespConnection(srv.host, srv.port, timeout=300.0) as c:
        assert c.execute("SELECT", db) == Reply("+", b"OK")
        r = c.execute("DEBUG", "POPULATE", count, prefix, size)
        assert r == Reply("+", b"OK"), r
        assert c.execute("DBSIZE").value >= count


# ---------------------------------------------------------------------------------------------
# Comparing

def dbsizes(srv):
    with RespConnection(srv.host, srv.port, timeout=60.0) as c:
        pw = getattr(srv, "password", None)
        if pw:
            c.execute("AUTH", pw)
        out = []
        for db in range(ALL_DBS):
            assert c.execute("SELECT", db) == Reply("+", b"OK")
            out.append(c.execute("DBSIZE").value)
        return out


def settle_expiries(primary, timeout: float = 30.0):
    """Until no key of the primary has a TTL that could run out during a comparison: every
    short TTL has passed, and the primary, which looks at every key (SCAN and PTTL expire a key
    whose time has come, like any access), has deleted the expired keys and propagated the
    DELs. Keys with a TTL further than pr.EXPIRY_MARGIN_MS away are left alone."""
    pending = []

    def done():
        pending.clear()
        with RespConnection(primary.host, primary.port, timeout=60.0) as c:
            for db in range(ALL_DBS):
                c.execute("SELECT", db)
                cursor = b"0"
                keys = []
                while True:
                    r = c.execute("SCAN", cursor, "COUNT", 1000)
                    cursor = r.value[0].value
                    keys += [x.value for x in r.value[1].value]
                    if cursor == b"0":
                        break
                ttls = c.pipeline([("PTTL", k) for k in keys]) if keys else []
                pending.extend((db, k, t.value) for k, t in zip(keys, ttls)
                               if 0 <= t.value < pr.EXPIRY_MARGIN_MS)
        return not pending
    try:
        repl.wait_for(done, "the short TTLs on the primary to run out", timeout, show=(primary,),
                      interval=0.1)
    except AssertionError as e:
        raise AssertionError("%s\nstill pending: %s" % (e, pending[:10])) from None


def _flat(d) -> tuple:
    return tuple(x for kv in d.items() for x in kv)


def _history_bumped(p_pel, r_pel):
    """A PEL (tuples ending in delivery time, delivery count) with the replica's entry put in
    place of the primary's wherever the two differ only by a primary that delivered the entry
    again later (time and count both >= the replica's); the number of such entries."""
    out, n = [], 0
    for i, e in enumerate(p_pel):
        o = r_pel[i] if i < len(r_pel) else None
        if o is not None and o != e and o[:-2] == e[:-2] and o[-2] <= e[-2] and o[-1] <= e[-1]:
            out.append(o)
            n += 1
        else:
            out.append(e)
    return tuple(out), n


def replication_normalise(dp, dr):
    """Leaves out of the dumps of the primary (dp) and the replica (dr) what Redis 7.0's own
    replication stream does not carry about streams; everything else (entries, IDs, counters,
    last-delivered-id, PEL entries and their owners, the consumers and what they own) is
    compared as is.

    * a consumer's seen-time: the replica sets it when it applies the propagated XCLAIM or
      XGROUP CREATECONSUMER (its own clock, later than the primary's), and a read that
      delivers nothing touches the consumer on the primary only;
    * a group's entries-read and the lag computed from it: XREADGROUP is propagated as
      XCLAIM ... LASTID, which moves last-delivered-id but not entries-read, so the replica
      keeps the value it had (from XGROUP CREATE/SETID ... ENTRIESREAD or the last full sync)
      or nil, where the primary has counted the reads;
    * a history read (XREADGROUP ... STREAMS key 0) propagates nothing: on the primary only it
      creates its consumer and bumps the delivery time and count of the entries it returns. A
      consumer without pending entries on the primary only is left out, and a PEL entry whose
      delivery time and count on the primary are both >= the replica's is taken as equal. A
      consumer on the replica only, a consumer that owns entries, or a replica ahead on a
      delivery count or time still differ.

    Returns {what: how many} of the differences left out."""
    counts = {"entries-read": 0, "consumer on the primary only": 0, "PEL entries delivered again": 0}

    def strip(group):
        consumers = []
        for craw in group.get(b"consumers") or ():
            c = pr._pairs(craw)
            c.pop(b"seen-time", None)
            consumers.append(c)
        group[b"consumers"] = consumers
        return group.pop(b"entries-read", None), group.pop(b"lag", None)

    for key, v in list(dp.items()):
        if key == "left out" or v[0] != "stream" or dr.get(key, ("",))[0] != "stream":
            continue
        p, r = pr._pairs(v[2]), pr._pairs(dr[key][2])
        pg = [pr._pairs(g) for g in p.get(b"groups") or ()]
        rg = [pr._pairs(g) for g in r.get(b"groups") or ()]
        read_p = [strip(g) for g in pg]
        read_r = [strip(g) for g in rg]
        counts["entries-read"] += sum(1 for a, b in zip(read_p, read_r) if a != b)
        for gp, gr in zip(pg, rg):
            if gp.get(b"name") != gr.get(b"name"):
                continue
            gp[b"pending"], n = _history_bumped(gp[b"pending"], gr[b"pending"])
            counts["PEL entries delivered again"] += n
            theirs = {c[b"name"]: c for c in gr[b"consumers"]}
            kept = [c for c in gp[b"consumers"] if c[b"name"] in theirs or c[b"pel-count"] != 0]
            counts["consumer on the primary only"] += len(gp[b"consumers"]) - len(kept)
            for c in kept:
                if c[b"name"] in theirs:
                    c[b"pending"], _ = _history_bumped(c[b"pending"], theirs[c[b"name"]][b"pending"])
            gp[b"consumers"] = kept
        for g in pg + rg:
            g[b"consumers"] = tuple(_flat(c) for c in g[b"consumers"])
        p[b"groups"] = tuple(_flat(g) for g in pg)
        r[b"groups"] = tuple(_flat(g) for g in rg)
        dp[key] = (v[0], v[1], _flat(p))
        dr[key] = (dr[key][0], dr[key][1], _flat(r))
    return counts


def assert_replica_has_primary_data(primary, replica, seed: int, what: str = "the replica",
                                    min_keys: int = 10, dp=None):
    """Canonical dumps of every database and every DBSIZE equal (the caller has waited for
    the offsets to match). DBSIZE on a replica counts the keys it hides because their time has
    passed: a replica that expired keys itself, or a primary that did not propagate its DELs,
    shows here. Normalised: replication_normalise. `dp`: the primary's dump if already made."""
    dp = pr.canonical_dump(primary) if dp is None else dict(dp)
    dr = pr.canonical_dump(replica)
    print("[repl] primary data set: %s" % pr.describe(dp), flush=True)
    left_out = replication_normalise(dp, dr)
    if any(left_out.values()):
        print("[repl] stream differences Redis 7.0 does not replicate, left out: %s" % left_out,
              flush=True)
    assert len(dp) - 1 >= min_keys, "the load left almost nothing to compare: %s" % pr.describe(dp)
    pr.assert_same(dp, dr, "%s (%s) compared with the primary (%s)" % (what, replica.kind, primary.kind),
                   seed, replay=replay_hint(seed))
    sp, sr = dbsizes(primary), dbsizes(replica)
    assert sp == sr, "DBSIZE per database: primary %s, %s %s\n%s" % (sp, what, sr,
                                                                     repl.state(primary, replica))


# ---------------------------------------------------------------------------------------------
# Plumbing

def shutdown_save(srv):
    """SHUTDOWN SAVE (the data directory is kept for a restart); returns the directory."""
    srv.keep_dir = True
    srv.expect_exit()
    with RespConnection(srv.host, srv.port, timeout=60.0) as c:
        pw = getattr(srv, "password", None)
        if pw:
            c.execute("AUTH", pw)
        c.send_command("SHUTDOWN", "SAVE")
        try:
            r = c.read_reply()
            raise AssertionError("SHUTDOWN SAVE on %s answered %r" % (srv, r))
        except (ConnectionError, EOFError, OSError):
            pass  # the server closes the connection as it exits
    srv.proc.wait(timeout=repl.scaled(30))
    assert srv.proc.returncode == 0, "%r exited with %s\n%s" % (srv, srv.proc.returncode, srv.describe())
    srv.stop()
    return srv.dir


def restart(factory, data_dirs, old, kind, **options):
    """Start `kind` on the data directory of the stopped server `old` (the directory is removed
    at the end of the test)."""
    data_dirs.append(old.dir)
    return repl.start(factory, kind, dir=old.dir, **options)


def kill_link(side, primary, replica):
    """Close the replication link: on the primary CLIENT KILL TYPE replica, on the replica
    CLIENT KILL TYPE master. Exactly one connection must be closed."""
    srv, typ = (primary, "replica") if side == "primary" else (replica, "master")
    with RespConnection(srv.host, srv.port, timeout=30.0) as c:
        r = c.execute("CLIENT", "KILL", "TYPE", typ)
    assert r == Reply(":", 1), "CLIENT KILL TYPE %s on %r answered %r\n%s" % (
        typ, srv, r, repl.state(primary, replica))


def wait_connected_replicas(primary, n: int, timeout: float = 30.0):
    repl.wait_for(lambda: repl.replication(primary).get("connected_slaves") == str(n),
                  "%r to have connected_slaves:%d" % (primary, n), timeout, show=(primary,))


# ---------------------------------------------------------------------------------------------
# 1. Seeded random load

@pytest.mark.parametrize("sync", ["diskless", "disk"])
@pytest.mark.parametrize("attach_at", ["before-load", "mid-load"])
def test_random_load_replicates(server_factory, pair, attach_at, sync):
    pk, rk = pair
    seed = seed_for("random load %s->%s, replica attached %s, %s sync" % (pk, rk, attach_at, sync))
    n = commands()
    primary = repl.start(server_factory, pk, repl_diskless_sync=(sync == "diskless"),
                         repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk)
    # a bulk database makes the full sync take a moment, so that writes go on during it
    populate(primary, 2000 if SLOW else 10000, 1000)
    events = {}
    seen = {}
    if attach_at == "before-load":
        repl.attach(replica, primary)
        repl.wait_synced(primary, replica)
    else:
        def attach(runner):
            repl.attach(replica, primary)
            seen["attached at"] = runner.count
            runner.log("[repl] REPLICAOF at command %d" % runner.count)

        def look(runner):
            seen["sync_in_progress"] = repl.replication(replica).get("master_sync_in_progress")
        events[n // 2] = attach
        events[n // 2 + 250] = look  # after the next batch
    run_stream(primary, seed, n, events)
    if attach_at == "mid-load":
        assert "attached at" in seen, "the stream never reached command %d" % (n // 2)
        print("[repl] one batch after REPLICAOF the replica had master_sync_in_progress:%s"
              % seen["sync_in_progress"], flush=True)
    settle_expiries(primary)
    repl.wait_synced(primary, replica)
    st = repl.stats(primary)
    assert st["sync_full"] == 1 and st["sync_partial_ok"] == 0, (
        "one full sync and nothing else expected: %s\n%s" % (st, repl.state(primary, replica)))
    assert_replica_has_primary_data(primary, replica, seed)


# ---------------------------------------------------------------------------------------------
# 2. Partial resync after a dropped link

@pytest.mark.parametrize("side", ["primary", "replica"], ids=["kill-on-primary", "kill-on-replica"])
def test_partial_resync_after_link_drop(server_factory, pair, side):
    pk, rk = pair
    seed = seed_for("link drop %s->%s, killed on the %s" % (pk, rk, side))
    n = commands()
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk)
    repl.attach(replica, primary)
    repl.wait_synced(primary, replica)
    before = repl.stats(primary)
    kills = []

    def drop(runner):
        # the previous drop has been followed by a resync (the replica reconnects by itself)
        repl.wait_link_up(replica, show=(primary,))
        kill_link(side, primary, replica)
        kills.append(runner.count)
        runner.log("[repl] replication link killed on the %s at command %d" % (side, runner.count))
    run_stream(primary, seed, n, {n // 4: drop, n // 2: drop, 3 * n // 4: drop})
    assert len(kills) == 3, "the link was killed at commands %s only" % kills
    settle_expiries(primary)
    repl.wait_synced(primary, replica)
    after = repl.stats(primary)
    assert after["sync_partial_ok"] == before["sync_partial_ok"] + len(kills) and \
        after["sync_full"] == before["sync_full"], (
            "%d link drops: each must be followed by a partial resync and no full sync; INFO stats "
            "of the primary before %s, after %s\n%s" % (len(kills), before, after,
                                                        repl.state(primary, replica)))
    assert_replica_has_primary_data(primary, replica, seed)


# ---------------------------------------------------------------------------------------------
# 3. PSYNC2 after restarts and a promotion

def test_replica_restart_continues_with_partial_resync(data_dirs, server_factory, pair):
    pk, rk = pair
    seed = seed_for("replica restart %s->%s" % (pk, rk))
    rng = random.Random(seed)
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk, replicaof=(primary.host, primary.port))
    write_load(primary, rng, 2000)
    repl.wait_synced(primary, replica)
    before = repl.stats(primary)
    offset = int(repl.replication(replica)["slave_repl_offset"])
    shutdown_save(replica)
    wait_connected_replicas(primary, 0)
    write_load(primary, rng, 500)  # the backlog covers what the replica misses
    replica = restart(server_factory, data_dirs, replica, rk, replicaof=(primary.host, primary.port))
    repl.wait_synced(primary, replica)
    after = repl.stats(primary)
    assert after["sync_partial_ok"] == before["sync_partial_ok"] + 1 and \
        after["sync_full"] == before["sync_full"], (
            "the restarted replica (offset %d in its RDB) must continue with a partial resync: "
            "primary's INFO stats before %s, after %s\n%s\n%s" % (
                offset, before, after, repl.state(primary, replica), replica.log_tail(20)))
    write_load(primary, rng, 300)
    repl.wait_synced(primary, replica)
    assert_replica_has_primary_data(primary, replica, seed)


def test_primary_restart_keeps_replication_history(data_dirs, server_factory, pair):
    pk, rk = pair
    seed = seed_for("primary restart %s->%s" % (pk, rk))
    rng = random.Random(seed)
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk, replicaof=(primary.host, primary.port))
    write_load(primary, rng, 2000)
    repl.wait_synced(primary, replica)
    info = repl.replication(primary)
    replid, offset = info["master_replid"], int(info["master_repl_offset"])
    port = primary.port
    shutdown_save(primary)  # waits for the replica to have everything, then saves
    repl.wait_for(lambda: repl.replication(replica).get("master_link_status") == "down",
                  "the replica to see its primary gone", 30, show=(replica,))
    primary = restart(server_factory, data_dirs, primary, pk, port=port, repl_diskless_sync_delay=0)
    info = repl.replication(primary)
    # Redis 7.0: a primary restarted on an RDB with replication info takes a new replid and
    # keeps the old one as replid2, valid up to the offset it had at shutdown (a little past
    # `offset`: SHUTDOWN sends the replicas a REPLCONF GETACK before saving)
    restored = int(info["master_repl_offset"])
    assert info["master_replid2"] == replid and info["second_repl_offset"] == str(restored + 1) \
        and offset <= restored < offset + 1000 and info["master_replid"] != replid, (
            "after SHUTDOWN SAVE (replid %s, offset %d) the restarted primary shows %s"
            % (replid, offset, repl.state(primary)))
    repl.wait_synced(primary, replica)
    st = repl.stats(primary)
    assert st["sync_partial_ok"] == 1 and st["sync_full"] == 0, (
        "the replica must continue with a partial resync against the restarted primary: %s\n%s"
        % (st, repl.state(primary, replica)))
    assert repl.replication(replica)["master_replid"] == info["master_replid"], repl.state(primary, replica)
    write_load(primary, rng, 500)
    repl.wait_synced(primary, replica)
    assert_replica_has_primary_data(primary, replica, seed)


def test_promoted_replica_serves_partial_resync(server_factory, pair):
    """replica1 becomes a primary (REPLICAOF NO ONE); replica2, which followed the old primary,
    is pointed at it and continues with a partial resync through master_replid2."""
    pk, rk = pair
    seed = seed_for("promotion %s->%s" % (pk, rk))
    rng = random.Random(seed)
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    r1 = repl.start(server_factory, rk, repl_diskless_sync_delay=0)
    r2 = repl.start(server_factory, pk)  # the other kind, where the pair has two
    for r in (r1, r2):
        repl.attach(r, primary)
    write_load(primary, rng, 2000)
    for r in (r1, r2):
        repl.wait_synced(primary, r)
    p_info = repl.replication(primary)
    old_id, offset = p_info["master_replid"], int(p_info["master_repl_offset"])
    repl.detach(r1)
    i1 = repl.replication(r1)
    assert i1["role"] == "master" and i1["master_replid2"] == old_id and \
        i1["second_repl_offset"] == str(offset + 1) and i1["master_replid"] != old_id, (
            "after REPLICAOF NO ONE at offset %d of replid %s: %s" % (offset, old_id, repl.state(r1)))
    write_load(r1, rng, 300, prefix="promoted")  # the promoted replica takes writes
    repl.attach(r2, r1)
    repl.wait_synced(r1, r2)
    st = repl.stats(r1)
    assert st["sync_partial_ok"] == 1 and st["sync_full"] == 0, (
        "replica2 must continue with a partial resync against the promoted replica: %s\n%s"
        % (st, repl.state(primary, r1, r2)))
    assert repl.replication(r2)["master_replid"] == repl.replication(r1)["master_replid"]
    assert_replica_has_primary_data(r1, r2, seed, "replica2")


# ---------------------------------------------------------------------------------------------
# 4. Tier ratios (memkeydb on both sides only)

if "memkeydb->memkeydb" in PAIRS:
    def test_tier_ratios_on_both_sides(server_factory):
        """Primary at DRAM:far 1:3, replica at 1:1: the replica's copy of the data lands at its
        own ratio, not the primary's; both hold the same data."""
        seed = seed_for("tier ratios memkeydb->memkeydb")
        rng = random.Random(seed)
        n = 20000 if SLOW else 80000
        sizes = [int(16 * (1200 / 16) ** rng.random()) for _ in range(n)]
        tiers = dict(env=KMEM_ENV, memory_alloc_policy="ratio")
        primary = repl.start(server_factory, "memkeydb", dram_pmem_ratio=("1", "3"),
                             repl_diskless_sync_delay=0, **tiers)
        replica = repl.start(server_factory, "memkeydb", dram_pmem_ratio=("1", "1"), **tiers)
        sock = socket.create_connection(primary.addr, timeout=120)
        try:
            half = n // 2
            kinds = pipeline(sock, [("SET", "k:%d" % i, rng.randbytes(sizes[i])) for i in range(half)])
            assert kinds.count(b"+") == half
            repl.attach(replica, primary)  # the first half by full sync, the rest as a stream
            kinds = pipeline(sock, [("SET", "k:%d" % i, rng.randbytes(sizes[i])) for i in range(half, n)])
            assert kinds.count(b"+") == n - half
        finally:
            sock.close()
        repl.wait_synced(primary, replica, timeout=120)
        for srv, target in ((primary, 0.25), (replica, 0.5)):
            c = srv.connect(timeout=120)
            took, share = wait_for_share(c, target, timeout=repl.scaled(30))
            share = dram_share(c)
            print("[repl] %s: DRAM share %.4f (target %.2f)" % (
                "primary" if srv is primary else "replica", share, target), flush=True)
            assert abs(share - target) <= 0.03, (
                "%s: DRAM share %.4f, target %.2f +- 0.03" % (srv, share, target))
        assert_replica_has_primary_data(primary, replica, seed)


# ---------------------------------------------------------------------------------------------
# 5. Faults

def test_primary_killed_during_full_sync(data_dirs, server_factory, pair):
    """The primary is SIGKILLed at a random moment of a replica's first full sync (40 MB in 100k
    keys; disk-based or diskless, chosen by the seed), and restarted from its AOF (appendfsync
    always): whatever the moment, the replica ends up with exactly the primary's data, which is
    every write the primary acknowledged."""
    pk, rk = pair
    seed = seed_for("primary killed during sync %s->%s" % (pk, rk))
    rng = random.Random(seed)
    diskless = rng.random() < 0.5
    aof = dict(appendonly=True, appendfsync="always", repl_diskless_sync=diskless,
               repl_diskless_sync_delay=0)
    primary = repl.start(server_factory, pk, **aof)
    replica = repl.start(server_factory, rk)
    populate(primary, 25000 if SLOW else 100000, 400, db=0, prefix="key")
    c = primary.connect(timeout=120)
    assert c.execute("BGREWRITEAOF").kind == "+"  # DEBUG POPULATE is not logged: into the base
    repl.wait_for(lambda: c.info("persistence")["aof_rewrite_in_progress"] == "0"
                  and c.info("persistence")["aof_rewrite_scheduled"] == "0",
                  "the AOF rewrite", 120, show=(primary,))
    write_load(primary, rng, 1000)  # and some writes after the rewrite (fsynced one by one)
    expected = pr.canonical_dump(primary)
    # mostly within the sync (about 0.3 s for redis-server here), sometimes after it
    delay = rng.uniform(0, 0.4) if rng.random() < 0.85 else rng.uniform(0.4, 1.2)
    repl.attach(replica, primary)
    time.sleep(delay)  # a random moment: handshake, RDB transfer, loading, or already streaming
    r = repl.replication(replica)
    print("[repl] SIGKILL of the primary %.3f s after REPLICAOF (%s sync): replica link %s, sync in "
          "progress %s" % (delay, "diskless" if diskless else "disk-based", r.get("master_link_status"),
                           r.get("master_sync_in_progress")), flush=True)
    primary.keep_dir = True
    primary.kill(signal.SIGKILL)
    primary.stop()
    primary = restart(server_factory, data_dirs, primary, pk, port=primary.port, **aof)
    repl.wait_synced(primary, replica, timeout=120)
    restarted = pr.canonical_dump(primary)
    pr.assert_same(expected, restarted, "the primary restarted from its AOF", seed,
                   replay=replay_hint(seed))
    assert_replica_has_primary_data(primary, replica, seed, dp=restarted)


def test_output_buffer_limit_cuts_full_sync(server_factory, pair):
    """client-output-buffer-limit "replica 64kb 32kb 1" on the primary and 100 kB values written
    while a replica does its full sync: the primary drops the replica as soon as its buffer
    passes the limit, the replica starts over (sync_full counts every attempt), and once the
    writes stop a sync completes with the primary's data."""
    pk, rk = pair
    seed = seed_for("output buffer limit %s->%s" % (pk, rk))
    primary = repl.start(server_factory, pk, repl_diskless_sync=False, repl_diskless_sync_delay=0,
                         client_output_buffer_limit="replica 64kb 32kb 1")
    replica = repl.start(server_factory, rk)
    populate(primary, 20000 if SLOW else 100000, 100)  # the BGSAVE takes a moment
    writer = Writer(primary, seed, size=100 * 1024, keys=20)
    writer.start()
    try:
        repl.attach(replica, primary)
        repl.wait_for(lambda: repl.stats(primary)["sync_full"] >= 3,
                      "the replica to retry its full sync (dropped for its output buffer)", 60,
                      show=(primary, replica))
        assert not repl.link_up(replica), repl.state(primary, replica)
    finally:
        writer.finish()
    print("[repl] %d writes of 100 kB; %s" % (writer.count, repl.stats(primary)), flush=True)
    if primary.kind == "redis":  # how redis-server says it (memkeydb words its log itself)
        assert "for overcoming of output buffer limits" in primary.log(), primary.log_tail(30)
    repl.wait_synced(primary, replica, timeout=60)
    assert_replica_has_primary_data(primary, replica, seed)


class Writer(threading.Thread):
    """SETs of `size`-byte values on `keys` keys, in a loop until finish()."""

    def __init__(self, srv, seed, size, keys):
        super().__init__(daemon=True)
        self.srv, self.rng, self.size, self.keys = srv, random.Random(seed), size, keys
        self.stop_flag = threading.Event()
        self.count = 0
        self.error = None

    def run(self):
        try:
            with RespConnection(self.srv.host, self.srv.port, timeout=60.0) as c:
                while not self.stop_flag.is_set():
                    batch = [("SET", "big:%d" % self.rng.randrange(self.keys),
                              self.rng.randbytes(self.size)) for _ in range(5)]
                    for r in c.pipeline(batch):
                        assert r == Reply("+", b"OK"), r
                    self.count += len(batch)
                    time.sleep(0.01)
        except BaseException as e:  # reported by finish()
            self.error = e

    def finish(self):
        self.stop_flag.set()
        self.join(timeout=60)
        if self.error is not None:
            raise AssertionError("writer failed: %r" % (self.error,))


def test_backlog_overrun_forces_full_sync(server_factory, pair):
    """repl-backlog-size 16kb. The replica process is frozen (SIGSTOP) and the primary drops the
    link (CLIENT KILL TYPE replica), so nothing reconnects until SIGCONT. First a few hundred
    bytes are written meanwhile: the replica continues with a partial resync (the method is
    sound). Then 400 kB: the backlog has moved past the replica's offset, and it gets a full
    sync."""
    pk, rk = pair
    seed = seed_for("backlog overrun %s->%s" % (pk, rk))
    rng = random.Random(seed)
    primary = repl.start(server_factory, pk, repl_backlog_size="16kb", repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk)
    repl.attach(replica, primary)
    write_load(primary, rng, 500, big=100)
    repl.wait_synced(primary, replica)

    def frozen_replica_misses(n_bytes):
        offset = int(repl.replication(replica)["slave_repl_offset"])
        replica.proc.send_signal(signal.SIGSTOP)
        try:
            kill_link("primary", primary, replica)
            with RespConnection(primary.host, primary.port) as c:
                c.pipeline([("SET", "miss:%d" % i, rng.randbytes(1000)) for i in range(n_bytes // 1000)]
                           + [("SET", "miss:last", "x")])
            return offset, repl.replication(primary)
        finally:
            replica.proc.send_signal(signal.SIGCONT)

    s0 = repl.stats(primary)
    offset, info = frozen_replica_misses(1000)
    repl.wait_synced(primary, replica)
    s1 = repl.stats(primary)
    assert (s1["sync_full"], s1["sync_partial_ok"]) == (s0["sync_full"], s0["sync_partial_ok"] + 1), (
        "a short disconnection must be followed by a partial resync: %s -> %s\n%s"
        % (s0, s1, repl.state(primary, replica)))

    offset, info = frozen_replica_misses(400 * 1000)
    first = int(info["repl_backlog_first_byte_offset"])
    assert first > offset + 1, (
        "the backlog should have moved past the replica's offset %d: %s" % (offset, info))
    repl.wait_synced(primary, replica)
    s2 = repl.stats(primary)
    assert (s2["sync_full"], s2["sync_partial_ok"]) == (s1["sync_full"] + 1, s1["sync_partial_ok"]), (
        "after the backlog overran (replica at offset %d, backlog from %d) a full sync must "
        "follow: %s -> %s\n%s" % (offset, first, s1, s2, repl.state(primary, replica)))
    assert_replica_has_primary_data(primary, replica, seed)


# ---------------------------------------------------------------------------------------------
# 6. WAIT and min-replicas

def test_wait_and_min_replicas(server_factory, pair):
    pk, rk = pair
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk)
    c = primary.connect()
    # with no replica WAIT times out and says 0
    assert c.execute("SET", "a", "1") == Reply("+", b"OK")
    t0 = time.monotonic()
    assert c.execute("WAIT", 1, 1000) == Reply(":", 0)
    waited = time.monotonic() - t0
    assert 0.9 <= waited < 5, "WAIT 1 1000 with no replica returned after %.3f s" % waited
    # min-replicas-to-write 1 and no replica: writes refused, reads served
    assert c.execute("CONFIG", "SET", "min-replicas-to-write", "1") == Reply("+", b"OK")
    assert c.execute("SET", "a", "2") == Reply("-", NOREPLICAS)
    assert c.execute("GET", "a") == Reply("$", b"1")
    # a replica attaches: writes are accepted again once it counts as good
    repl.attach(replica, primary)
    repl.wait_synced(primary, replica)
    repl.wait_for(lambda: c.execute("SET", "a", "3") == Reply("+", b"OK"),
                  "SET to be accepted with min-replicas-to-write 1 and one replica", 10,
                  show=(primary, replica))
    t0 = time.monotonic()
    assert c.execute("WAIT", 1, 1000) == Reply(":", 1)
    # Answered by the replica's reply to GETACK, or at the latest by its once-a-second ACK.
    # (The redis->memkeydb pair took 0.911 s in 2 of 6 clean-clone CI runs, before the replica
    # sent a second ACK after a full sync: docs/replication.md, "Not yet".)
    assert time.monotonic() - t0 < 2.0, "WAIT with a replica took %.3f s" % (time.monotonic() - t0)
    repl.wait_synced(primary, replica)
    assert replica.connect().execute("GET", "a") == Reply("$", b"3")
    # min-replicas-max-lag 1: a frozen replica stops acknowledging and stops counting
    assert c.execute("CONFIG", "SET", "min-replicas-max-lag", "1") == Reply("+", b"OK")
    replica.proc.send_signal(signal.SIGSTOP)
    try:
        repl.wait_for(lambda: c.execute("SET", "a", "4") == Reply("-", NOREPLICAS),
                      "NOREPLICAS once the frozen replica's lag passes 1 s", 10, show=(primary,))
    finally:
        replica.proc.send_signal(signal.SIGCONT)
    repl.wait_for(lambda: c.execute("SET", "a", "5") == Reply("+", b"OK"),
                  "writes accepted again once the replica acknowledges", 10, show=(primary, replica))
    assert c.execute("WAIT", 1, 2000) == Reply(":", 1)
    # the replica goes away: WAIT times out with 0 again
    assert c.execute("CONFIG", "SET", "min-replicas-to-write", "0") == Reply("+", b"OK")
    repl.detach(replica)
    wait_connected_replicas(primary, 0)
    assert c.execute("SET", "a", "6") == Reply("+", b"OK")
    assert c.execute("WAIT", 1, 500) == Reply(":", 0)


# ---------------------------------------------------------------------------------------------
# 7. Replica behaviour

def _shape(r: Reply):
    """A reply's structure: the kinds of every element, not the values."""
    if r.kind == "*" and r.value is not None:
        return ("*", tuple(_shape(x) for x in r.value))
    return r.kind


def test_replica_read_only_and_role(server_factory, pair):
    pk, rk = pair
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk)
    pc, rc = primary.connect(), replica.connect()
    assert rc.execute("ROLE") == Reply("*", (Reply("$", b"master"), Reply(":", 0), Reply("*", ())))
    repl.attach(replica, primary)
    repl.wait_synced(primary, replica)
    assert pc.execute("SET", "k", "v") == Reply("+", b"OK")  # streamed: the offset moves
    repl.wait_synced(primary, replica)
    assert rc.execute("GET", "k") == Reply("$", b"v")
    for cmd in (("SET", "k", "w"), ("DEL", "k"), ("LPUSH", "l", "x"), ("INCR", "n"), ("EXPIRE", "k", 100)):
        assert rc.execute(*cmd) == Reply("-", READONLY), cmd
    assert rc.execute("MULTI") == Reply("+", b"OK")
    assert rc.execute("SET", "k", "w") == Reply("-", READONLY)
    assert rc.execute("EXEC").value.startswith(b"EXECABORT")
    assert rc.execute("GET", "k") == Reply("$", b"v")

    role_p, role_r = pc.execute("ROLE"), rc.execute("ROLE")
    # primary: master, its offset, one [ip, port, acknowledged offset] per replica (bulk strings)
    assert _shape(role_p) == ("*", ("$", ":", ("*", (("*", ("$", "$", "$")),)))), role_p
    assert role_p.value[0].value == b"master" and role_p.value[1].value > 0, role_p
    assert role_p.value[2].value[0].value[:2] == (Reply("$", replica.host.encode()),
                                                  Reply("$", b"%d" % replica.port)), role_p
    assert int(role_p.value[2].value[0].value[2].value) <= role_p.value[1].value, role_p
    # replica: slave, primary's host, port (integer), link state, processed offset
    assert _shape(role_r) == ("*", ("$", "$", ":", "$", ":")), role_r
    assert role_r.value[:4] == (Reply("$", b"slave"), Reply("$", primary.host.encode()),
                                Reply(":", primary.port), Reply("$", b"connected")), role_r
    assert role_r.value[4].value == int(repl.replication(replica)["slave_repl_offset"]), role_r
    assert rc.execute("WAIT", 0, 0).value.startswith(b"ERR WAIT cannot be used with replica instances")
    # replica-read-only no: the replica takes writes of its own (not sent anywhere)
    assert rc.execute("CONFIG", "SET", "replica-read-only", "no") == Reply("+", b"OK")
    assert rc.execute("SET", "local", "1") == Reply("+", b"OK")
    # ... and a write meeting a key that expired but whose DEL has not come yet replaces it:
    # the key is one entry, not two
    assert pc.execute("DEBUG", "SET-ACTIVE-EXPIRE", "0") == Reply("+", b"OK")
    assert pc.execute("SET", "gone", "v", "PX", "50") == Reply("+", b"OK")
    repl.wait_synced(primary, replica)
    size = int(rc.execute("DBSIZE").value)
    time.sleep(0.1)
    assert rc.execute("GET", "gone") == Reply("$", None)
    assert rc.execute("SET", "gone", "w") == Reply("+", b"OK")
    assert rc.execute("DBSIZE") == Reply(":", size), "a local write over an expired key"
    assert rc.execute("GET", "gone") == Reply("$", b"w")
    assert pc.execute("DEBUG", "SET-ACTIVE-EXPIRE", "1") == Reply("+", b"OK")
    assert rc.execute("CONFIG", "SET", "replica-read-only", "yes") == Reply("+", b"OK")
    assert rc.execute("SET", "local", "2") == Reply("-", READONLY)
    assert pc.execute("EXISTS", "local") == Reply(":", 0)


def test_replica_counts_the_primarys_pings(server_factory, pair):
    """repl-ping-replica-period 1: an idle primary sends PING into the replication stream every
    second; it moves master_repl_offset (14 bytes each, *1 $4 PING), and the replica counts it in
    slave_repl_offset like any command, so that a later partial resync starts at the right byte."""
    pk, rk = pair
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0, repl_ping_replica_period=1)
    replica = repl.start(server_factory, rk, replicaof=(primary.host, primary.port))
    repl.wait_synced(primary, replica)
    start = int(repl.replication(primary)["master_repl_offset"])
    repl.wait_for(lambda: int(repl.replication(primary)["master_repl_offset"]) >= start + 2 * 14,
                  "two PINGs from the idle primary (repl-ping-replica-period 1)", 10,
                  show=(primary, replica))
    repl.wait_synced(primary, replica)
    grown = int(repl.replication(primary)["master_repl_offset"]) - start
    assert grown % 14 == 0, "an idle primary's offset grew by %d bytes, not whole PINGs" % grown
    # the link still resumes exactly where the pings left it
    before = repl.stats(primary)
    kill_link("primary", primary, replica)
    repl.wait_synced(primary, replica)
    after = repl.stats(primary)
    assert (after["sync_partial_ok"], after["sync_full"]) == (before["sync_partial_ok"] + 1,
                                                             before["sync_full"]), (before, after)


def test_replica_serve_stale_data(server_factory, pair):
    pk, rk = pair
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk, replicaof=(primary.host, primary.port))
    pc, rc = primary.connect(), replica.connect()
    assert pc.execute("SET", "k", "v") == Reply("+", b"OK")
    repl.wait_synced(primary, replica)
    primary.stop()
    repl.wait_for(lambda: repl.replication(replica).get("master_link_status") == "down",
                  "the replica to see its primary gone", 30, show=(replica,))
    assert rc.execute("GET", "k") == Reply("$", b"v")  # replica-serve-stale-data yes (default)
    assert rc.execute("CONFIG", "SET", "replica-serve-stale-data", "no") == Reply("+", b"OK")
    assert rc.execute("GET", "k") == Reply("-", MASTERDOWN)
    assert rc.execute("DBSIZE") == Reply("-", MASTERDOWN)
    assert rc.execute("INFO", "replication").kind == "$"  # INFO is still served
    role = rc.execute("ROLE")
    assert role.value[0] == Reply("$", b"slave") and role.value[3].value in (b"connect", b"connecting"), role


def test_replica_hides_expired_keys_until_primary_deletes(server_factory, pair):
    """A replica does not expire keys itself: a key whose time has passed is hidden from reads
    (GET nil, EXISTS 0) but stays (DBSIZE counts it) until the primary's DEL arrives."""
    pk, rk = pair
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    replica = repl.start(server_factory, rk, replicaof=(primary.host, primary.port))
    pc, rc = primary.connect(), replica.connect()
    repl.wait_synced(primary, replica)
    assert pc.execute("DEBUG", "SET-ACTIVE-EXPIRE", 0) == Reply("+", b"OK")
    assert pc.execute("SET", "k", "v", "PX", 1000) == Reply("+", b"OK")
    assert pc.execute("SET", "keep", "v") == Reply("+", b"OK")
    repl.wait_synced(primary, replica)
    assert rc.execute("GET", "k") == Reply("$", b"v")
    repl.wait_for(lambda: rc.execute("EXISTS", "k") == Reply(":", 0),
                  "the key's time to pass on the replica", 10, show=(primary, replica))
    assert rc.execute("GET", "k") == Reply("$", None)
    assert rc.execute("TTL", "k") == Reply(":", -2)
    # the replica's own expiry cycles (every 100 ms) must leave it alone: look for half a second
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        assert rc.execute("DBSIZE") == Reply(":", 2), "the replica deleted an expired key itself"
        time.sleep(0.05)
    assert pc.execute("GET", "k") == Reply("$", None)  # the primary expires it on access: DEL
    repl.wait_synced(primary, replica)
    assert rc.execute("DBSIZE") == Reply(":", 1)
    assert pc.execute("DEBUG", "SET-ACTIVE-EXPIRE", 1) == Reply("+", b"OK")


def test_chained_replication(server_factory, pair):
    """primary -> replica1 -> replica2 (replica2 of the replica's kind, replica1 of the
    primary's... both kinds take both places across the pairs): all three end identical, and the
    sub-replica shares the primary's replication id."""
    pk, rk = pair
    seed = seed_for("chain %s->%s->%s" % (pk, rk, pk))
    primary = repl.start(server_factory, pk, repl_diskless_sync_delay=0)
    r1 = repl.start(server_factory, rk, repl_diskless_sync_delay=0, replicaof=(primary.host, primary.port))
    r2 = repl.start(server_factory, pk, replicaof=(r1.host, r1.port))
    repl.wait_synced(primary, r1)
    repl.wait_synced(r1, r2)
    run_stream(primary, seed, max(500, commands() // 2))
    settle_expiries(primary)
    repl.wait_synced(primary, r1)
    repl.wait_synced(r1, r2)
    ids = [repl.replication(s)["master_replid"] for s in (primary, r1, r2)]
    assert len(set(ids)) == 1, "replication ids along the chain: %s" % ids
    assert_replica_has_primary_data(primary, r1, seed, "replica1")
    assert_replica_has_primary_data(primary, r2, seed, "replica2 (of replica1)")


# ---------------------------------------------------------------------------------------------
# 8. masterauth

def test_masterauth(server_factory, pair):
    pk, rk = pair
    seed = seed_for("masterauth %s->%s" % (pk, rk))
    primary = repl.start(server_factory, pk, password="s3cret", repl_diskless_sync_delay=0)
    to = (primary.host, primary.port)
    good = repl.start(server_factory, rk, masterauth="s3cret", replicaof=to)
    wrong = repl.start(server_factory, rk, masterauth="wrong", replicaof=to)
    none = repl.start(server_factory, rk, replicaof=to)
    write_load(primary, random.Random(seed), 500)
    repl.wait_synced(primary, good)
    # the others keep trying (every second): watch them for three seconds
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        for r in (wrong, none):
            assert repl.replication(r).get("master_link_status") == "down", repl.state(primary, r)
        time.sleep(0.1)
    assert repl.stats(primary)["sync_full"] == 1, repl.state(primary, good, wrong, none)
    assert wrong.connect().execute("DBSIZE") == Reply(":", 0)
    # the right password set at runtime lets it in
    wc = wrong.connect()
    assert wc.execute("CONFIG", "SET", "masterauth", "s3cret") == Reply("+", b"OK")
    repl.wait_synced(primary, wrong, timeout=30)
    # the comparison's own connections do not authenticate: the primary drops its password now
    # that the replicas are in (an established link is not asked again)
    pc = repl.connect(primary)
    assert pc.execute("CONFIG", "SET", "requirepass", "") == Reply("+", b"OK")
    primary.password = None
    write_load(primary, random.Random(seed + 1), 100)
    for r, what in ((good, "the replica with masterauth"), (wrong, "the replica given the password")):
        repl.wait_synced(primary, r)
        assert_replica_has_primary_data(primary, r, seed, what)
