"""Self-checks of the test infrastructure, run against redis-server only (no memkeydb needed):
the RESP client, the server helpers, and the differential harness itself (two redis-servers
must agree; a planted difference must be reported with a useful report)."""

import os
import signal
import time

import pytest

from helpers import servers
from helpers.resp import Reply, RespError, fmt, to_py

import test_differential as td


# -- RESP client ----------------------------------------------------------------

def test_resp2_reply_types(redis_server):
    c = redis_server.connect()
    assert c.execute("PING") == Reply("+", b"PONG")
    assert c.execute("SET", "k", b"a\x00\r\nb") == Reply("+", b"OK")
    assert c.execute("GET", "k") == Reply("$", b"a\x00\r\nb")
    assert c.execute("GET", "missing") == Reply("$", None)
    assert c.execute("INCR", "k") == Reply("-", b"ERR value is not an integer or out of range")
    assert c.execute("EXISTS", "k", "k") == Reply(":", 2)
    assert c.execute("SET", "e", "") == Reply("+", b"OK")
    assert c.execute("GET", "e") == Reply("$", b"")
    assert c.pipeline([["MULTI"], ["EXEC"]]) == [Reply("+", b"OK"), Reply("*", ())]
    c.execute("WATCH", "k")
    c.execute("SET", "k", "x")
    assert c.pipeline([["MULTI"], ["EXEC"]]) == [Reply("+", b"OK"), Reply("*", None)]
    assert c.execute("MGET", "k", "missing") == Reply("*", (Reply("$", b"x"), Reply("$", None)))
    assert c.execute("DEBUG", "PROTOCOL", "double") == Reply("$", b"3.141")
    assert c.execute("DEBUG", "PROTOCOL", "true") == Reply(":", 1)
    assert c.execute("DEBUG", "PROTOCOL", "null") == Reply("$", None)
    big = os.urandom(300000)
    assert c.pipeline([["SET", "big", big], ["GET", "big"]]) == [Reply("+", b"OK"), Reply("$", big)]
    assert c.call("GET", "big") == big
    with pytest.raises(RespError, match="WRONGTYPE|not an integer"):
        c.call("INCR", "big")


def test_resp3_reply_types(redis_server):
    c = redis_server.connect()
    hello = c.execute("HELLO", "3")
    assert hello.kind == "%"
    assert to_py(hello)[b"proto"] == 3

    def dp(t):
        return c.execute("DEBUG", "PROTOCOL", t)

    assert dp("string") == Reply("$", b"Hello World")
    assert dp("integer") == Reply(":", 12345)
    assert dp("double") == Reply(",", b"3.141")
    assert dp("bignum") == Reply("(", b"1234567999999999999999999999999999999")
    assert dp("null") == Reply("_", None)
    assert dp("array") == Reply("*", (Reply(":", 0), Reply(":", 1), Reply(":", 2)))
    assert dp("set") == Reply("~", (Reply(":", 0), Reply(":", 1), Reply(":", 2)))
    assert dp("map") == Reply("%", ((Reply(":", 0), Reply("#", False)), (Reply(":", 1), Reply("#", True)),
                                    (Reply(":", 2), Reply("#", False))))
    assert dp("true") == Reply("#", True)
    assert dp("false") == Reply("#", False)
    assert dp("verbatim") == Reply("=", (b"txt", b"This is a verbatim\nstring"))
    attrib = dp("attrib")
    assert attrib.kind == "|" and attrib.value[1] == Reply("$", b"Some real reply following the attribute")
    push = dp("push")  # a push message, then the command's own reply
    assert push == Reply(">", (Reply("$", b"server-cpu-usage"), Reply(":", 42)))
    assert c.read_reply() == Reply("$", b"Some real reply following the push reply")
    assert c.execute("GET", "nothing") == Reply("_", None)
    for t in ("map", "set", "double", "bignum", "verbatim", "attrib", "array"):
        r = dp(t)
        assert fmt(r)
        to_py(r)


def test_inline_and_protocol_errors(redis_server):
    c = redis_server.connect()
    c.send_raw(b'SET k "a\\x41b"\r\nGET k\r\nPING\n')
    assert c.read_replies(3) == [Reply("+", b"OK"), Reply("$", b"aAb"), Reply("+", b"PONG")]
    c.send_raw(b"*abc\r\n")
    assert c.read_reply() == Reply("-", b"ERR Protocol error: invalid multibulk length")
    assert c.is_closed_by_peer()


# -- server helpers ---------------------------------------------------------------

