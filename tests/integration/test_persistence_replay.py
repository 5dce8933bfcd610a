"""Randomized end to end: what a server persists rebuilds exactly the data set it had live.

The command stream is the differential test's seeded generator (tests/differential: every family,
expiries, SPOP, INCRBYFLOAT, blocking pops, streams with groups, MULTI/EXEC, SELECT, FLUSHDB,
SWAPDB, MOVE, COPY, ...), driven into a single server, plus a few operations of this file's own
that only make sense for persistence: RESTORE of DUMPed keys (with relative and absolute TTLs),
blocking commands served later by another client, and blocking commands that time out.

* AOF (memkeydb, with and without the RDB preamble): BGREWRITEAOF twice while the stream runs;
  the canonical dump of every database after a restart equals the live one, and so does
  redis-server 7.0's when it loads the same appendonlydir (which passes redis-check-aof).
* RDB (memkeydb): a BGSAVE while the stream keeps running loads back to the data set of the
  moment it was asked; at the end SAVE, DEBUG RELOAD and a restart give the live data set, and
  dump.rdb passes redis-check-rdb and loads into redis-server 7.0 identically.
* The reverse: the stream run against redis-server 7.0 (BGREWRITEAOF midway, base with and
  without the RDB preamble); its dump.rdb and its appendonlydir load into memkeydb as
  redis-server's live data set.

The canonical dump (canonical_dump) is, per database and key: the type, PEXPIRETIME, and the
contents by type (sets and hashes sorted, zsets in rank order with scores, streams as XINFO
STREAM FULL COUNT 0: entries, IDs, counters, groups, PELs, consumers). Encodings, OBJECT
ENCODING and the order of unordered collections are not compared. Normalised, with reasons:

  * always: XINFO's radix-tree-keys / radix-tree-nodes describe the stream's node layout, which a
    command-form AOF base or a differently configured loader legitimately rebuilds differently;
  * AOF replay only (Redis 7.0's own propagation is lossy there, docs/persistence.md "Command
    propagation"): PEL delivery times and counts (a history XREADGROUP bumps them without
    feeding anything), a group's entries-read and lag (XCLAIM's LASTID does not carry
    entries-read), consumers' seen-time (the replayed XCLAIM touches the consumer), and
    consumers that own no pending entry (created by a history or empty read, never fed), and
    strings of NUL bytes only (a BITFIELD whose every write failed with OVERFLOW FAIL creates
    its key zero-filled and feeds nothing);
  * a key that could expire during the check (PEXPIRETIME within EXPIRY_MARGIN_MS of the dump)
    is left out on both sides and counted. The generator only sets expiries far in the future
    or in the past, so in practice none is left out; keys whose TTL is kept are compared
    exactly, since every propagated and persisted expiry is absolute.

The generator's CONFIG SET hll-sparse-max-bytes is not sent: configuration is not persisted, so a
replay at start-up settings would promote sparse HLLs at another size (visible in GET). Only one
in ten of its FLUSHDB/FLUSHALLs is sent, so the final data set (all an RDB holds) stays large.

Replay one run: REPLAY_SEED=<seed> [REPLAY_COMMANDS=<n>] MEMKEYDB_SERVER=build/memkeydb-server
    /usr/bin/python3 -m pytest -q tests/integration/test_persistence_replay.py
The seed is printed at the start of every test and in every failure.
"""

from __future__ import annotations

import collections
import os
import random
import select
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

from helpers import servers
from helpers.resp import Reply, RespConnection

_DIFFERENTIAL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "differential")
if _DIFFERENTIAL not in sys.path:
    sys.path.insert(0, _DIFFERENTIAL)

import test_differential as td  # noqa: E402  (the seeded command generator)

REDIS_CHECK_AOF = "/usr/bin/redis-check-aof"
REDIS_CHECK_RDB = "/usr/bin/redis-check-rdb"
AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"
ALL_DBS = 16
EXPIRY_MARGIN_MS = 10 * 60 * 1000
POPULATE_DB = 9  # a database the generator never selects (td.NUM_DBS = 4; its odd picks are 15+)


def commands_per_run() -> int:
    n = os.environ.get("REPLAY_COMMANDS")
    if n:
        return int(n)
    return 5000 if servers.sanitized() else 15000


def seed_for(name: str) -> int:
    s = os.environ.get("REPLAY_SEED", "").strip()
    seed = int(s) if s else random.SystemRandom().randrange(1, 2 ** 31)
    print("[replay] %s: REPLAY_SEED=%d REPLAY_COMMANDS=%d" % (name, seed, commands_per_run()),
          flush=True)
    return seed


