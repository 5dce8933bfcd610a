"""Differential test: memkeydb against the reference redis-server 7.0.15.

A seeded random stream of commands (valid and invalid usage, a small key space
so commands collide, binary/large values, numbers near the limits) is sent to
both servers in pipelined batches, and every reply is compared byte-exactly
(type, value and error text), except for the few normalised replies listed in
NORMALISATIONS below.

Replay a failure (the seed is printed at the start of every run and in every
mismatch report):

    DIFF_SEED=<seed> DIFF_COMMANDS=<n> MEMKEYDB_SERVER=build/memkeydb-server \\
        /usr/bin/python3 -m pytest -q tests/differential/test_differential.py
    /usr/bin/python3 tests/differential/replay.py --seed <seed> --commands <n>   # prints the first mismatch

Environment:
    DIFF_SEED            seed (default: random)
    DIFF_COMMANDS        number of commands (default 50000)
    DIFF_FAMILIES        comma list of families to enable (default: all of FAMILIES)
    DIFF_SKIP_FAMILIES   comma list of families to disable
    DIFF_STRINGS_ONLY=1  disable the families that create non-string keys ("othertypes")
    DIFF_AGAINST_REDIS=1 compare redis-server with a second redis-server (validates the harness)
    DIFF_B_ARGS          extra command-line arguments for the second server (e.g. "--databases 4")
    DIFF_BATCH           commands per pipelined batch (default 500)
    DIFF_TRACE=path      write every command and redis-server's reply to this file

Adding a command: write a small function decorated with @op(family, weight) that
returns one Cmd (or a list of them) built with C(...); use mode="sync" for
commands whose reply decides what comes next (see scan/randomkey/lcs). Give a
Cmd a cmp= rule only if its reply is legitimately nondeterministic.

Determinism rules the generators follow (a redis-vs-redis run must never differ):
  * every future expiry is now + U seconds with U a multiple of 1000 s never used
    twice in a run (Gen.fut), so GT/LT/NX/XX outcomes cannot depend on timing;
  * other times are in the past (the key goes at once) or invalid (an error);
    never a small positive TTL;
  * SET ... EXAT/PXAT in the past leaves a logically expired key until it is read
    (DBSIZE would then depend on active expiry), so it is always followed by EXISTS;
  * absolute timestamps are derived from the start time of the run, so a replay
    reproduces the same relative times, not the same numbers.
"""

from __future__ import annotations

import collections
import os
import random
import shlex
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

import pytest

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from helpers import servers  # noqa: E402
from helpers.resp import (ConnectionClosed, Reply, RespConnection, encode_command,  # noqa: E402
                          fmt)

# Families of generated commands. Each can be switched off (DIFF_SKIP_FAMILIES) so
# the test can be run against a server that does not implement everything yet.
FAMILIES = [
    "keyspace",      # DEL UNLINK EXISTS TYPE RENAME RENAMENX COPY KEYS SCAN RANDOMKEY DBSIZE FLUSHDB
                     # FLUSHALL SELECT SWAPDB MOVE TOUCH, commands from a 2nd connection
    "object",        # OBJECT ENCODING REFCOUNT IDLETIME FREQ (+ bad subcommands)
    "expiry",        # EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT) TTL PTTL EXPIRETIME PEXPIRETIME PERSIST,
                     # SET EX/PX/EXAT/PXAT/KEEPTTL, GETEX, SETEX, PSETEX
    "strings",       # GET SET SETNX GETSET GETDEL MGET MSET MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE
                     # INCR DECR INCRBY DECRBY INCRBYFLOAT
    "bitops",        # SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO
    "lcs",           # LCS (LEN IDX MINMATCHLEN WITHMATCHLEN)
    "transactions",  # MULTI EXEC DISCARD WATCH UNWATCH (queuing errors, EXECABORT, aborted EXEC)
    "server",        # PING ECHO DBSIZE, arity errors, unknown commands, inline commands
    "resp3",         # HELLO 2/3 (and bad versions): later replies on that connection use RESP3
    "protocol",      # malformed requests on throw-away connections
    "othertypes",    # LPUSH SADD HSET ZADD: non-string keys, so string commands hit WRONGTYPE
    "help",          # OBJECT HELP (long fixed text)
]

# Families left out unless named in DIFF_FAMILIES, each with its reason (printed by every run):
DEFAULT_OFF = {
    "help": "HELP replies are prose; memkeydb words them itself rather than copy Redis's text",
}

# What is not compared byte-exactly, and why (see the cmp_* functions):
NORMALISATIONS = {
    "TTL/PTTL/EXPIRETIME/PEXPIRETIME": "integers >= 0 may differ by 2 s / 2000 ms: the servers run the "
                                       "command at slightly different instants",
    "KEYS": "compared as sorted lists: hash-table order depends on a per-process random seed",
    "SCAN": "iterated to cursor 0 separately on each server; the sorted, de-duplicated union is compared",
    "RANDOMKEY": "only nil vs non-nil; then EXISTS of each server's own answer must be 1 on both",
    "OBJECT REFCOUNT": "any positive integer matches (shared-object refcounts are an implementation detail)",
    "OBJECT IDLETIME": "integers may differ by 2 s (LRU clock resolution)",
    "HELLO": "the values of 'id', 'server' and 'version' are not compared",
    "EXEC": "element-wise, each element with its queued command's rule",
    "OBJECT ENCODING": "in a stream mixing families (where any key may be a small set): memkeydb's "
                       "'listpack' matches redis 7.0's 'hashtable' (Redis 7.2's listpack sets); each "
                       "data-type family run alone compares its keys' encodings exactly",
}

# Command arities as in redis 7.0 (COMMAND INFO); (name, subcommand) -> (arity, family).
ARITY = {
    ("DEL",): (-2, "keyspace"), ("UNLINK",): (-2, "keyspace"), ("EXISTS",): (-2, "keyspace"),
    ("TYPE",): (2, "keyspace"), ("RENAME",): (3, "keyspace"), ("RENAMENX",): (3, "keyspace"),
    ("COPY",): (-3, "keyspace"), ("KEYS",): (2, "keyspace"), ("SCAN",): (-2, "keyspace"),
    ("RANDOMKEY",): (1, "keyspace"), ("DBSIZE",): (1, "keyspace"), ("SELECT",): (2, "keyspace"),
    ("SWAPDB",): (3, "keyspace"), ("MOVE",): (3, "keyspace"), ("TOUCH",): (-2, "keyspace"),
    ("OBJECT",): (-2, "object"), ("OBJECT", "ENCODING"): (3, "object"),
    ("OBJECT", "REFCOUNT"): (3, "object"), ("OBJECT", "IDLETIME"): (3, "object"),
    ("OBJECT", "FREQ"): (3, "object"), ("OBJECT", "HELP"): (2, "help"),
    ("EXPIRE",): (-3, "expiry"), ("PEXPIRE",): (-3, "expiry"), ("EXPIREAT",): (-3, "expiry"),
    ("PEXPIREAT",): (-3, "expiry"), ("TTL",): (2, "expiry"), ("PTTL",): (2, "expiry"),
    ("EXPIRETIME",): (2, "expiry"), ("PEXPIRETIME",): (2, "expiry"), ("PERSIST",): (2, "expiry"),
    ("SETEX",): (4, "expiry"), ("PSETEX",): (4, "expiry"), ("GETEX",): (-2, "expiry"),
    ("GET",): (2, "strings"), ("SET",): (-3, "strings"), ("SETNX",): (3, "strings"),
    ("GETSET",): (3, "strings"), ("GETDEL",): (2, "strings"), ("MGET",): (-2, "strings"),
    ("MSET",): (-3, "strings"), ("MSETNX",): (-3, "strings"), ("APPEND",): (3, "strings"),
    ("STRLEN",): (2, "strings"), ("GETRANGE",): (4, "strings"), ("SUBSTR",): (4, "strings"),
    ("SETRANGE",): (4, "strings"), ("INCR",): (2, "strings"), ("DECR",): (2, "strings"),
    ("INCRBY",): (3, "strings"), ("DECRBY",): (3, "strings"), ("INCRBYFLOAT",): (3, "strings"),
    ("LCS",): (-3, "lcs"),
    ("SETBIT",): (4, "bitops"), ("GETBIT",): (3, "bitops"), ("BITCOUNT",): (-2, "bitops"),
    ("BITPOS",): (-3, "bitops"), ("BITOP",): (-4, "bitops"), ("BITFIELD",): (-2, "bitops"),
    ("BITFIELD_RO",): (-2, "bitops"),
    ("MULTI",): (1, "transactions"), ("EXEC",): (1, "transactions"), ("DISCARD",): (1, "transactions"),
    ("WATCH",): (-2, "transactions"), ("UNWATCH",): (1, "transactions"),
    ("PING",): (-1, "server"), ("ECHO",): (2, "server"),
    ("LPUSH",): (-3, "othertypes"), ("SADD",): (-3, "othertypes"), ("HSET",): (-4, "othertypes"),
    ("ZADD",): (-4, "othertypes"),
}

