"""MULTI / EXEC / DISCARD on one connection: queueing errors abort with EXECABORT, run-time
errors do not, large pipelined transactions, and commands that change the connection inside a
transaction. Runs against memkeydb and redis-server."""

import pytest

from helpers.resp import Reply, encode_command

from _util import bulk, need

OK = Reply("+", b"OK")
QUEUED = Reply("+", b"QUEUED")
EXECABORT = Reply("-", b"EXECABORT Transaction discarded because of previous errors.")


@pytest.fixture(params=["memkeydb", "redis"])
def server(request, server_factory):
    return getattr(server_factory, request.param)()


def test_errors_outside_a_transaction(server):
    c = server.connect()
    assert c.execute("EXEC") == Reply("-", b"ERR EXEC without MULTI")
    assert c.execute("DISCARD") == Reply("-", b"ERR DISCARD without MULTI")
    assert c.execute("MULTI") == OK
    assert c.execute("MULTI") == Reply("-", b"ERR MULTI calls can not be nested")
    assert c.execute("PING") == QUEUED  # a nested MULTI does not spoil the transaction
    assert c.execute("EXEC") == Reply("*", (Reply("+", b"PONG"),))


def test_queueing_errors_abort_exec(server):
    c, other = server.connect(), server.connect()
    need(server, other, "DEL", "k")
    assert c.execute("MULTI") == OK
    assert c.execute("SET", "k", "v") == QUEUED
    assert c.execute("SET", "k") == Reply("-", b"ERR wrong number of arguments for 'set' command")
    assert c.execute("PING") == QUEUED
    assert c.execute("EXEC") == EXECABORT
    assert other.execute("EXISTS", "k") == Reply(":", 0)
    assert c.execute("MULTI") == OK
    assert c.execute("NOSUCH", "x") == Reply(
        "-", b"ERR unknown command 'NOSUCH', with args beginning with: 'x' ")
    assert c.execute("EXEC") == EXECABORT
    assert c.execute("EXEC") == Reply("-", b"ERR EXEC without MULTI")


def test_runtime_errors_do_not_abort(server):
    c = server.connect()
    need(server, c, "DEL", "s", "t")
    assert c.execute("MULTI") == OK
    for cmd in (["SET", "s", "v"], ["INCR", "s"], ["SET", "t", "1"], ["INCR", "t"]):
        assert c.execute(*cmd) == QUEUED
    assert c.execute("EXEC") == Reply("*", (
        OK, Reply("-", b"ERR value is not an integer or out of range"), OK, Reply(":", 2)))


def test_discard_drops_the_queue(server):
    c = server.connect()
    need(server, c, "DEL", "k")
    assert c.execute("MULTI") == OK
    assert c.execute("SET", "k", "v") == QUEUED
    assert c.execute("DISCARD") == OK
    assert c.execute("EXISTS", "k") == Reply(":", 0)
    assert c.execute("PING") == Reply("+", b"PONG")


def test_large_pipelined_transaction(server):
    c, other = server.connect(), server.connect()
    need(server, other, "DEL", "counter")
    n = 5000
    payload = encode_command(["MULTI"]) + b"".join(
        encode_command(["INCR", "counter"]) for _ in range(n)) + encode_command(["EXEC"])
    c.send_raw(payload)
    assert c.read_reply() == OK
    for i in range(n):
        assert c.read_reply() == QUEUED, i
    r = c.read_reply()
    assert r.kind == "*" and len(r.value) == n
    assert list(r.value) == [Reply(":", i + 1) for i in range(n)]
    assert other.execute("GET", "counter") == bulk(str(n))


def test_transaction_is_atomic_for_other_clients(server):
    """Another client's command sent while EXEC runs sees all of the transaction or none."""
    a, b = server.connect(), server.connect()
    need(server, b, "DEL", "x", "y")
    a.send_raw(encode_command(["MULTI"]) + b"".join(
        encode_command(["INCR", k]) for _ in range(2000) for k in ("x", "y")))
    a.read_replies(4001)
    a.send_command("EXEC")
    seen = b.execute("MGET", "x", "y")
    assert seen in (Reply("*", (Reply("$", None), Reply("$", None))),
                    Reply("*", (bulk("2000"), bulk("2000")))), seen
    assert len(a.read_reply().value) == 4000


def test_subscribe_inside_multi(server):
    c, pub = server.connect(), server.connect()
    assert c.execute("MULTI") == OK
    assert c.execute("SUBSCRIBE", "x") == QUEUED
    assert c.execute("EXEC") == Reply("*", (
        Reply("*", (bulk("subscribe"), bulk("x"), Reply(":", 1))),))
    # now in subscribed mode (RESP2)
    assert c.execute("ECHO", "a").kind == "-"
    assert pub.execute("PUBLISH", "x", "m") == Reply(":", 1)
    assert c.read_reply() == Reply("*", (bulk("message"), bulk("x"), bulk("m")))


def test_multi_in_resp3_and_reset_inside_multi(server):
    c = server.connect()
    need(server, c, "DEL", "nokey")
    c.execute("HELLO", "3")
    assert c.execute("MULTI") == OK
    assert c.execute("GET", "nokey") == QUEUED
    assert c.execute("ECHO", "e") == QUEUED
    assert c.execute("EXEC") == Reply("*", (Reply("_", None), bulk("e")))
    assert c.execute("MULTI") == OK
    assert c.execute("RESET") == Reply("+", b"RESET")  # RESET runs at once, ends MULTI
    assert c.execute("PING") == Reply("+", b"PONG")
    assert c.execute("EXEC") == Reply("-", b"ERR EXEC without MULTI")