def families() -> List[str]:
    return td.enabled_families({})


# ---------------------------------------------------------------------------------------------
# Driving the generator into one server

def _select(conn: RespConnection, db: int):
    r = conn.execute("SELECT", db)
    assert r == Reply("+", b"OK"), r


class StreamRunner(td.Differ):
    """The differential generator's stream sent to one server. Differ's machinery (batches, sync
    ops, numbering, reports) is reused with the same server on both sides; _run_segment sends
    each command once and judges the reply against itself, so only the rules that check a reply
    on its own (SPOP's membership checks, ...) can fail.

    `events` maps a command count to a function(runner) run once the stream has reached it (the
    pending batch is sent first), e.g. a BGREWRITEAOF on the control connection."""

    EXTRA_SHARE = 0.06  # share of picks that are this file's own operations
    extra_ops = None    # [(fn(g, runner), weight)] picked in that share; None: EXTRA_OPS
    FLUSH_KEEP = 0.1    # share of the generator's FLUSHDB/FLUSHALLs sent

    def __init__(self, srv: servers.Server, seed: int, total: int, events=None):
        timeout = 300.0 if servers.sanitized() else 30.0
        side = td.Side("%s %d" % (srv.kind, srv.port), srv.host, srv.port, srv, timeout=timeout)
        # conns[2] blocks, conns[3] serves it; control runs persistence commands beside the stream
        side.conns += [RespConnection(srv.host, srv.port, timeout=timeout) for _ in range(2)]
        super().__init__(side, side, seed, total, families(), batch=200, log=print)
        self.srv = srv
        self.control = RespConnection(srv.host, srv.port, timeout=timeout)
        self.events = sorted((events or {}).items())
        self.dropped = 0  # commands not sent (see queue)
        self.flush_rng = random.Random(seed)
        self.bgsave_running = False  # set by an event that starts a BGSAVE (see queue)
        self.flushall_replaced = 0
        self.extra_counts = collections.Counter()  # this file's operations, by outcome
        self.pfadds_split = 0
        self.overflow_fail_replaced = 0
        self._parts = set()  # ids of the 2nd, 3rd, ... PFADDs of a split one (see queue)

    def close(self):
        self.a.close()
        self.control.close()

    def _split_for_propagation(self, cmds):
        """A PFADD of several elements is sent as one PFADD per element. Redis 7.0's PFADD on a
        damaged sparse HLL (the hll generators damage them on purpose) adds the elements one by
        one and stops at the first that finds the damage: it replies INVALIDOBJ and propagates
        nothing, but keeps the registers the earlier elements set, so the live string changes
        and what was propagated (a replica, an AOF) does not. A one-element PFADD changes
        nothing when it fails. The parts count as one command (the stream keeps its length and
        its events' places).
        And see _no_overflow_fail."""
        out = []
        for c in cmds:
            if c.raw is None and c.args and c.args[0].upper() == b"BITFIELD":
                self._no_overflow_fail(c)
            if c.raw is None and len(c.args) > 3 and c.args[0].upper() == b"PFADD":
                parts = [td.Cmd([c.args[0], c.args[1], e], conn=c.conn) for e in c.args[2:]]
                self._parts.update(id(x) for x in parts[1:])
                out += parts
                self.pfadds_split += 1
            else:
                out.append(c)
        return out

    def _no_overflow_fail(self, c):
        """BITFIELD ... OVERFLOW FAIL becomes OVERFLOW SAT. Redis 7.0 creates a missing key (or
        pads a short string with zeros) before a BITFIELD's writes, and propagates the command
        only if a write was done: when OVERFLOW FAIL refuses them all, the primary keeps a
        string the replica never gets (and a COPY or BITOP of it later spreads the
        difference)."""
        for i in range(1, len(c.args) - 1):
            if c.args[i].upper() == b"OVERFLOW" and c.args[i + 1].upper() == b"FAIL":
                c.args[i + 1] = b"SAT"
                self.overflow_fail_replaced += 1

    def _number(self, c):
        if id(c) in self._parts:
            self._parts.discard(id(c))
            c.index = self.count - 1  # the number of the split PFADD's first part
            return
        super()._number(c)

    def run(self):
        g = self.g
        t0 = time.monotonic()
        while self.count < self.total:
            while self.events and self.count >= self.events[0][0]:
                self.flush()
                self.events.pop(0)[1](self)
            if g.chance(self.EXTRA_SHARE):
                extra = EXTRA_OPS if self.extra_ops is None else self.extra_ops
                fn = g.rng.choices([f for f, _ in extra], [w for _, w in extra])[0]
                fn(g, self)
                continue
            o = g.rng.choices(g.ops, g.weights)[0]
            if o.mode == "batch":
                self.queue(td._as_list(o.fn(g)))
            else:
                self.flush()
                o.fn(g, self)
        self.flush()
        for conn in range(len(self.a.conns)):  # every reply has been read
            self.both(td.C("PING", "end-of-stream", conn=conn))
        return time.monotonic() - t0

    def queue(self, cmds):
        cmds = self._split_for_propagation(cmds)
        kept = [c for c in cmds if not _is_unpersisted_config(c) and not self._thinned_flush(c)]
        self.dropped += len(cmds) - len(kept)
        for c in kept:
            if c.args and c.args[0].upper() == b"FLUSHALL" and self.bgsave_running:
                # FLUSHALL kills a running BGSAVE child (as in Redis), which would leave no file
                # to check: while the child runs, the stream flushes one database instead
                self.bgsave_running = info_field(self.srv, "persistence",
                                                 b"rdb_bgsave_in_progress") == b"1"
                if self.bgsave_running:
                    c.args[0] = b"FLUSHDB"
                    self.flushall_replaced += 1
        super().queue(kept)

    def _thinned_flush(self, c) -> bool:
        """True for most FLUSHDB/FLUSHALLs: the generator flushes every few hundred commands,
        which would leave the final data set (all that an RDB holds) small. The choice comes
        from its own Random, so the generator's stream is otherwise unchanged."""
        if c.args and c.args[0].upper() in (b"FLUSHDB", b"FLUSHALL"):
            return self.flush_rng.random() >= self.FLUSH_KEEP
        return False

    def _run_segment(self, conn, seg, cmds_b=None):
        data = b"".join(c.wire() for c in seg)
        err = self._send(self.a, conn, data)
        replies, err = self._receive(self.a, conn, len(seg), err)
        for c, r in zip(seg, replies):
            self.check(c, r, r)
        if err is not None:
            raise td.Mismatch(self.report(seg[len(replies)], None, None, problem="%s failed to "
                              "reply: %s: %s%s" % (self.a.name, type(err).__name__, err,
                                                   self._server_state(self.a))))
        return replies, replies

    def report(self, c, x, y, problem="", extra=""):
        text = super().report(c, x, y, problem, extra)
        return text.replace("replay: DIFF_SEED=%d" % self.seed,
                            "replay: REPLAY_SEED=%d (this file) or DIFF_SEED=%d" % (self.seed, self.seed))

    # -- helpers for this file's operations ---------------------------------------------------
    def run_on(self, conn: int, *args) -> Reply:
        """One command on connection `conn` now, numbered like the stream's."""
        return self.both(td.C(*args, conn=conn))[0]

    def wait_blocked(self, conn: int, timeout: float = 2.0) -> bool:
        """Until a client is blocked, or connection `conn` has its reply (it did not block)."""
        deadline = time.monotonic() + timeout
        sock = self.a.conns[conn].sock
        while time.monotonic() < deadline:
            if select.select([sock], [], [], 0)[0]:
                return False
            info = self.control.execute("INFO", "clients").value
            for line in info.splitlines():
                if line.startswith(b"blocked_clients:") and int(line.split(b":")[1]) > 0:
                    return True
            time.sleep(0.002)
        return False