NUM_DBS = 4  # databases the stream mostly uses (servers have the default 16)


# ----------------------------------------------------------------------------
# Reply comparison rules
# ----------------------------------------------------------------------------

def cmp_encoding(a: Reply, b: Reply) -> bool:
    return a == b or (a.kind == b.kind == "$" and a.value == b"hashtable" and b.value == b"listpack")


def cmp_exact(a: Reply, b: Reply) -> bool:
    return a == b


def _int_tolerance(tol: int):
    def cmp(a: Reply, b: Reply) -> bool:
        if a == b:
            return True
        if a.kind == ":" and b.kind == ":" and a.value >= 0 and b.value >= 0:
            return abs(a.value - b.value) <= tol
        return False
    return cmp


cmp_ttl_s = _int_tolerance(2)
cmp_ttl_ms = _int_tolerance(2000)
cmp_idletime = _int_tolerance(2)


def cmp_sorted(a: Reply, b: Reply) -> bool:
    if a.kind in ("*", "~") and b.kind == a.kind and a.value is not None and b.value is not None:
        return sorted(a.value) == sorted(b.value)
    return a == b


def cmp_nil_or_not(a: Reply, b: Reply) -> bool:
    if a.kind == "$" and b.kind == "$":
        return (a.value is None) == (b.value is None)
    return a == b


def cmp_positive_int(a: Reply, b: Reply) -> bool:
    if a.kind == ":" and b.kind == ":":
        return a.value > 0 and b.value > 0
    return a == b


_HELLO_IGNORED = {b"id", b"server", b"version"}


def _norm_hello(r: Reply):
    if r.kind == "*" and r.value is not None and len(r.value) % 2 == 0:
        items = r.value
        return ("*", tuple((items[i], None if items[i].value in _HELLO_IGNORED else items[i + 1])
                           for i in range(0, len(items), 2)))
    if r.kind == "%":
        return ("%", tuple((k, None if k.value in _HELLO_IGNORED else v) for k, v in r.value))
    return r


def cmp_hello(a: Reply, b: Reply) -> bool:
    return _norm_hello(a) == _norm_hello(b)


def cmp_exec(subcmps: Sequence[Callable]):
    def cmp(a: Reply, b: Reply) -> bool:
        if a.kind == "*" and b.kind == "*" and a.value is not None and b.value is not None \
                and len(a.value) == len(b.value) == len(subcmps):
            return all(c(x, y) for c, x, y in zip(subcmps, a.value, b.value))
        return a == b
    return cmp


# ----------------------------------------------------------------------------
# Commands and the op table
# ----------------------------------------------------------------------------

def _b(x) -> bytes:
    if isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode("utf-8", "surrogateescape")
    return str(x).encode()


# True while generating a stream where several families share keys and one of them makes sets:
# then an OBJECT ENCODING of any key may meet a small set.
MIXED_TYPES = [False]


class Cmd:
    __slots__ = ("args", "raw", "conn", "cmp", "index", "label")

    def __init__(self, args: Sequence = (), cmp: Optional[Callable] = None, conn: int = 0,
                 raw: Optional[bytes] = None, label: Optional[str] = None):
        self.args = [_b(a) for a in args]
        self.raw = raw
        self.conn = conn
        self.cmp = cmp or cmp_exact
        if cmp is None and MIXED_TYPES[0] and len(self.args) == 3 and \
                self.args[0].upper() == b"OBJECT" and self.args[1].upper() == b"ENCODING":
            # In a mixed stream any key may be a small set (see NORMALISATIONS).
            self.cmp = cmp_encoding
        self.index = -1
        self.label = label

    def wire(self) -> bytes:
        return self.raw if self.raw is not None else encode_command(self.args)

    def __repr__(self):
        return format_cmd(self)


def C(*args, cmp=None, conn=0) -> Cmd:
    return Cmd(args, cmp=cmp, conn=conn)


def _quote(a: bytes, limit: int = 80) -> str:
    s = a[:limit]
    if s and all(32 < c < 127 and c not in b'"\'\\' for c in s):
        out = s.decode()
    else:
        out = '"' + "".join(chr(c) if 32 <= c < 127 and c not in b'"\\' else
                            "\\%s" % {34: '"', 92: "\\"}.get(c, "x%02x" % c) for c in s) + '"'
    if len(a) > limit:
        out += "...(%d bytes)" % len(a)
    return out


def format_cmd(c: Cmd) -> str:
    where = "" if c.conn == 0 else "[conn%d] " % c.conn
    if c.label:
        return where + c.label
    if c.raw is not None:
        return where + "(raw bytes) " + _quote(c.raw, 200)
    return where + " ".join(_quote(a) for a in c.args)


class Op:
    def __init__(self, family, name, weight, fn, mode, multi):
        self.family, self.name, self.weight, self.fn, self.mode, self.multi = \
            family, name, weight, fn, mode, multi


OPS: List[Op] = []


def op(family: str, weight: float = 1.0, mode: str = "batch", multi: bool = True):
    """Register a generator. batch: fn(g) -> Cmd or [Cmd]; sync: fn(g, ex) runs commands itself.
    multi=False keeps a batch op out of MULTI blocks."""
    assert family in FAMILIES, family

    def deco(fn):
        OPS.append(Op(family, fn.__name__, weight, fn, mode, multi and mode == "batch"))
        return fn
    return deco


# ----------------------------------------------------------------------------
# Random data
# ----------------------------------------------------------------------------

MAIN_KEYS = [b"k%d" % i for i in range(8)]
ODD_KEYS = [b"k*", b"k\x00\xff", b"", b"{t}key", b"K0", b"x" * 100, b"k?"]
WORDS = [b"", b"a", b"hello", b"foo bar", b"OK", b"nil", b"-1", b"\r\n", b"\x00", b"caf\xc3\xa9", b"*1\r\n$1\r\nx\r\n"]
INT_EDGES = [b"0", b"1", b"-1", b"9223372036854775807", b"-9223372036854775808", b"9223372036854775806",
             b"-9223372036854775807", b"9223372036854775808", b"-9223372036854775809",
             b"18446744073709551615", b"+1", b"01", b"-0", b" 1", b"1 ", b"1.0", b"0x1", b"1e3", b"",
             b"abc", b"10000", b"9999", b"-10000", b"100", b"4294967295", b"4294967296", b"2147483647",
             b"-2147483648", b"12345678901234567890", b"99999999999999999999"]
FLOAT_EDGES = [b"0", b"1.5", b"-1.5", b"0.1", b"1e10", b"1e308", b"-1e308", b"1.7976931348623157e308",
               b"inf", b"-inf", b"+inf", b"nan", b"1e-320", b"3.0e3", b"5.0e-3", b" 1.5", b"1.5 ",
               b"0x1p3", b"1,5", b"", b".5", b"5.", b"-0.0", b"1e400", b"2.2250738585072014e-308",
               b"3.14159265358979323846", b"10.5", b"-5.0E+2", b"1e", b"abc", b"0.0000001",
               b"123456789012345678901234567890"]
PATTERNS = [b"*", b"k*", b"k?", b"k[0-3]", b"k[^0-3]", b"k[a-", b"*\\*", b"k\\*", b"[k]*", b"*0", b"?",
            b"??", b"K*", b"*x*", b"k[1-]", b"[]", b"\\", b"*[", b"k[!0]", b"{t}*", b"k\\?", b"*\x00*",
            b"[a-z]?", b"k[3-1]", b"", b"x*", b"*[\\]]*"]


