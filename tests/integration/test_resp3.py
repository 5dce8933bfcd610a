"""RESP3 negotiation with HELLO, RESP3 reply types and pub/sub push messages, and the way back
to RESP2.

Every test runs against memkeydb and against the reference redis-server 7.0 (parameter
`server`), so an expectation written here is checked against Redis itself as well.
redis-py 4.3 has no RESP3 parser; RESP3 is spoken through the raw client (helpers.resp) and
redis-py is used where RESP2 is enough.
"""

import pytest

from helpers.resp import Reply, fmt

from _util import bulk, need, push, start_with_password


@pytest.fixture(params=["memkeydb", "redis"])
def server(request, server_factory):
    return getattr(server_factory, request.param)()


HELLO_FIELDS = [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]


def test_hello3_returns_a_map(server):
    c = server.connect()
    r = c.execute("HELLO", "3")
    assert r.kind == "%", r
    keys = [k for k, _ in r.value]
    assert all(k.kind == "$" for k in keys), r
    assert [k.value for k in keys] == HELLO_FIELDS
    fields = {k.value: v for k, v in r.value}
    assert fields[b"proto"] == Reply(":", 3)
    assert fields[b"id"].kind == ":" and fields[b"id"].value > 0
    assert fields[b"mode"] == bulk("standalone")
    assert fields[b"role"] == bulk("master")
    assert fields[b"modules"] == Reply("*", ())
    assert fields[b"server"].kind == "$" and fields[b"server"].value
    assert fields[b"version"].kind == "$" and fields[b"version"].value.startswith(b"7.")
    # HELLO with no version reports the current protocol, still as a map.
    r2 = c.execute("HELLO")
    assert r2.kind == "%" and dict(r2.value)[bulk("proto")] == Reply(":", 3)
    # the connection id is stable
    assert dict(r2.value)[bulk("id")] == fields[b"id"]


def test_hello2_is_a_flat_array_and_switches_back(server):
    c = server.connect()
    r = c.execute("HELLO", "2")
    assert r.kind == "*" and len(r.value) == 14, r
    assert [x.value for x in r.value[0::2]] == HELLO_FIELDS
    assert r.value[5] == Reply(":", 2)
    assert c.execute("HELLO", "3").kind == "%"
    r = c.execute("HELLO", "2")
    assert r.kind == "*" and r.value[5] == Reply(":", 2)
    # after going back to RESP2 nulls are RESP2 nulls again
    need(server, c, "DEL", "nosuchkey")
    assert need(server, c, "GET", "nosuchkey") == Reply("$", None)


def test_hello_errors(server):
    c = server.connect()
    assert c.execute("HELLO", "4") == Reply("-", b"NOPROTO unsupported protocol version")
    assert c.execute("HELLO", "1") == Reply("-", b"NOPROTO unsupported protocol version")
    assert c.execute("HELLO", "abc") == Reply(
        "-", b"ERR Protocol version is not an integer or out of range")
    # a failed HELLO leaves the protocol unchanged (still RESP2)
    assert c.execute("HELLO").kind == "*"
    assert c.execute("PING") == Reply("+", b"PONG")