def _is_unpersisted_config(c) -> bool:
    return (len(c.args) >= 3 and c.args[0].upper() == b"CONFIG" and c.args[1].upper() == b"SET"
            and c.args[2].lower() == b"hll-sparse-max-bytes")


# ---------------------------------------------------------------------------------------------
# This file's own operations (g: the generator, ex: the runner)

RESTORE_SOURCES = (td.MAIN_KEYS + [b"l0", b"l1", b"s0", b"s1", b"s2", b"zs0", b"lex0", b"geo0",
                                   b"bl:0", b"bz:0", b"bx:0"])
RESTORE_TARGETS = td.MAIN_KEYS + [b"rs:0", b"rs:1", b"rs:2"]
BLOCK_KEYS = {"list": [b"bl:0", b"bl:1"], "zset": [b"bz:0", b"bz:1"], "stream": [b"bx:0", b"bx:1"]}


def op_restore(g, ex):
    """DUMP a key of any family and RESTORE it elsewhere: TTL 0, relative, absolute (ABSTTL,
    sometimes in the past), REPLACE, IDLETIME."""
    payload = ex.run_on(0, "DUMP", g.choice(RESTORE_SOURCES))
    if payload.kind != "$" or payload.value is None:
        return
    ex.extra_counts["RESTORE"] += 1
    r = g.rng.random()
    if r < 0.55:
        ttl, extra = b"0", []
    elif r < 0.8:
        ttl, extra = b"%d" % (g.fut() * 1000 + g.randint(0, 999)), []
    elif r < 0.95:
        ttl, extra = b"%d" % ((g.now + g.fut()) * 1000 + g.randint(0, 999)), [b"ABSTTL"]
    else:
        ttl, extra = b"%d" % ((g.now - 1000) * 1000), [b"ABSTTL"]
    if g.chance(0.7):
        extra.append(b"REPLACE")
    if g.chance(0.2):
        extra += [b"IDLETIME", b"%d" % g.randint(0, 100000)]
    ex.queue([td.C(b"RESTORE", g.choice(RESTORE_TARGETS), ttl, payload.value, *extra)])