class Gen:
    """All randomness of a run comes from here (one seeded Random)."""

    def __init__(self, seed: int, now: Optional[int] = None):
        self.rng = random.Random(seed)
        # The one wall-clock reading of a run; pinned by tests that compare two generators.
        self.now = int(time.time()) if now is None else now
        self._used_times = set()

    # basic helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def choice(self, seq):
        return self.rng.choice(seq)

    def randint(self, a: int, b: int) -> int:
        return self.rng.randint(a, b)

    def key(self) -> bytes:
        if self.chance(0.93):
            return self.choice(MAIN_KEYS)
        return self.choice(ODD_KEYS)

    def keys(self, lo: int = 1, hi: int = 4) -> List[bytes]:
        return [self.key() for _ in range(self.randint(lo, hi))]

    def db(self) -> bytes:
        if self.chance(0.9):
            return b"%d" % self.randint(0, NUM_DBS - 1)
        return self.choice([b"15", b"16", b"-1", b"abc", b"2147483648", b"1.0", b""])

    def letters(self, n: int, alphabet: bytes = b"abcdefghijklmnopqrstuvwxyz") -> bytes:
        return bytes(self.rng.choices(alphabet, k=n))

    def binary(self, n: int) -> bytes:
        return self.rng.getrandbits(8 * n).to_bytes(n, "little") if n else b""

    def int_str(self) -> bytes:
        r = self.rng.random()
        if r < 0.6:
            return b"%d" % self.randint(-1000, 100000)
        if r < 0.75:
            return b"%d" % self.rng.randint(-(1 << 63), (1 << 63) - 1)
        return self.choice(INT_EDGES)

    def float_str(self) -> bytes:
        r = self.rng.random()
        if r < 0.35:
            return b"%d" % self.randint(-1000, 1000)
        if r < 0.55:
            return repr(self.rng.uniform(-1e6, 1e6)).encode()
        if r < 0.65:
            return b"%.3f" % self.rng.uniform(-100, 100)
        if r < 0.72:
            return repr(self.rng.uniform(-1, 1) * 10 ** self.randint(-30, 300)).encode()
        return self.choice(FLOAT_EDGES)

    def value(self) -> bytes:
        r = self.rng.random()
        if r < 0.25:
            return self.choice(WORDS) if self.chance(0.3) else self.letters(self.randint(1, 12))
        if r < 0.45:
            return self.int_str()
        if r < 0.55:
            return self.float_str()
        if r < 0.65:
            return self.binary(self.randint(1, 40))
        if r < 0.78:  # around the embstr/raw (44) and int (20 digits) boundaries
            n = self.randint(39, 50)
            return self.letters(n) if self.chance(0.7) else b"1" * self.randint(18, 22)
        if r < 0.97:
            return self.letters(self.randint(50, 2000), b"ab")
        return self.binary(self.randint(2000, 70000))

    # --- times -------------------------------------------------------------
    # Every future expiry in a run is now + U seconds with U a multiple of 1000 that is
    # never reused, so two expiry times never come within minutes of each other and
    # GT/LT/NX/XX decisions cannot depend on how fast each server runs.
    def fut(self) -> int:
        while True:
            k = self.rng.randrange(1, 10 ** 7)
            if k not in self._used_times:
                self._used_times.add(k)
                return k * 1000

    def expire_arg(self, cmd: str, allow_past: bool = True, allow_invalid: bool = True) -> bytes:
        """A time argument for EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (or EX/PX/EXAT/PXAT)."""
        ms = cmd in ("PEXPIRE", "PEXPIREAT", "PX", "PXAT")
        absolute = cmd in ("EXPIREAT", "PEXPIREAT", "EXAT", "PXAT")
        r = self.rng.random()
        if r < 0.8 or (r < 0.9 and not allow_past) or (r >= 0.9 and not allow_invalid):
            u = self.fut()
            if self.chance(0.05):
                u += 9 * 10 ** 12  # far future, still valid in ms
            s = self.now + u if absolute else u
            return b"%d" % (s * 1000 + self.randint(0, 999) if ms else s)
        if r < 0.9:  # now or in the past: the key is deleted at once
            if absolute:
                s = self.choice([0, 1, -1, self.now, self.now - 100000, 1000000000])
            else:
                s = self.choice([0, -1, -1000, -(1 << 62)])
            return b"%d" % (s * 1000 if ms else s)
        bad = [b"abc", b"1.5", b"", b" 1", b"1 ", b"9223372036854775807", b"-9223372036854775809",
               b"9223372036854775808", b"-9223372036854775808", b"+"]
        if not (ms and not absolute):
            # seconds * 1000 overflows; but as a relative time in ms it would be a valid,
            # repeatable expiry, and GT/LT between two such would depend on timing
            bad.append(b"9223372036854776")
        return self.choice(bad)


# ----------------------------------------------------------------------------
# Generators: keyspace
# ----------------------------------------------------------------------------

@op("keyspace", 3)
def del_(g):
    return C(g.choice(["DEL", "UNLINK"]), *g.keys(1, 4))


@op("keyspace", 3)
def exists(g):
    return C("EXISTS", *g.keys(1, 5))


@op("keyspace", 3)
def type_(g):
    return C("TYPE", g.key())


@op("keyspace", 2)
def rename(g):
    src = g.key()
    dst = src if g.chance(0.1) else g.key()
    return C(g.choice(["RENAME", "RENAMENX"]), src, dst)


@op("keyspace", 2)
def copy(g):
    src = g.key()
    dst = src if g.chance(0.1) else g.key()
    args = ["COPY", src, dst]
    if g.chance(0.5):
        args += ["DB", g.db()]
    if g.chance(0.4):
        args.append("REPLACE")
    if g.chance(0.05):
        args.append(g.choice(["FOO", "DB", "REPLACE"]))
    return C(*args)


@op("keyspace", 1.5)
def keys(g):
    return C("KEYS", g.choice(PATTERNS), cmp=cmp_sorted)


@op("keyspace", 0.7)
def scan_bad(g):
    """SCAN calls that must fail the same way (valid SCANs are in `scan`)."""
    return g.choice([
        C("SCAN", g.choice(["abc", "1a", " 1", "18446744073709551616", "0x10", "1.5", "-"])),
        C("SCAN", "0", "COUNT", g.choice(["0", "-1", "abc", ""])),
        C("SCAN", "0", "MATCH"),
        C("SCAN", "0", "COUNT"),
        C("SCAN", "0", "TYPE"),
        C("SCAN", "0", g.choice(["FOO", "MATCH*", "COUNTX"]), "1"),
    ])


@op("keyspace", 1.5, mode="sync")
def scan(g, ex):
    opts = []
    if g.chance(0.5):
        opts += ["MATCH", g.choice(PATTERNS)]
    if g.chance(0.5):
        opts += ["COUNT", str(g.choice([1, 2, 5, 10, 100, 1000]))]
    if g.chance(0.3):
        opts += ["TYPE", g.choice(["string", "list", "set", "zset", "hash", "stream", "none", "STRING"])]
    ex.scan_all([_b(o) for o in opts])


@op("keyspace", 1, mode="sync")
def randomkey(g, ex):
    ra, rb = ex.both(C("RANDOMKEY", cmp=cmp_nil_or_not))
    if ra.kind == "$" and ra.value is not None and rb.kind == "$" and rb.value is not None:
        ex.pair(C("EXISTS", ra.value), C("EXISTS", rb.value), label="EXISTS <key returned by RANDOMKEY>",
                expect=Reply(":", 1))


@op("keyspace", 1.5)
def dbsize(g):
    return C("DBSIZE")


@op("keyspace", 0.3)
def flushdb(g):
    args = [g.choice(["FLUSHDB", "FLUSHDB", "FLUSHDB", "FLUSHALL"])]
    if g.chance(0.4):
        args.append(g.choice(["ASYNC", "SYNC", "async", "FOO"]))
    return C(*args)


@op("keyspace", 1.5)
def select(g):
    return C("SELECT", g.db())


@op("keyspace", 0.7)
def swapdb(g):
    return C("SWAPDB", g.db(), g.db())


@op("keyspace", 1.5)
def move(g):
    return C("MOVE", g.key(), g.db())


@op("keyspace", 1)
def touch(g):
    return C("TOUCH", *g.keys(1, 4))