@pytest.mark.parametrize("kind", ["memkeydb", "redis"])
def test_hello_auth_with_requirepass(server_factory, kind):
    srv = start_with_password(getattr(server_factory, kind), "secret")
    c = srv.connect()
    r = c.execute("HELLO", "3")
    assert r.kind == "-" and r.value.startswith(
        b"NOAUTH HELLO must be called with the client already authenticated"), r
    assert c.execute("PING") == Reply("-", b"NOAUTH Authentication required.")
    assert c.execute("HELLO", "3", "AUTH", "default", "wrong") == Reply(
        "-", b"WRONGPASS invalid username-password pair or user is disabled.")
    # still RESP2 and unauthenticated
    assert c.execute("PING") == Reply("-", b"NOAUTH Authentication required.")
    r = c.execute("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "me")
    assert r.kind == "%" and dict(r.value)[bulk("proto")] == Reply(":", 3)
    assert c.execute("PING") == Reply("+", b"PONG")
    assert need(srv, c, "CLIENT", "GETNAME") == bulk("me")


def test_resp3_null_and_simple_replies(server):
    c = server.connect()
    c.execute("HELLO", "3")
    assert c.execute("PING") == Reply("+", b"PONG")
    assert c.execute("ECHO", "x") == bulk("x")
    need(server, c, "DEL", "missing")
    assert c.execute("GET", "missing") == Reply("_", None)
    assert c.execute("SET", "k", "v") == Reply("+", b"OK")
    assert c.execute("GET", "k") == bulk("v")
    # the same commands in RESP2 give the RESP2 null
    c.execute("HELLO", "2")
    assert c.execute("GET", "missing") == Reply("$", None)


def test_resp3_exec_aborted_by_watch_is_null(server):
    a, b = server.connect(), server.connect()
    a.execute("HELLO", "3")
    assert a.execute("WATCH", "k") == Reply("+", b"OK")
    need(server, b, "SET", "k", "other")
    assert a.execute("MULTI") == Reply("+", b"OK")
    assert a.execute("PING") == Reply("+", b"QUEUED")
    assert a.execute("EXEC") == Reply("_", None)
    # and a successful EXEC is an ordinary array of the replies
    assert a.execute("MULTI") == Reply("+", b"OK")
    a.execute("PING")
    a.execute("ECHO", "e")
    assert a.execute("EXEC") == Reply("*", (Reply("+", b"PONG"), bulk("e")))


def test_resp3_pubsub_uses_push_messages(server):
    sub, pub = server.connect(), server.connect()
    assert sub.execute("HELLO", "3").kind == "%"
    sub.send_command("SUBSCRIBE", "a", "b")
    assert sub.read_reply() == push(bulk("subscribe"), bulk("a"), Reply(":", 1))
    assert sub.read_reply() == push(bulk("subscribe"), bulk("b"), Reply(":", 2))
    sub.send_command("PSUBSCRIBE", "p*")
    assert sub.read_reply() == push(bulk("psubscribe"), bulk("p*"), Reply(":", 3))
    sub.send_command("SSUBSCRIBE", "s")
    assert sub.read_reply() == push(bulk("ssubscribe"), bulk("s"), Reply(":", 1))

    assert pub.execute("PUBLISH", "a", "hello") == Reply(":", 1)
    assert sub.read_reply() == push(bulk("message"), bulk("a"), bulk("hello"))
    assert pub.execute("PUBLISH", "px", "pat") == Reply(":", 1)
    assert sub.read_reply() == push(bulk("pmessage"), bulk("p*"), bulk("px"), bulk("pat"))
    assert pub.execute("SPUBLISH", "s", "shard") == Reply(":", 1)
    assert sub.read_reply() == push(bulk("smessage"), bulk("s"), bulk("shard"))

    # RESP3 has no subscribed-mode restriction: ordinary commands get ordinary replies
    assert sub.execute("PING") == Reply("+", b"PONG")
    assert sub.execute("ECHO", "still here") == bulk("still here")
    assert sub.execute("HELLO").kind == "%"

    sub.send_command("UNSUBSCRIBE", "a")
    assert sub.read_reply() == push(bulk("unsubscribe"), bulk("a"), Reply(":", 2))
    sub.send_command("PUNSUBSCRIBE")
    assert sub.read_reply() == push(bulk("punsubscribe"), bulk("p*"), Reply(":", 1))
    sub.send_command("UNSUBSCRIBE")
    assert sub.read_reply() == push(bulk("unsubscribe"), bulk("b"), Reply(":", 0))
    sub.send_command("SUNSUBSCRIBE")
    assert sub.read_reply() == push(bulk("sunsubscribe"), bulk("s"), Reply(":", 0))
    assert pub.execute("PUBLISH", "b", "nobody") == Reply(":", 0)
    assert sub.execute("PING") == Reply("+", b"PONG")
    assert not sub.has_pending_data()


def test_resp3_push_interleaves_with_replies(server):
    """A message published while a RESP3 subscriber runs other commands arrives as a push
    between (never inside) the replies to its own commands."""
    sub, pub = server.connect(), server.connect()
    sub.execute("HELLO", "3")
    sub.send_command("SUBSCRIBE", "ch")
    assert sub.read_reply() == push(bulk("subscribe"), bulk("ch"), Reply(":", 1))
    assert pub.execute("PUBLISH", "ch", "m1") == Reply(":", 1)
    assert sub.execute("ECHO", "after") == push(bulk("message"), bulk("ch"), bulk("m1"))
    assert sub.read_reply() == bulk("after")


def test_hello3_inline_and_back_to_resp2_after_reset(server):
    c = server.connect()
    c.send_raw(b"HELLO 3\r\n")
    assert c.read_reply().kind == "%"
    assert c.execute("RESET") == Reply("+", b"RESET")
    r = c.execute("HELLO")
    assert r.kind == "*" and r.value[5] == Reply(":", 2)


def test_redis_py_negotiates_resp2_with_hello(server):
    r = server.redis_py()
    reply = r.execute_command("HELLO", "2")
    flat = dict(zip(reply[0::2], reply[1::2]))
    assert flat[b"proto"] == 2
    assert flat[b"mode"] == b"standalone"
    assert r.ping() is True
    assert r.echo("x") == b"x"
    with pytest.raises(Exception) as exc:
        r.execute_command("HELLO", "4")
    assert "NOPROTO" in str(exc.value)
    r.close()


# ---- reply types, RESP2 and RESP3, compared with redis-server --------------------------------

SETUP = [["FLUSHALL"], ["SET", "a", "hello"], ["SET", "b", "hallo"], ["SET", "n", "10"],
         ["SET", "f", "1.5"], ["SETBIT", "bits", "3", "1"], ["SET", "ttlkey", "v", "EX", "1000"]]

# (mode, command): "exact" replies must be equal; "pairs" is exact but ignores the order of
# map entries (or of the name/value pairs of a flat RESP2 array); "shape" compares structure,
# map keys and the type of every leaf (values vary: ids, times); "kind" compares only the outer
# reply type (and a verbatim string's format).
REPLY_TYPE_CASES = [
    ("exact", ["GET", "a"]),
    ("exact", ["GET", "missing"]),
    ("exact", ["MGET", "a", "missing", "b"]),
    ("exact", ["GETDEL", "missing"]),
    ("exact", ["GETEX", "missing"]),
    ("exact", ["GETSET", "gs", "v"]),
    ("exact", ["SET", "a", "x", "NX"]),
    ("exact", ["SET", "a", "hello", "NX", "GET"]),
    ("exact", ["SET", "zz", "x", "XX", "GET"]),
    ("exact", ["SET", "new", "v", "GET"]),
    ("exact", ["INCRBYFLOAT", "f", "0.25"]),
    ("exact", ["INCR", "a"]),
    ("exact", ["STRLEN", "a"]),
    ("exact", ["GETRANGE", "a", "0", "1"]),
    ("exact", ["LCS", "a", "b"]),
    ("exact", ["LCS", "a", "b", "LEN"]),
    ("exact", ["LCS", "a", "b", "IDX"]),
    ("exact", ["LCS", "a", "b", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "2"]),
    ("exact", ["BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "5"]),
    ("exact", ["BITFIELD", "bf", "GET", "u4", "0", "SET", "u4", "0", "3", "GET", "u4", "0"]),
    ("exact", ["BITFIELD_RO", "bits", "GET", "u8", "0"]),
    ("exact", ["BITCOUNT", "bits"]),
    ("exact", ["BITPOS", "bits", "1"]),
    ("exact", ["CONFIG", "GET", "maxmemory"]),
    ("exact", ["CONFIG", "GET", "no-such-option"]),
    ("pairs", ["CONFIG", "GET", "maxmemory", "hz"]),  # order unspecified (Redis: dict order)
    ("exact", ["COMMAND", "INFO", "get"]),
    ("exact", ["COMMAND", "INFO", "no-such-command"]),
    ("exact", ["COMMAND", "GETKEYS", "set", "k", "v"]),
    ("exact", ["CLIENT", "GETNAME"]),
    ("exact", ["CLIENT", "TRACKINGINFO"]),
    ("exact", ["MEMORY", "USAGE", "missing"]),
    ("exact", ["OBJECT", "ENCODING", "missing"]),
    ("exact", ["OBJECT", "ENCODING", "n"]),
    ("exact", ["OBJECT", "ENCODING", "a"]),
    ("exact", ["OBJECT", "FREQ", "a"]),
    ("exact", ["TTL", "missing"]),
    ("exact", ["TTL", "a"]),
    ("exact", ["EXPIRETIME", "a"]),
    ("exact", ["TYPE", "a"]),
    ("exact", ["TYPE", "missing"]),
    ("exact", ["EXISTS", "a", "b", "missing"]),
    ("exact", ["KEYS", "a*"]),
    ("exact", ["SCAN", "0", "MATCH", "a", "COUNT", "1000"]),
    ("exact", ["SELECT", "9"]),
    ("exact", ["RANDOMKEY"]),
    ("exact", ["DBSIZE"]),
    ("exact", ["SELECT", "0"]),
    ("exact", ["COPY", "a", "acopy"]),
    ("exact", ["MOVE", "nokey", "1"]),
    ("exact", ["RENAME", "missing", "x"]),
    ("exact", ["PUBSUB", "NUMSUB", "x", "y"]),
    ("exact", ["PUBSUB", "SHARDNUMSUB", "x"]),
    ("exact", ["PUBSUB", "CHANNELS"]),
    ("exact", ["PUBSUB", "NUMPAT"]),
    ("exact", ["PING"]),
    ("exact", ["PING", "x"]),
    ("exact", ["ECHO", ""]),
    ("exact", ["LATENCY", "LATEST"]),
    ("exact", ["LATENCY", "HISTORY", "command"]),
    ("exact", ["SLOWLOG", "GET", "0"]),
    ("exact", ["MULTI"]),
    ("exact", ["GET", "missing"]),
    ("exact", ["MGET", "a", "missing"]),
    ("exact", ["SET", "new2", "v", "NX"]),
    ("exact", ["SET", "new2", "v", "NX"]),
    ("exact", ["EXEC"]),
    ("shape", ["HELLO"]),
    ("shape", ["TIME"]),
    ("shape", ["CLIENT", "ID"]),
    ("kind", ["INFO", "server"]),
    ("kind", ["CLIENT", "INFO"]),
    ("kind", ["CLIENT", "LIST"]),
    ("kind", ["LATENCY", "DOCTOR"]),
    ("kind", ["MEMORY", "DOCTOR"]),
    ("kind", ["LATENCY", "HISTOGRAM", "set"]),
    ("kind", ["MEMORY", "STATS"]),
]


def shape(r):
    k, v = r
    if k in ("*", "~", ">") and v is not None:
        return (k, tuple(shape(x) for x in v))
    if k == "%":
        return (k, tuple((a if a.kind in ("$", "+") else shape(a), shape(b)) for a, b in v))
    if k == "=":
        return (k, v[0])
    if k == "-":
        return (k, v.split(b" ")[0])
    return (k, None if v is None else type(v).__name__)


def unordered_pairs(r):
    if r.kind == "%":
        return ("%", sorted(r.value))
    if r.kind == "*" and r.value is not None:
        return ("*", sorted(zip(r.value[0::2], r.value[1::2])))
    return r


def outer_kind(r):
    return (r.kind, r.value[0] if r.kind == "=" else None)


def run_cases(srv, proto):
    c = srv.connect()
    if proto == 3:
        assert c.execute("HELLO", "3").kind == "%"
    for cmd in SETUP:
        r = c.execute(*cmd)
        assert r.kind != "-", (srv.kind, cmd, r)
    return [c.execute(*cmd) for _, cmd in REPLY_TYPE_CASES]


@pytest.mark.parametrize("proto", [2, 3])
def test_reply_types_match_redis(server_factory, proto):
    """The same commands on redis-server and memkeydb in one protocol version: same reply
    types (nulls, maps, sets, verbatim strings, ...) and, where the value is deterministic, the
    same bytes."""
    want = run_cases(server_factory.redis(), proto)
    got = run_cases(server_factory.memkeydb(), proto)
    mismatches, unknown = [], []
    for (mode, cmd), w, g in zip(REPLY_TYPE_CASES, want, got):
        if g.kind == "-" and g.value.startswith(b"ERR unknown") and w.kind != "-":
            unknown.append(" ".join(cmd[:2]))
            continue
        compare = {"exact": lambda r: r, "pairs": unordered_pairs, "shape": shape,
                   "kind": outer_kind}[mode]
        if compare(w) != compare(g):
            mismatches.append("%s (%s)\n  redis:    %s\n  memkeydb: %s" % (
                " ".join(cmd), mode, fmt(w, 80, "  "), fmt(g, 80, "  ")))
    message = "RESP%d: %d of %d replies differ:\n%s" % (
        proto, len(mismatches), len(REPLY_TYPE_CASES), "\n".join(mismatches))
    if unknown:
        message += "\n(not implemented by memkeydb, not compared: %s)" % ", ".join(unknown)
    assert not mismatches, message
    if unknown:
        pytest.skip("memkeydb does not implement: %s" % ", ".join(unknown))


# Command metadata memkeydb does not carry yet (listed in docs/compatibility.md): COMMAND DOCS
# argument trees, and Redis's per-command key-spec flags (memkeydb derives RW/RO from the
# command's flags). Strict xfail: when either is implemented this test starts failing, and the
# cases move back into REPLY_TYPE_CASES.
METADATA_CASES = [["COMMAND", "DOCS", "get"], ["COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"]]


@pytest.mark.xfail(strict=True, reason="COMMAND DOCS arguments and exact key-spec flags not built")
@pytest.mark.parametrize("cmd", METADATA_CASES, ids=lambda c: " ".join(c[:2]))
def test_command_metadata_matches_redis(server_factory, cmd):
    want = server_factory.redis().connect().execute(*cmd)
    got = server_factory.memkeydb().connect().execute(*cmd)
    assert got == want