def op_blocking_served_later(g, ex):
    """A client blocks (timeout 0) on an emptied key; another client then writes it, which serves
    the first: the served command is propagated in its rewritten form (LPOP, LMOVE, ZPOPMIN,
    XCLAIM, ...), in the blocked client's database."""
    db = g.randint(0, td.NUM_DBS - 1)
    kind = g.choice(["list", "list", "zset", "stream"])
    k = g.choice(BLOCK_KEYS[kind])
    other = g.choice(BLOCK_KEYS[kind])
    for conn in (2, 3):
        ex.run_on(conn, "SELECT", db)
    ex.run_on(3, "DEL", k, other)
    if kind == "list":
        block = g.choice([["BLPOP", k, "0"], ["BRPOP", k, other, "0"],
                          ["BLMOVE", k, other, g.choice(["LEFT", "RIGHT"]), g.choice(["LEFT", "RIGHT"]), "0"],
                          ["BRPOPLPUSH", k, other, "0"],
                          ["BLMPOP", "0", "1", k, g.choice(["LEFT", "RIGHT"]), "COUNT", str(g.randint(1, 3))]])
        serve = [g.choice(["RPUSH", "LPUSH"]), k] + [g.letters(g.randint(1, 6)) for _ in range(g.randint(1, 4))]
    elif kind == "zset":
        block = g.choice([["BZPOPMIN", k, "0"], ["BZPOPMAX", k, other, "0"],
                          ["BZMPOP", "0", "1", k, g.choice(["MIN", "MAX"]), "COUNT", str(g.randint(1, 3))]])
        serve = ["ZADD", k]
        for _ in range(g.randint(1, 4)):
            serve += [g.choice([b"%d" % g.randint(-9, 9), b"%.3f" % g.rng.uniform(-9, 9), b"-inf"]),
                      g.letters(g.randint(1, 4))]
    else:
        group = g.choice([b"g1", b"g2"])
        ex.run_on(3, "XGROUP", "CREATE", k, group, "$", "MKSTREAM")
        block = ["XREADGROUP", "GROUP", group, g.choice(["alice", "bob"]), "BLOCK", "0"]
        if g.chance(0.3):
            block.append("NOACK")
        block += ["STREAMS", k, ">"]
        serve = ["XADD", k, "*", "f", g.letters(g.randint(1, 8))]
    ex.flush()
    blocked = td.C(*block, conn=2)
    ex._number(blocked)
    ex.a.conns[2].send_raw(blocked.wire())
    ex.extra_counts["served later" if ex.wait_blocked(2) else "served at once"] += 1
    ex.run_on(3, *serve)
    reply = ex.a.conns[2].read_reply()
    ex.check(blocked, reply, reply)


def op_blocking_timeout(g, ex):
    """Blocking commands on keys that stay empty: they time out after 10 ms and change nothing."""
    k = g.choice([b"bt:none", b"bt:other"])
    ex.queue([td.C(*g.choice([
        ["BLPOP", k, "0.01"], ["BRPOP", k, "0.01"], ["BLMOVE", k, b"bl:0", "LEFT", "RIGHT", "0.01"],
        ["BRPOPLPUSH", k, b"bl:1", "0.01"], ["BLMPOP", "0.01", "1", k, "LEFT"],
        ["BZPOPMIN", k, "0.01"], ["BZMPOP", "0.01", "1", k, "MAX"],
        ["XREAD", "BLOCK", "10", "STREAMS", k, "$"]]))])


EXTRA_OPS = [(op_restore, 5), (op_blocking_served_later, 4), (op_blocking_timeout, 1)]