@op("object", 3)
def object_(g):
    sub = g.choice(["ENCODING", "ENCODING", "ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "encoding",
                    "FOO", "ENCODINGX"])
    cmp = {"REFCOUNT": cmp_positive_int, "IDLETIME": cmp_idletime,
           "ENCODING": cmp_encoding}.get(sub.upper(), cmp_exact)
    return C("OBJECT", sub, g.key(), cmp=cmp)


@op("help", 0.2)
def object_help(g):
    return C("OBJECT", g.choice(["HELP", "help"]))


@op("keyspace", 1.5, multi=False)
def second_connection(g):
    """A command from another client (its own selected DB): interleaves with the main one."""
    cmds = []
    if g.chance(0.3):
        cmds.append(C("SELECT", b"%d" % g.randint(0, NUM_DBS - 1), conn=1))
    sub = _pick_batch_op(g, multi_only=True, exclude=("transactions",))
    for c in _as_list(sub.fn(g)):
        c.conn = 1
        cmds.append(c)
    return cmds


# ----------------------------------------------------------------------------
# Generators: expiry
# ----------------------------------------------------------------------------

EXPIRE_FLAGS = ["NX", "XX", "GT", "LT"]


@op("expiry", 6)
def expire(g):
    cmd = g.choice(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
    args = [cmd, g.key(), g.expire_arg(cmd)]
    r = g.rng.random()
    if r < 0.45:
        args.append(g.choice(EXPIRE_FLAGS + ["nx", "gt"]))
    elif r < 0.52:
        args += [g.choice(EXPIRE_FLAGS), g.choice(EXPIRE_FLAGS)]
    elif r < 0.54:
        args.append(g.choice(["FOO", "", "NXX"]))
    return C(*args)


@op("expiry", 4)
def ttl(g):
    cmd = g.choice(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"])
    return C(cmd, g.key(), cmp=cmp_ttl_ms if cmd.startswith("P") else cmp_ttl_s)


@op("expiry", 1.5)
def persist(g):
    return C("PERSIST", g.key())


@op("expiry", 3)
def set_expiring(g):
    opt = g.choice(["EX", "PX", "EXAT", "PXAT", "ex", "px"])
    units = [[opt, g.expire_arg(opt.upper(), allow_past=False)]]
    r = g.rng.random()
    if r < 0.3:
        units.append([g.choice(["NX", "XX", "GET"])])
    elif r < 0.4:
        # KEEPTTL or a second expiry option: an error, except that redis accepts the same
        # option twice (the last one wins), so a second time must be a never-reused one too
        extra = g.choice(["KEEPTTL", "EX", "PX", "EXAT", "PXAT"])
        units.append([extra] if extra == "KEEPTTL" or g.chance(0.3) else
                     [extra, g.expire_arg(extra, allow_past=False, allow_invalid=False)])
    g.rng.shuffle(units)
    return C("SET", g.key(), g.value(), *[a for u in units for a in u])


@op("expiry", 0.7)
def set_in_the_past(g):
    """SET with an absolute time in the past leaves a logically expired key, which a read
    removes; DBSIZE before that read would depend on active expiry, so read it at once."""
    k = g.key()
    opt = g.choice(["EXAT", "PXAT"])
    t = g.choice([1, 1000000000, g.now - 1000])
    return [C("SET", k, g.value(), opt, t * 1000 if opt == "PXAT" else t), C("EXISTS", k)]


@op("expiry", 1.5)
def set_keepttl(g):
    args = ["SET", g.key(), g.value(), "KEEPTTL"]
    if g.chance(0.3):
        args.append(g.choice(["NX", "XX", "GET"]))
    return C(*args)


@op("expiry", 3)
def getex(g):
    args = ["GETEX", g.key()]
    r = g.rng.random()
    if r < 0.55:
        opt = g.choice(["EX", "PX", "EXAT", "PXAT"])
        args += [opt, g.expire_arg(opt)]
    elif r < 0.7:
        args.append("PERSIST")
    elif r < 0.8:
        args += g.choice([["EX"], ["PERSIST", "EX", "100"], ["EX", "100", "PX", "100"], ["FOO"],
                          ["EX", "0"], ["PX", "-5"], ["KEEPTTL"], ["persist"]])
    return C(*args)


@op("expiry", 2)
def setex(g):
    cmd = g.choice(["SETEX", "PSETEX"])
    t = g.expire_arg("EXPIRE" if cmd == "SETEX" else "PEXPIRE", allow_past=g.chance(0.1))
    return C(cmd, g.key(), t, g.value())


# ----------------------------------------------------------------------------
# Generators: strings
# ----------------------------------------------------------------------------

@op("strings", 8)
def get(g):
    return C("GET", g.key())


@op("strings", 8)
def set_(g):
    args = ["SET", g.key(), g.value()]
    r = g.rng.random()
    if r < 0.5:
        pass
    elif r < 0.8:
        args.append(g.choice(["NX", "XX", "GET", "nx", "get"]))
    elif r < 0.9:
        args += g.choice([["NX", "GET"], ["XX", "GET"], ["GET", "KEEPTTL"], ["NX", "XX"], ["XX", "XX"],
                          ["GET", "GET"]])
    else:
        args += g.choice([["FOO"], ["EX"], ["KEEPTTL", "PX", "100"], ["EX", "abc"], ["NX", "bar"],
                          ["EX", "10", "PX", "10"], ["EXAT"], [""]])
    return C(*args)


@op("strings", 3)
def set_number(g):
    return C("SET", g.key(), g.int_str() if g.chance(0.7) else g.float_str())


@op("strings", 1.5)
def setnx(g):
    return C("SETNX", g.key(), g.value())


@op("strings", 1.5)
def getset(g):
    return C("GETSET", g.key(), g.value())


@op("strings", 1.5)
def getdel(g):
    return C("GETDEL", g.key())


@op("strings", 2)
def mget(g):
    return C("MGET", *g.keys(1, 6))


@op("strings", 2)
def mset(g):
    cmd = g.choice(["MSET", "MSET", "MSETNX"])
    args = [cmd]
    for _ in range(g.randint(1, 4)):
        args += [g.key(), g.value()]
    if g.chance(0.08):
        args.pop()  # odd number of arguments
    return C(*args)


@op("strings", 3)
def append(g):
    return C("APPEND", g.key(), g.value() if g.chance(0.8) else b"")


@op("strings", 2)
def strlen(g):
    return C("STRLEN", g.key())


def _index(g) -> bytes:
    r = g.rng.random()
    if r < 0.7:
        return b"%d" % g.randint(-60, 60)
    if r < 0.9:
        return b"%d" % g.randint(-100000, 100000)
    return g.choice(INT_EDGES)


@op("strings", 3)
def getrange(g):
    return C(g.choice(["GETRANGE", "GETRANGE", "SUBSTR"]), g.key(), _index(g), _index(g))


@op("strings", 2.5)
def setrange(g):
    r = g.rng.random()
    if r < 0.7:
        off = b"%d" % g.randint(0, 100)
    elif r < 0.85:
        off = b"%d" % g.randint(0, 100000)
    else:
        off = g.choice([b"-1", b"abc", b"536870912", b"536870911", b"9223372036854775807", b"1.5", b""])
    val = g.value() if g.chance(0.9) else b""
    if off in (b"536870911",) and len(val) < 2:
        val = b"xy"  # 536870911 + 1 byte would allocate 512MB; make it fail instead
    return C("SETRANGE", g.key(), off, val)


@op("strings", 5)
def incr(g):
    cmd = g.choice(["INCR", "DECR", "INCRBY", "DECRBY"])
    if cmd in ("INCR", "DECR"):
        return C(cmd, g.key())
    return C(cmd, g.key(), g.int_str())


@op("strings", 3)
def incrbyfloat(g):
    return C("INCRBYFLOAT", g.key(), g.float_str())


# ----------------------------------------------------------------------------
# Generators: bit operations
# ----------------------------------------------------------------------------

def _bit_offset(g) -> bytes:
    r = g.rng.random()
    if r < 0.75:
        return b"%d" % g.randint(0, 300)
    if r < 0.9:
        return b"%d" % g.randint(0, 80000)
    return g.choice([b"-1", b"4294967296", b"abc", b"1.5", b"", b"9223372036854775808"])


@op("bitops", 3)
def setbit(g):
    return C("SETBIT", g.key(), _bit_offset(g), g.choice([b"0", b"1", b"1", b"0", b"2", b"-1", b"a", b""]))


@op("bitops", 3)
def getbit(g):
    off = _bit_offset(g) if g.chance(0.95) else b"4294967295"
    return C("GETBIT", g.key(), off)


def _bit_range(g) -> List:
    r = g.rng.random()
    if r < 0.3:
        return []
    args = [_index(g), _index(g)]
    if g.chance(0.4):
        args.append(g.choice(["BYTE", "BIT", "bit", "byte", "FOO"]))
    if g.chance(0.05):
        args = args[:1]  # start without end
    return args


@op("bitops", 3)
def bitcount(g):
    return C("BITCOUNT", g.key(), *_bit_range(g))


@op("bitops", 3)
def bitpos(g):
    bit = g.choice([b"0", b"1", b"1", b"0", b"2", b"-1", b"x"])
    return C("BITPOS", g.key(), bit, *_bit_range(g))


@op("bitops", 2)
def bitop(g):
    opn = g.choice(["AND", "OR", "XOR", "NOT", "and", "not", "NAND"])
    n = 1 if opn.upper() == "NOT" and g.chance(0.8) else g.randint(1, 4)
    return C("BITOP", opn, g.key(), *[g.key() for _ in range(n)])


BF_TYPES = ["i1", "i5", "i8", "i16", "i32", "i63", "i64", "u1", "u4", "u8", "u16", "u31", "u32", "u63",
            "I8", "U8"]
BF_BAD_TYPES = ["u64", "i65", "i0", "u0", "x8", "", "i", "8", "i-1"]


def _bf_type(g) -> str:
    return g.choice(BF_TYPES) if g.chance(0.93) else g.choice(BF_BAD_TYPES)


def _bf_offset(g) -> bytes:
    r = g.rng.random()
    if r < 0.55:
        return b"%d" % g.randint(0, 200)
    if r < 0.85:
        return b"#%d" % g.randint(0, 20)
    return g.choice([b"-1", b"#-1", b"abc", b"#", b"4294967296", b"#4294967296", b"1.5", b"##1"])


def _bf_value(g, t: str) -> bytes:
    try:
        bits = min(max(int(t[1:]), 1), 64)
    except ValueError:
        bits = 8
    r = g.rng.random()
    if r < 0.6:
        return b"%d" % g.randint(-(1 << min(bits, 62)), 1 << min(bits, 62))
    if r < 0.9:
        return g.choice([b"0", b"1", b"-1", b"%d" % ((1 << bits) - 1), b"%d" % (1 << bits),
                         b"%d" % -(1 << max(bits - 1, 0)), b"9223372036854775807", b"-9223372036854775808"])
    return g.choice([b"abc", b"1.5", b"", b"9223372036854775808"])


def _bitfield_subcommands(g, read_only: bool) -> List:
    args = []
    for _ in range(g.randint(1, 5)):
        r = g.rng.random()
        if r < 0.35 or read_only and r < 0.9:
            t = _bf_type(g)
            args += ["GET", t, _bf_offset(g)]
        elif r < 0.6:
            t = _bf_type(g)
            args += ["SET", t, _bf_offset(g), _bf_value(g, t)]
        elif r < 0.8:
            t = _bf_type(g)
            args += ["INCRBY", t, _bf_offset(g), _bf_value(g, t)]
        elif r < 0.95:
            args += ["OVERFLOW", g.choice(["WRAP", "SAT", "FAIL", "wrap", "sat", "fail", "FOO"])]
        else:
            args += g.choice([["GET", "i8"], ["SET", "u8", "0"], ["FOO"], ["OVERFLOW"], ["INCRBY", "i8"]])
    return args


@op("bitops", 4)
def bitfield(g):
    return C("BITFIELD", g.key(), *_bitfield_subcommands(g, read_only=False))


@op("bitops", 1.5)
def bitfield_ro(g):
    return C("BITFIELD_RO", g.key(), *_bitfield_subcommands(g, read_only=g.chance(0.85)))


# ----------------------------------------------------------------------------
# Generators: LCS
# ----------------------------------------------------------------------------

LCS_CELL_LIMIT = 4_000_000  # LCS is O(len1*len2) in time and memory: skip bigger pairs


def _lcs_set(g, key=None):
    """Short strings over a small alphabet make interesting LCS results."""
    return C("SET", key or g.key(), g.letters(g.randint(0, 40), g.choice([b"ab", b"ACGT", b"abcdefgh"])))


@op("lcs", 1)
def lcs_set(g):
    return _lcs_set(g)


@op("lcs", 3, mode="sync")
def lcs(g, ex):
    a, b = g.key(), g.key()
    if g.chance(0.6):  # usually compare two fresh short strings; otherwise whatever is there
        for k in (a, b):
            ex.both(_lcs_set(g, k))
    sizes = []
    for k in (a, b):
        ra, _ = ex.both(C("STRLEN", k))
        sizes.append(ra.value if ra.kind == ":" else 0)
    args = ["LCS", a, b]
    r = g.rng.random()
    if r < 0.25:
        args.append("LEN")
    elif r < 0.7:
        args.append("IDX")
        if g.chance(0.5):
            args += ["MINMATCHLEN", g.choice(["0", "1", "2", "3", "5", "-1", "abc", "100"])]
        if g.chance(0.5):
            args.append("WITHMATCHLEN")
    elif r < 0.8:
        args += g.choice([["LEN", "IDX"], ["FOO"], ["MINMATCHLEN"], ["WITHMATCHLEN"], ["IDX", "MINMATCHLEN"],
                          ["len"], ["idx", "withmatchlen"]])
    if sizes[0] * sizes[1] > LCS_CELL_LIMIT:
        return
    ex.both(C(*args))


# ----------------------------------------------------------------------------
# Generators: other types (for WRONGTYPE paths)
# ----------------------------------------------------------------------------

@op("othertypes", 0.8)
def other_type_key(g, k=None):
    k = k or g.key()
    t = g.choice(["LPUSH", "SADD", "HSET", "ZADD"])
    if t == "LPUSH":
        return C("LPUSH", k, *[g.letters(g.randint(1, 5)) for _ in range(g.randint(1, 3))])
    if t == "SADD":
        return C("SADD", k, *[g.choice([b"%d" % g.randint(0, 50), g.letters(3)]) for _ in range(g.randint(1, 3))])
    if t == "HSET":
        args = ["HSET", k]
        for _ in range(g.randint(1, 3)):
            args += [g.letters(2), g.value() if len(args) < 6 else b"v"]
        return C(*args)
    args = ["ZADD", k]
    for _ in range(g.randint(1, 3)):
        args += [b"%d" % g.randint(-5, 5), g.letters(2)]
    return C(*args)


@op("othertypes", 0.4)
def other_type_encoding(g):
    k = g.key()
    cmds = [other_type_key(g, k)]
    if "object" in g.families:
        cmds.append(C("OBJECT", "ENCODING", k, cmp=cmp_encoding))
    return cmds


# ----------------------------------------------------------------------------
# Generators: transactions
# ----------------------------------------------------------------------------

def _tx_body(g, n_lo=1, n_hi=5):
    """Commands queued inside MULTI, and the comparison rule for each EXEC element."""
    cmds = []
    for _ in range(g.randint(n_lo, n_hi)):
        sub = _pick_batch_op(g, multi_only=True)
        cmds += _as_list(sub.fn(g))
    return cmds


@op("transactions", 3)
def multi_exec(g):
    cmds = [C("MULTI")]
    body = _tx_body(g)
    queued_ok = list(body)
    r = g.rng.random()
    if r < 0.08:  # a queuing error: EXECABORT
        bad = g.choice([C("GET"), C("NOSUCHCOMMAND", "x"), C("SET", "k0"), C("OBJECT")])
        body.insert(g.randint(0, len(body)), bad)
        queued_ok = None
    elif r < 0.12:
        body.insert(g.randint(0, len(body)), C(g.choice(["MULTI", "WATCH"]), *([g.key()] if g.chance(0.5) else [])))
        queued_ok = None
    cmds += body
    end = "EXEC" if g.chance(0.85) else "DISCARD"
    if queued_ok is not None and end == "EXEC":
        cmds.append(C("EXEC", cmp=_exec_unknown_shape(queued_ok)))
    elif end == "EXEC":
        cmds.append(C("EXEC", cmp=_exec_unknown_shape(body)))
    else:
        cmds.append(C("DISCARD"))
    return cmds


def _exec_unknown_shape(body):
    """The EXEC rule for a queued body: a MULTI or WATCH inside it (a family's op may emit one)
    fails at once and is not queued, so it has no element in EXEC's reply; the others keep their
    own rules. If an error aborted the whole transaction, EXEC is an error, compared exactly."""
    queued = [c for c in body if not (c.args and c.args[0].upper() in (b"MULTI", b"WATCH"))]
    return cmp_exec([c.cmp for c in queued])


@op("transactions", 2)
def watch_exec(g):
    watched = g.keys(1, 3)
    cmds = [C("WATCH", *watched)]
    r = g.rng.random()
    if r < 0.3:  # the same connection touches a watched key
        k = g.choice(watched)
        cmds.append(g.choice([C("SET", k, g.value()), C("DEL", k), C("INCR", k), C("GET", k),
                              C("EXPIRE", k, g.expire_arg("EXPIRE")), C("APPEND", k, "x"), C("PERSIST", k)]))
    elif r < 0.5:  # another connection touches a watched key
        k = g.choice(watched)
        cmds.append(g.choice([C("SET", k, g.value(), conn=1), C("DEL", k, conn=1), C("GET", k, conn=1),
                              C("FLUSHDB", conn=1), C("SWAPDB", "0", "1", conn=1)]))
    elif r < 0.6:
        cmds += _tx_body(g, 1, 2)
    if g.chance(0.15):
        cmds.append(C("UNWATCH"))
    cmds.append(C("MULTI"))
    body = _tx_body(g, 1, 3)
    cmds += body
    if g.chance(0.9):
        cmds.append(C("EXEC", cmp=_exec_unknown_shape(body)))
    else:
        cmds.append(C("DISCARD"))
    return cmds


@op("transactions", 0.8)
def tx_errors(g):
    return g.choice([C("EXEC"), C("DISCARD"), C("UNWATCH"), C("WATCH"), C("MULTI", "x"), C("EXEC", "x"),
                     C("DISCARD", "x"), C("UNWATCH", "x")])


# ----------------------------------------------------------------------------
# Generators: server / connection
# ----------------------------------------------------------------------------

@op("server", 1)
def ping(g):
    r = g.rng.random()
    if r < 0.5:
        return C("PING")
    if r < 0.85:
        return C("PING", g.value())
    return C("PING", "a", "b")


@op("server", 1)
def echo(g):
    if g.chance(0.9):
        return C("ECHO", g.value())
    return C("ECHO", *([] if g.chance(0.5) else ["a", "b"]))


@op("server", 0.5)
def dbsize_bad(g):
    return C("DBSIZE", "x")


@op("server", 1.5)
def unknown_command(g):
    # (random names get a prefix no real command has: a random "quit" or "sync" would end the run)
    name = g.choice([b"FOO", b"getx", b"SETT", b"xyz", b"", b"x" * 200, b"GET\r\nX", b"\x00cmd",
                     b"qq" + g.letters(g.randint(1, 8))])
    args = []
    for _ in range(g.randint(0, 4)):
        args.append(g.choice([g.letters(g.randint(0, 10)), b"a\r\nb", b"x" * g.randint(100, 300),
                              g.binary(g.randint(1, 10)), b"'quoted'", b""]))
    return C(name, *args)


def _arity_candidates(enabled):
    return sorted(k for k, (a, fam) in ARITY.items() if fam in enabled and a != -1)


@op("server", 2)
def arity_error(g):
    names = g.arity_names
    name = g.choice(names)
    arity, _ = ARITY[name]
    prefix = list(name)
    if arity > 0:
        counts = [n for n in range(0, arity + 3) if n != arity - 1]
    else:
        counts = list(range(0, -arity - 1))
    n = g.choice(counts) - (len(prefix) - 1)
    if n < 0:
        return C(*prefix[:1])
    return C(*(prefix + [g.key() if i == 0 else g.value()[:20] for i in range(n)]))


@op("resp3", 0.3, multi=False)
def hello(g):
    r = g.rng.random()
    if r < 0.8:
        args = ["HELLO", g.choice(["2", "3", "3"])]
        if g.chance(0.2):
            args += ["SETNAME", g.choice(["client1", "x y"])]
    else:
        args = ["HELLO"] + g.choice([["4"], ["1"], ["0"], ["abc"], ["3", "FOO"], ["2", "AUTH", "default"],
                                     ["3", "SETNAME"]])
    return C(*args, cmp=cmp_hello)


INLINE = [b"PING\r\n", b"ECHO hello\r\n", b"  PING   \r\n", b'ECHO "\\x41\\n\\t\\"q\\""\r\n', b"ping\n",
          b"ECHO 'a\\'b'\r\n", b"ECHO a  b\r\n", b"PING 'x y'\n"]
INLINE_WITH_KEYS = [b"GET k0\r\n", b'SET k0 "a\\x00b c"\r\n', b"EXISTS k0 k1\n", b"  DBSIZE   \r\n",
                    b"INCR k2\r\n", b"APPEND k3 inline\r\n", b'SET k4 "123"\r\n', b"MGET k0 k1 k2\r\n",
                    b"TYPE k0\r\n", b'GET ""\r\n']


@op("server", 1, multi=False)
def inline(g):
    raw = g.choice(INLINE + INLINE_WITH_KEYS if "strings" in g.families else INLINE)
    c = Cmd(raw=raw)
    return c


PROTOCOL_CASES = [
    (b"*abc\r\n", 1),
    (b"*1\r\n$abc\r\n", 1),
    (b"*1\r\nfoo\r\n", 1),
    (b"*2\r\n$3\r\nGET\r\n$-1\r\n", 1),
    (b"*1\r\n$4294967296\r\n", 1),
    (b"*1\r\n$-5\r\n", 1),
    (b'SET k "unbalanced\r\n', 1),
    (b"ECHO 'x\r\n", 1),
    (b"*-1\r\nPING\r\n", 1),
    (b"*0\r\nPING\r\n", 1),
    (b"a" * 70000, 1),
    (b"*" + b"1" * 70000, 1),
    (b"*1\r\n$" + b"1" * 70000, 1),
    (b"*1\r\n$4\r\nPING\r\n*1\r\n$1x\r\n", 2),
    (b"$3\r\nfoo\r\n", 2),
    (b"*2\r\n$4\r\nECHO\r\n$1\r\nv\r\n*1\r\n$4\r\nPING\r\n*1\r\n:1\r\n", 3),
]


@op("protocol", 0.3, mode="sync")
def protocol_error(g, ex):
    data, n = g.choice(PROTOCOL_CASES)
    ex.fresh_connection_exchange(data, n)


# ----------------------------------------------------------------------------
# Generator modules: tests/differential/gen_<family>.py
# ----------------------------------------------------------------------------

GEN_FAMILIES: List[str] = []  # the families gen_*.py modules declared, in load order


def add_family(name: str, arity: Dict[tuple, int], off_reason: Optional[str] = None):
    """Declare a family defined in a gen_*.py module: its name, the arities of its commands
    ((name, subcommand...) -> arity, as COMMAND INFO reports), and optionally why it is off
    by default."""
    assert name not in FAMILIES, name
    FAMILIES.append(name)
    GEN_FAMILIES.append(name)
    for cmd, a in arity.items():
        ARITY[cmd] = (a, name)
    if off_reason:
        DEFAULT_OFF[name] = off_reason


def _load_generator_modules():
    """Each gen_*.py beside this file defines register(h), which receives this module and
    declares its family (add_family) and generators (h.op, h.C, h.Gen helpers)."""
    import glob
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "gen_*.py"))):
        name = "_diffgen_" + os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.register(sys.modules[__name__])