def test_server_options_dir_and_cleanup(server_factory):
    srv = server_factory.redis(hash_max_listpack_entries=7, **{"maxmemory-policy": "allkeys-lru"})
    c = srv.connect()
    assert to_py(c.execute("CONFIG", "GET", "hash-max-listpack-entries")) == [b"hash-max-listpack-entries", b"7"]
    assert to_py(c.execute("CONFIG", "GET", "maxmemory-policy"))[1] == b"allkeys-lru"
    assert to_py(c.execute("CONFIG", "GET", "dir"))[1] == os.path.realpath(srv.dir).encode()
    assert to_py(c.execute("CONFIG", "GET", "save"))[1] == b""
    assert "Ready to accept connections" in srv.log()
    workdir = srv.dir
    assert srv.stop() == 0
    assert not os.path.exists(workdir)
    assert srv.stop() == 0  # idempotent


def test_context_manager_and_kill():
    with servers.start_redis() as srv:
        assert srv.redis_py().ping() is True
        srv.kill(signal.SIGKILL)
        assert not srv.alive()
    assert not srv.died_unexpectedly
    assert not os.path.exists(srv.dir)


def test_missing_memkeydb_binary_fails_loudly(monkeypatch):
    monkeypatch.setenv("MEMKEYDB_SERVER", "/nonexistent/memkeydb-server")
    with pytest.raises(servers.ServerBinaryMissing, match="MEMKEYDB_SERVER"):
        servers.start_memkeydb()


# -- differential harness ------------------------------------------------------------

def test_comparators():
    assert td.cmp_ttl_s(Reply(":", 100), Reply(":", 101))
    assert not td.cmp_ttl_s(Reply(":", 100), Reply(":", 110))
    assert not td.cmp_ttl_s(Reply(":", -1), Reply(":", 0))
    assert not td.cmp_ttl_ms(Reply(":", 100000), Reply(":", 100))  # seconds vs ms
    assert td.cmp_sorted(Reply("*", (Reply("$", b"a"), Reply("$", b"b"))),
                         Reply("*", (Reply("$", b"b"), Reply("$", b"a"))))
    assert not td.cmp_sorted(Reply("*", (Reply("$", b"a"),)), Reply("*", (Reply("$", b"a"), Reply("$", b"a"))))
    assert not td.cmp_exact(Reply("+", b"OK"), Reply("$", b"OK"))
    assert not td.cmp_exact(Reply("$", None), Reply("*", None))
    ex = td.cmp_exec([td.cmp_exact, td.cmp_ttl_s])
    assert ex(Reply("*", (Reply("+", b"OK"), Reply(":", 50))), Reply("*", (Reply("+", b"OK"), Reply(":", 51))))
    assert not ex(Reply("*", (Reply("+", b"OK"), Reply(":", 50))), Reply("*", None))


def test_generator_is_deterministic():
    now = int(time.time())  # both generators see the same clock (a second may tick between them)

    def first(seed, n=300):
        g = td.make_gen(seed, td.FAMILIES, now)
        out = []
        while len(out) < n:
            o = g.rng.choices(g.batch_ops, [x.weight for x in g.batch_ops])[0]
            out += [c.wire() for c in td._as_list(o.fn(g))]
        return out
    assert first(42) == first(42)
    assert first(42) != first(43)


def test_redis_against_redis_agrees():
    d, _ = td.run_differential(seed=12345, total=8000, families=td.FAMILIES, against_redis=True, log=lambda s: None)
    assert d.count >= 8000


def test_planted_difference_is_reported():
    def plant(side_b):
        for db in range(td.NUM_DBS):
            side_b.conns[1].execute("SELECT", db)
            side_b.conns[1].execute("SET", "k3", "planted")
        side_b.conns[1].execute("SELECT", 0)
    with pytest.raises(td.Mismatch) as info:
        td.run_differential(seed=777, total=20000, families=td.FAMILIES, against_redis=True,
                            b_setup=plant, log=lambda s: None)
    report = str(info.value)
    assert "seed=777" in report and "DIFF_SEED=777" in report
    assert "reply from A" in report and "reply from B" in report
    assert "commands before it" in report


def test_config_difference_is_reported():
    with pytest.raises(td.Mismatch) as info:
        td.run_differential(seed=99, total=50000, families=td.FAMILIES, against_redis=True,
                            b_args=["--hash-max-listpack-entries", "1"], log=lambda s: None)
    assert "OBJECT ENCODING" in str(info.value)