# ---------------------------------------------------------------------------------------------
# Canonical dump

def _plain(r: Reply):
    """A reply as plain, hashable Python values (errors stay tagged)."""
    if r.kind in ("*", "~", ">"):
        return None if r.value is None else tuple(_plain(x) for x in r.value)
    if r.kind == "%":
        return tuple((_plain(k), _plain(v)) for k, v in r.value)
    if r.kind == "-":
        return ("ERROR", r.value)
    return r.value


def _pipeline(conn: RespConnection, cmds: Sequence[Sequence]) -> List[Reply]:
    out = []
    for i in range(0, len(cmds), 500):
        chunk = cmds[i:i + 500]
        conn.send_commands(chunk)
        out += [conn.read_reply() for _ in chunk]
    return out


_READ_BY_TYPE = {
    b"string": lambda k: [("GET", k)],
    b"list": lambda k: [("LRANGE", k, 0, -1)],
    b"hash": lambda k: [("HGETALL", k)],
    b"set": lambda k: [("SMEMBERS", k)],
    b"zset": lambda k: [("ZRANGE", k, 0, -1, "WITHSCORES")],
    b"stream": lambda k: [("XINFO", "STREAM", k, "FULL", "COUNT", 0)],
}


def _pairs(flat) -> Dict:
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def canonical_dump(srv: servers.Server, dbs: int = ALL_DBS) -> Dict:
    """{(db, key): (type, pexpiretime, contents)} of every key that cannot expire during the
    check, and under the key "left out" the keys that could (see EXPIRY_MARGIN_MS)."""
    conn = RespConnection(srv.host, srv.port, timeout=300.0 if servers.sanitized() else 60.0)
    out: Dict = {}
    left_out = []
    try:
        now_ms = int(time.time() * 1000)
        for db in range(dbs):
            _select(conn, db)
            keys, cursor = set(), b"0"
            while True:
                r = conn.execute("SCAN", cursor, "COUNT", 1000)
                cursor = r.value[0].value
                keys.update(x.value for x in r.value[1].value)
                if cursor == b"0":
                    break
            keys = sorted(keys)
            meta = _pipeline(conn, [c for k in keys for c in (("TYPE", k), ("PEXPIRETIME", k))])
            live = []
            for i, k in enumerate(keys):
                t, exp = meta[2 * i].value, meta[2 * i + 1].value
                if t == b"none":
                    continue  # expired between SCAN and TYPE
                if 0 <= exp < now_ms + EXPIRY_MARGIN_MS:
                    left_out.append((db, k, exp - now_ms))
                    continue
                live.append((k, t, exp))
            reads = [_READ_BY_TYPE[t](k) for k, t, _ in live]
            replies = _pipeline(conn, [c for r in reads for c in r])
            for (k, t, exp), r in zip(live, replies):
                v = _plain(r)
                if t in (b"hash",):
                    v = tuple(sorted(_pairs(v).items()))
                elif t == b"set":
                    v = tuple(sorted(v))
                out[(db, k)] = (t.decode(), exp, v)
    finally:
        conn.close()
    out["left out"] = left_out
    return out


_LAYOUT_FIELDS = {b"radix-tree-keys", b"radix-tree-nodes"}


def _norm_stream(info, aof: bool):
    s = _pairs(info)
    for f in _LAYOUT_FIELDS:
        s.pop(f, None)
    groups = []
    # A rewrite re-creates pending entries with XCLAIM ... FORCE, which (in Redis 7.0 as here)
    # skips an entry deleted from the stream: such pending entries do not survive an AOF.
    present = {e[0] for e in (s.get(b"entries") or ())}
    for graw in s.get(b"groups") or ():
        grp = _pairs(graw)
        if aof:
            grp.pop(b"entries-read", None)
            grp.pop(b"lag", None)
            grp.pop(b"pel-count", None)
            grp[b"pending"] = tuple(p[:2] for p in grp[b"pending"] if p[0] in present)  # id, owner
            consumers = []
            for craw in grp[b"consumers"]:
                c = _pairs(craw)
                c.pop(b"seen-time", None)
                c.pop(b"pel-count", None)
                c[b"pending"] = tuple(p[:1] for p in c[b"pending"] if p[0] in present)
                if not c[b"pending"]:
                    continue
                consumers.append(tuple(sorted(c.items())))
            grp[b"consumers"] = tuple(consumers)
        groups.append(tuple(sorted(grp.items())))
    s[b"groups"] = tuple(groups)
    return tuple(sorted(s.items()))