_load_generator_modules()


# ----------------------------------------------------------------------------
# Op selection
# ----------------------------------------------------------------------------

def _as_list(x) -> List[Cmd]:
    if x is None:
        return []
    if isinstance(x, Cmd):
        return [x]
    return list(x)


def _pick_batch_op(g, multi_only=False, exclude=()):
    ops = g.multi_ops if multi_only else g.batch_ops
    if exclude:
        ops = [o for o in ops if o.family not in exclude]
    weights = [o.weight for o in ops]
    return g.rng.choices(ops, weights)[0]


def enabled_families(env=os.environ) -> List[str]:
    fams = ([f.strip() for f in env.get("DIFF_FAMILIES", "").split(",") if f.strip()] or
            [f for f in FAMILIES if f not in DEFAULT_OFF])
    skip = {f.strip() for f in env.get("DIFF_SKIP_FAMILIES", "").split(",") if f.strip()}
    if env.get("DIFF_STRINGS_ONLY", "") not in ("", "0"):
        skip.add("othertypes")
    unknown = (set(fams) | skip) - set(FAMILIES)
    if unknown:
        raise ValueError("unknown families %s; known: %s" % (sorted(unknown), ", ".join(FAMILIES)))
    return [f for f in fams if f not in skip]


def make_gen(seed: int, families: Sequence[str], now: Optional[int] = None) -> Gen:
    g = Gen(seed, now)
    fams = set(families)
    MIXED_TYPES[0] = len(fams) > 1 and bool(fams & {"sets", "othertypes", "sort"})
    g.families = fams
    g.ops = [o for o in OPS if o.family in fams]
    if not g.ops:
        raise ValueError("no families enabled")
    g.batch_ops = [o for o in g.ops if o.mode == "batch"]
    g.multi_ops = [o for o in g.batch_ops if o.multi and o.family != "transactions"] or \
        [o for o in OPS if o.name in ("get", "set_")]
    if not g.batch_ops:
        g.batch_ops = g.multi_ops
    g.weights = [o.weight for o in g.ops]
    g.arity_names = _arity_candidates(fams) or [("GET",)]
    return g


# ----------------------------------------------------------------------------
# Running: pipelined batches against two servers
# ----------------------------------------------------------------------------

_KNOWN_NAMES = {k[0].encode() for k in ARITY} | {b"HELLO", b"FLUSHDB", b"FLUSHALL", b"SCAN"}


class Mismatch(AssertionError):
    pass


class Side:
    """One server under comparison, with its two client connections."""

    def __init__(self, name: str, host: str, port: int, server=None, timeout: float = 60.0):
        self.name, self.host, self.port, self.server, self.timeout = name, host, port, server, timeout
        self.conns = [RespConnection(host, port, timeout=timeout), RespConnection(host, port, timeout=timeout)]

    def close(self):
        for c in self.conns:
            c.close()


class Differ:
    def __init__(self, side_a: Side, side_b: Side, seed: int, total: int, families: Sequence[str],
                 batch: int = 500, history: int = 20, log: Callable[[str], None] = None, trace=None):
        self.a, self.b = side_a, side_b
        self.seed, self.total = seed, total
        self.families = list(families)
        self.batch = batch
        self.g = make_gen(seed, self.families)
        self.pending: List[Cmd] = []
        self.count = 0
        self.history = collections.deque(maxlen=history)
        self.log = log or (lambda s: None)
        self.op_counts: Dict[str, int] = collections.Counter()
        self.cmd_counts: Dict[bytes, int] = collections.Counter()
        self.errors_seen = 0
        self.trace = trace  # optional text file: every command with A's reply
        self.extra_env = ""  # more VAR=value for the replay hint in reports

    # -- driving ---------------------------------------------------------------
    def run(self):
        g = self.g
        t0 = time.monotonic()
        while self.count < self.total:
            o = g.rng.choices(g.ops, g.weights)[0]
            self.op_counts[o.name] += 1
            if o.mode == "batch":
                self.queue(_as_list(o.fn(g)))
            else:
                self.flush()
                o.fn(g, self)
        self.flush()
        # a server that sent more replies than commands would answer these with stale data
        for conn in (0, 1):
            self.both(C("PING", "end-of-stream", conn=conn))
        return time.monotonic() - t0

    def _number(self, c: Cmd):
        c.index = self.count
        self.count += 1
        if c.raw is None and c.args:
            if self.g.rng.random() < 0.03:  # commands names are case-insensitive
                c.args[0] = bytes(x ^ 32 if 97 <= (x | 32) <= 122 and self.g.rng.random() < 0.5 else x
                                  for x in c.args[0])
            name = c.args[0].upper()
            self.cmd_counts[name if name in _KNOWN_NAMES else b"<unknown command>"] += 1
        else:
            self.cmd_counts[b"<new connection>" if c.label else b"<inline>"] += 1

    def queue(self, cmds: List[Cmd]):
        for c in cmds:
            self._number(c)
        self.pending.extend(cmds)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self):
        pending, self.pending = self.pending, []
        i = 0
        while i < len(pending):
            conn = pending[i].conn
            j = i
            while j < len(pending) and pending[j].conn == conn:
                j += 1
            self._run_segment(conn, pending[i:j])
            i = j

    def _run_segment(self, conn: int, seg: List[Cmd], cmds_b: Optional[List[Cmd]] = None) -> List[Reply]:
        """Send seg on connection `conn` of both servers, read and compare the replies.
        Returns A's replies."""
        data_a = b"".join(c.wire() for c in seg)
        data_b = data_a if cmds_b is None else b"".join(c.wire() for c in cmds_b)
        # send to both before reading either, so both run each command at nearly the same time
        ea = self._send(self.a, conn, data_a)
        eb = self._send(self.b, conn, data_b)
        ra, ea = self._receive(self.a, conn, len(seg), ea)
        rb, eb = self._receive(self.b, conn, len(seg), eb)
        # compare what both sent first: a wrong reply before a hang or crash is the better clue
        for c, x, y in zip(seg, ra, rb):
            self.check(c, x, y)
        for side, e, got in ((self.a, ea, ra), (self.b, eb, rb)):
            if e is not None:
                raise Mismatch(self.report(seg[len(got)], None, None, problem="%s failed to reply: %s: %s%s" % (
                    side.name, type(e).__name__, e, self._server_state(side))))
        return ra, rb

    @staticmethod
    def _send(side: Side, conn: int, data: bytes):
        try:
            side.conns[conn].send_raw(data)
            return None
        except Exception as e:
            return e

    @staticmethod
    def _receive(side: Side, conn: int, n: int, send_error):
        out: List[Reply] = []
        if send_error is not None:
            return out, send_error
        try:
            for _ in range(n):
                out.append(side.conns[conn].read_reply())
            return out, None
        except Exception as e:
            return out, send_error or e

    def _server_state(self, side: Side) -> str:
        srv = side.server
        if srv is None:
            return ""
        return "\n" + srv.describe(40)

    def check(self, c: Cmd, x: Reply, y: Reply):
        if x.kind in ("-", "!"):
            self.errors_seen += 1
        if self.trace is not None:
            self.trace.write("#%d %s\n    -> %s\n" % (c.index, format_cmd(c), fmt(x, 120, "    ")))
        if not c.cmp(x, y):
            raise Mismatch(self.report(c, x, y))
        self.history.append((c, x))

    # -- synchronous helpers for sync ops --------------------------------------
    def both(self, c: Cmd):
        """Run one command on both servers now; compare; return (reply_a, reply_b)."""
        self.flush()
        self._number(c)
        ra, rb = self._run_segment(c.conn, [c])
        return ra[0], rb[0]

    def pair(self, ca: Cmd, cb: Cmd, label: str, expect: Optional[Reply] = None):
        """Run a different command on each server (e.g. about each one's own RANDOMKEY answer)."""
        self.flush()
        ca.label = cb.label = label
        self._number(ca)
        cb.index = ca.index
        ca.cmp = cmp_exact if expect is None else (lambda x, y: x == y == expect)
        ra, rb = self._run_segment(ca.conn, [ca], [cb])
        return ra[0], rb[0]

    def scan_all(self, opts: List[bytes]):
        """SCAN from cursor 0 until the cursor comes back to 0 on each server separately;
        compare the sorted set of keys seen."""
        self.flush()
        c = Cmd([b"SCAN", b"0"] + opts, label="SCAN <cursor>... " + " ".join(_quote(o) for o in opts)
                + "   (full iteration)")
        self._number(c)
        results = []
        for side in (self.a, self.b):
            conn = side.conns[0]
            cursor = b"0"
            seen = set()
            calls = 0
            final = None
            while True:
                calls += 1
                try:
                    r = conn.execute(b"SCAN", cursor, *opts)
                except Exception as e:
                    raise Mismatch(self.report(c, None, None, problem="%s failed during SCAN: %s: %s%s" % (
                        side.name, type(e).__name__, e, self._server_state(side)))) from None
                if not (r.kind == "*" and r.value and len(r.value) == 2 and r.value[0].kind == "$"
                        and r.value[1].kind in ("*", "~")):
                    final = r if calls == 1 else Reply("-", b"(harness) malformed SCAN reply at call %d: %s"
                                                       % (calls, fmt(r).encode()))
                    break
                seen.update(x for x in r.value[1].value)
                cursor = r.value[0].value
                if cursor == b"0":
                    final = Reply("*", tuple(sorted(seen)))
                    break
                if calls > 100000:
                    final = Reply("-", b"(harness) SCAN did not finish after 100000 calls")
                    break
            results.append(final)
        self.check(c, results[0], results[1])

    def fresh_connection_exchange(self, data: bytes, n: int):
        """Send raw bytes on a new connection, read n replies, then PING: a closed connection
        shows as the reply CLOSED. Compares the whole sequence."""
        self.flush()
        c = Cmd(raw=data, label="(new connection) raw bytes " + _quote(data, 120))
        self._number(c)
        results = []
        for side in (self.a, self.b):
            out = []
            conn = RespConnection(side.host, side.port, timeout=10.0)
            try:
                try:
                    conn.send_raw(data)
                    for _ in range(n):
                        out.append(conn.read_reply())
                except ConnectionClosed:
                    out.append(Reply("+", b"(connection closed)"))
                except OSError as e:
                    out.append(Reply("+", b"(connection error %s)" % type(e).__name__.encode()))
                else:
                    try:
                        conn.send_command("PING")
                        out.append(conn.read_reply())
                    except (ConnectionClosed, ConnectionResetError, BrokenPipeError):
                        out.append(Reply("+", b"(connection closed)"))
            finally:
                conn.close()
            results.append(Reply("*", tuple(out)))
        self.check(c, results[0], results[1])

    # -- reporting -------------------------------------------------------------
    def report(self, c: Cmd, x: Optional[Reply], y: Optional[Reply], problem: str = "", extra: str = "") -> str:
        lines = ["", "=" * 78,
                 "DIFFERENTIAL MISMATCH  seed=%d  command #%d (of %d)  A=%s  B=%s"
                 % (self.seed, c.index, self.total, self.a.name, self.b.name),
                 "replay: DIFF_SEED=%d DIFF_COMMANDS=%d%s /usr/bin/python3 tests/differential/replay.py"
                 % (self.seed, c.index + 1, self._family_env()),
                 "command: " + format_cmd(c)]
        if problem:
            lines.append("problem: " + problem)
        if x is not None or y is not None:
            lines.append("reply from A (%s):\n  %s" % (self.a.name, fmt(x, 300, "  ").replace("\n", "\n  ")))
            lines.append("reply from B (%s):\n  %s" % (self.b.name, fmt(y, 300, "  ").replace("\n", "\n  ")))
        if extra:
            lines.append(extra)
        lines.append("last %d commands before it (with A's reply, which B matched):" % len(self.history))
        for hc, hr in self.history:
            r = fmt(hr, 80).replace("\n", " ")
            if len(r) > 160:
                r = r[:160] + "..."
            lines.append("  #%-6d %s\n          -> %s" % (hc.index, format_cmd(hc), r))
        lines.append("=" * 78)
        return "\n".join(lines)

    def _family_env(self) -> str:
        out = ""
        if set(self.families) != set(FAMILIES):
            out += " DIFF_FAMILIES=%s" % ",".join(self.families)
        if self.extra_env:
            out += " " + self.extra_env
        return out

    def summary(self, elapsed: float) -> str:
        top = ", ".join("%s=%d" % (k.decode("utf-8", "replace"), v) for k, v in self.cmd_counts.most_common())
        return ("%d commands in %.1fs (%d error replies), families: %s\ncommands: %s"
                % (self.count, elapsed, self.errors_seen, ",".join(self.families), top))