def _unfed_bitfield_key(t: str, contents) -> bool:
    """A string of NUL bytes only: what a BITFIELD whose every write failed (OVERFLOW FAIL)
    leaves on a missing key. Redis 7.0 creates that key without feeding anything, so its AOF
    replay does not have it (memkeydb matches both)."""
    return t == "string" and bool(contents) and contents.count(b"\0") == len(contents)


def normalise(dump: Dict, aof: bool) -> Dict:
    out = {}
    for k, v in dump.items():
        if k == "left out":
            continue
        t, exp, contents = v
        if aof and _unfed_bitfield_key(t, contents):
            continue
        if t == "stream":
            contents = _norm_stream(contents, aof)
        if t == "zset" and aof:
            # A command-form AOF re-creates a sorted set with ZADD, which (in redis-server 7.0 as
            # here) starts it as a listpack, where -0 is stored as 0: the sign does not survive.
            contents = tuple(b"0" if i % 2 and x == b"-0" else x for i, x in enumerate(contents))
        out[k] = (t, exp, contents)
    return out


def describe(dump: Dict) -> str:
    """What a dump holds, so a run shows it compared something: keys by type, TTLs, groups."""
    types = collections.Counter(v[0] for k, v in dump.items() if k != "left out")
    ttls = sum(1 for k, v in dump.items() if k != "left out" and v[1] >= 0)
    groups = pending = 0
    for k, v in dump.items():
        if k != "left out" and v[0] == "stream":
            for graw in _pairs(v[2]).get(b"groups") or ():
                groups += 1
                pending += len(_pairs(graw)[b"pending"])
    return "%s, %d with a TTL, %d stream groups with %d pending entries" % (
        dict(types), ttls, groups, pending)


def _short(v, limit=400) -> str:
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "...(%d chars)" % len(s)


def assert_same(expected: Dict, got: Dict, what: str, seed: int, aof: bool = False,
                replay: Optional[str] = None):
    """The two dumps, normalised (AOF rules when `aof`), are identical; the message lists the
    first differing keys, after `replay` (how to rerun; default: this file's variables)."""
    a, b = normalise(expected, aof), normalise(got, aof)
    for d, name in ((expected, "expected"), (got, what)):
        if d["left out"]:
            print("[replay] %s: %d keys left out (could expire during the check): %s"
                  % (name, len(d["left out"]), d["left out"][:5]))
    if a == b:
        return
    if replay is None:
        replay = "REPLAY_SEED=%d REPLAY_COMMANDS=%d" % (seed, commands_per_run())
    lines = ["%s differs from the live data set (%s; %d vs %d keys)" % (what, replay, len(a), len(b))]
    missing = sorted(set(a) - set(b))
    extra = sorted(set(b) - set(a))
    for name, keys, d in (("missing", missing, a), ("extra", extra, b)):
        if keys:
            lines.append("%s: %s" % (name, _short(keys)))
            lines += ["  %r: %s" % (k, _short(d[k], 600)) for k in keys[:5]]
    shown = 0
    for k in sorted(set(a) & set(b)):
        if a[k] != b[k] and shown < 5:
            shown += 1
            lines.append("key %r:\n  live:   %s\n  loaded: %s" % (k, _short(a[k], 1500), _short(b[k], 1500)))
    pytest.fail("\n".join(lines), pytrace=False)


# ---------------------------------------------------------------------------------------------
# Server plumbing

def info_field(srv: servers.Server, section: str, field: str) -> bytes:
    with RespConnection(srv.host, srv.port, timeout=30.0) as c:
        for line in c.execute("INFO", section).value.splitlines():
            if line.startswith(field + b":"):
                return line.split(b":", 1)[1]
    raise AssertionError("INFO %s has no %s" % (section, field))