def seed_from_env(env=os.environ) -> int:
    s = env.get("DIFF_SEED", "").strip()
    return int(s) if s else random.SystemRandom().randrange(1, 2 ** 31)


def run_differential(seed: int, total: int, families: Sequence[str], against_redis: bool = False,
                     b_args: Sequence[str] = (), batch: int = 500, log=print, b_setup=None, trace=None):
    """Start the two servers, run the stream, stop the servers. Raises Mismatch (with a report)
    on the first difference; returns (Differ, elapsed seconds) otherwise."""
    a_srv = b_srv = None
    sa = sb = None
    try:
        a_srv = servers.start_redis()
        if against_redis:
            b_srv = servers.start_redis(args=b_args)
        else:
            b_srv = servers.start_memkeydb(args=b_args)
        timeout = 300.0 if servers.sanitized() else 30.0  # a missing reply fails after this
        sa = Side("redis-server %d" % a_srv.port, a_srv.host, a_srv.port, a_srv)
        sb = Side("%s %d" % ("redis-server(B)" if against_redis else "memkeydb", b_srv.port),
                  b_srv.host, b_srv.port, b_srv, timeout=timeout)
        if b_setup:
            b_setup(sb)
        d = Differ(sa, sb, seed, total, families, batch=batch, log=log, trace=trace)
        hint = []
        if against_redis:
            hint.append("DIFF_AGAINST_REDIS=1")
        if b_args:
            hint.append("DIFF_B_ARGS=%s" % shlex.quote(" ".join(b_args)))
        d.extra_env = " ".join(hint)
        try:
            elapsed = d.run()
        except Mismatch:
            for srv in (a_srv, b_srv):
                srv.expect_exit()  # a crashed server's log is already in the report
            raise
        return d, elapsed
    finally:
        for s in (sa, sb):
            if s:
                s.close()
        for srv in (b_srv, a_srv):
            if srv:
                srv.stop()  # prints the log tail itself if the server had died


# ----------------------------------------------------------------------------
# The test
# ----------------------------------------------------------------------------

def test_differential(capsys):
    seed = seed_from_env()
    total = int(os.environ.get("DIFF_COMMANDS", "50000"))
    families = enabled_families()
    against_redis = os.environ.get("DIFF_AGAINST_REDIS", "") not in ("", "0")
    b_args = shlex.split(os.environ.get("DIFF_B_ARGS", ""))
    batch = int(os.environ.get("DIFF_BATCH", "500"))
    trace_path = os.environ.get("DIFF_TRACE")
    trace = open(trace_path, "w") if trace_path else None
    with capsys.disabled():
        print("\n[differential] DIFF_SEED=%d DIFF_COMMANDS=%d families=%s B=%s"
              % (seed, total, ",".join(families), "redis-server" if against_redis else servers.memkeydb_binary()),
              flush=True)
        for fam in sorted(set(FAMILIES) - set(families)):
            print("[differential] family %s not run: %s" % (fam, DEFAULT_OFF.get(fam, "switched off by env")),
                  flush=True)
    failure = None
    try:
        d, elapsed = run_differential(seed, total, families, against_redis, b_args, batch, trace=trace)
    except servers.ServerBinaryMissing as e:
        failure = "memkeydb binary missing: %s" % e
    except Mismatch as e:
        failure = str(e)
    finally:
        if trace:
            trace.close()
    if failure:
        pytest.fail(failure, pytrace=False)
    with capsys.disabled():
        print("[differential] seed %d OK: %s" % (seed, d.summary(elapsed)), flush=True)


@pytest.mark.parametrize("family", GEN_FAMILIES)
def test_family_alone(family, capsys):
    """Each data-type family on its own, so every one gets its full share of commands
    (DIFF_FAMILY_COMMANDS, default 50000) rather than a slice of the mixed stream."""
    seed = seed_from_env()
    total = int(os.environ.get("DIFF_FAMILY_COMMANDS", "50000"))
    with capsys.disabled():
        print("\n[differential] family %s: DIFF_SEED=%d DIFF_COMMANDS=%d DIFF_FAMILIES=%s"
              % (family, seed, total, family), flush=True)
    try:
        d, elapsed = run_differential(seed, total, [family])
    except Mismatch as e:
        pytest.fail(str(e), pytrace=False)
    with capsys.disabled():
        print("[differential] family %s seed %d OK: %s" % (family, seed, d.summary(elapsed)), flush=True)