def wait_for(cond, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + (timeout * 4 if servers.sanitized() else timeout)
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def wait_background_done(srv: servers.Server):
    wait_for(lambda: info_field(srv, "persistence", b"aof_rewrite_in_progress") == b"0"
             and info_field(srv, "persistence", b"aof_rewrite_scheduled") == b"0"
             and info_field(srv, "persistence", b"rdb_bgsave_in_progress") == b"0",
             "background save / rewrite")


def bgrewriteaof(runner: StreamRunner):
    """BGREWRITEAOF (waiting for an earlier one first); the stream goes on while the child runs."""
    wait_background_done(runner.srv)
    r = runner.control.execute("BGREWRITEAOF")
    assert r.kind == "+", r
    runner.log("[replay] BGREWRITEAOF at command %d" % runner.count)


def run_stream(srv, seed: int, events=None) -> StreamRunner:
    runner = StreamRunner(srv, seed, commands_per_run(), events)
    try:
        elapsed = runner.run()
    except td.Mismatch as e:
        pytest.fail(str(e), pytrace=False)
    finally:
        runner.close()
    print("[replay] seed %d on %s: %s\n[replay] %d CONFIG SETs or FLUSHes not sent, %d FLUSHALLs made FLUSHDB; "
          "own operations: %s" % (seed, srv.kind, runner.summary(elapsed).split("\n")[0], runner.dropped,
                                  runner.flushall_replaced, dict(runner.extra_counts)), flush=True)
    return runner


def check_tool(tool: str, path: str):
    p = subprocess.run([tool, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    assert p.returncode == 0, "%s %s failed:\n%s" % (tool, path, out[-3000:])


@pytest.fixture
def tmp_dirs():
    made = []

    def make(name):
        d = tempfile.mkdtemp(prefix="replay-%s-" % name)
        made.append(d)
        return d
    yield make
    if os.environ.get("KEEP_TEST_DIRS", "") in ("", "0"):
        for d in made:
            shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# (a) AOF

@pytest.mark.parametrize("preamble", [True, False], ids=["rdb-preamble", "command-base"])
def test_aof_replays_to_the_live_data_set(server_factory, tmp_dirs, preamble):
    seed = seed_for("aof preamble=%s" % preamble)
    n = commands_per_run()
    opts = dict(appendonly=True, appendfsync="everysec", aof_use_rdb_preamble=preamble)
    d = tmp_dirs("aof")
    m = server_factory.memkeydb(dir=d, **opts)
    run_stream(m, seed, {n // 3: bgrewriteaof, 2 * n // 3: bgrewriteaof})
    wait_background_done(m)
    live = canonical_dump(m)
    print("[replay] live data set: " + describe(live))
    assert len(live) > 10, "the stream left almost nothing to compare"
    if preamble:
        m.kill()  # SIGKILL: every acknowledged write is already in the file (written before the reply)
    else:
        m.stop()  # SHUTDOWN NOSAVE
    check_tool(REDIS_CHECK_AOF, os.path.join(d, AOF_DIR, MANIFEST))

    restarted = server_factory.memkeydb(dir=d, **opts)
    assert_same(live, canonical_dump(restarted), "memkeydb restarted on its AOF", seed, aof=True)
    restarted.stop()

    rd = tmp_dirs("aof-redis")
    shutil.copytree(os.path.join(d, AOF_DIR), os.path.join(rd, AOF_DIR))
    red = server_factory.redis(dir=rd, appendonly=True)
    assert_same(live, canonical_dump(red), "redis-server 7.0 loading memkeydb's AOF", seed, aof=True)


# ---------------------------------------------------------------------------------------------
# (b) RDB

def test_rdb_holds_the_live_data_set(server_factory, tmp_dirs):
    seed = seed_for("rdb")
    n = commands_per_run()
    d = tmp_dirs("rdb")
    m = server_factory.memkeydb(dir=d)
    snapshot = {}

    def bgsave_under_load(runner):
        # a database of bulk keys makes the child work while the stream goes on; nothing changes
        # between the dump and the fork (no other client, no expiry due), so the dump is the
        # data set the child saves
        _select(runner.control, POPULATE_DB)
        count = 2000 if servers.sanitized() else 20000
        assert runner.control.execute("DEBUG", "POPULATE", count, "bulk", 64).kind == "+"
        snapshot["dump"] = canonical_dump(runner.srv)
        assert runner.control.execute("BGSAVE").kind == "+"
        runner.bgsave_running = True
        runner.log("[replay] BGSAVE at command %d" % runner.count)

    run_stream(m, seed, {n // 2: bgsave_under_load})
    wait_background_done(m)
    snap_dir = tmp_dirs("rdb-bgsave")
    shutil.move(os.path.join(d, "dump.rdb"), os.path.join(snap_dir, "dump.rdb"))
    check_tool(REDIS_CHECK_RDB, os.path.join(snap_dir, "dump.rdb"))

    live = canonical_dump(m)
    with RespConnection(m.host, m.port) as c:
        assert c.execute("SAVE") == Reply("+", b"OK")
        assert c.execute("DEBUG", "RELOAD") == Reply("+", b"OK")
    assert_same(live, canonical_dump(m), "memkeydb after DEBUG RELOAD", seed)
    m.stop()
    check_tool(REDIS_CHECK_RDB, os.path.join(d, "dump.rdb"))

    restarted = server_factory.memkeydb(dir=d)
    assert_same(live, canonical_dump(restarted), "memkeydb restarted on its dump.rdb", seed)
    restarted.stop()

    rd = tmp_dirs("rdb-redis")
    shutil.copy(os.path.join(d, "dump.rdb"), os.path.join(rd, "dump.rdb"))
    red = server_factory.redis(dir=rd)
    assert_same(live, canonical_dump(red), "redis-server 7.0 loading memkeydb's dump.rdb", seed)
    red.stop()

    from_bgsave = server_factory.memkeydb(dir=snap_dir)
    assert_same(snapshot["dump"], canonical_dump(from_bgsave),
                "memkeydb loading the BGSAVE taken under load", seed)


# ---------------------------------------------------------------------------------------------
# (c) Redis's files into memkeydb

@pytest.mark.parametrize("preamble", [True, False], ids=["rdb-preamble", "command-base"])
def test_redis_files_load_into_memkeydb(server_factory, tmp_dirs, preamble):
    seed = seed_for("redis-to-memkeydb preamble=%s" % preamble)
    n = commands_per_run()
    d = tmp_dirs("redis-src")
    red = server_factory.redis(dir=d, appendonly=True, appendfsync="everysec",
                               aof_use_rdb_preamble=preamble)
    run_stream(red, seed, {n // 2: bgrewriteaof})
    wait_background_done(red)
    with RespConnection(red.host, red.port) as c:
        assert c.execute("SAVE") == Reply("+", b"OK")
    live = canonical_dump(red)
    red.stop()

    rdb_dir, aof_dir = tmp_dirs("redis-rdb"), tmp_dirs("redis-aof")
    shutil.copy(os.path.join(d, "dump.rdb"), os.path.join(rdb_dir, "dump.rdb"))
    shutil.copytree(os.path.join(d, AOF_DIR), os.path.join(aof_dir, AOF_DIR))

    m = server_factory.memkeydb(dir=rdb_dir)
    assert_same(live, canonical_dump(m), "memkeydb loading redis-server's dump.rdb", seed)
    m.stop()
    m = server_factory.memkeydb(dir=aof_dir, appendonly=True)
    assert_same(live, canonical_dump(m), "memkeydb loading redis-server's AOF", seed, aof=True)


# ---------------------------------------------------------------------------------------------
# Empty collections in a file (crafted with the encoders of make_legacy_payloads.py)

def test_empty_collections_in_a_file_are_skipped(server_factory, tmp_dirs):
    """redis-server 7.0 skips a key whose list, set, hash or sorted set has no elements (plain,
    ziplist, listpack and quicklist encodings) and loads the rest; memkeydb does the same and
    counts them in its "Done loading RDB" line."""
    sys.path.insert(0, os.path.join(servers.REPO_ROOT, "src", "persistence", "testdata"))
    import make_legacy_payloads as enc
    zl, lp, zero = enc.ziplist([]), enc.listpack([]), enc.rdb_len(0)
    empties = [(1, zero), (2, zero), (3, zero), (4, zero), (5, zero), (10, enc.rdb_str(zl)),
               (12, enc.rdb_str(zl)), (13, enc.rdb_str(zl)), (14, zero),
               (14, enc.rdb_len(1) + enc.rdb_str(zl)), (16, enc.rdb_str(lp)), (17, enc.rdb_str(lp)),
               (18, zero), (18, enc.rdb_len(1) + enc.rdb_len(2) + enc.rdb_str(lp))]
    body = b"REDIS0009\xfe\x00"
    for i, (t, v) in enumerate(empties):
        body += bytes([t]) + enc.rdb_str(b"empty%d" % i) + v
    body += b"\x00" + enc.rdb_str(b"kept") + enc.rdb_str(b"v") + b"\xff"
    data = body + enc.crc64(body).to_bytes(8, "little")
    dumps = {}
    for kind in ("redis", "memkeydb"):
        d = tmp_dirs("empty-" + kind)
        with open(os.path.join(d, "dump.rdb"), "wb") as f:
            f.write(data)
        srv = getattr(server_factory, kind)(dir=d)
        dumps[kind] = canonical_dump(srv)
        if kind == "memkeydb":
            assert "empty keys skipped: %d" % len(empties) in srv.log(), srv.log_tail(20)
        srv.stop()
    assert dumps["memkeydb"] == dumps["redis"]
    assert list(k for k in dumps["redis"] if k != "left out") == [(0, b"kept")]
