"""XREAD BLOCK and XREADGROUP BLOCK with several clients: waiters are served in the order they
blocked, "$" keeps standing for the ID it meant when the client blocked, a group hands each new
entry to one consumer, timeouts reply a null array, and MULTI never blocks.
Runs against memkeydb and redis-server."""

import time

import pytest

from helpers.resp import Reply

from _util import bulk, need

NULL_ARRAY = Reply("*", None)


@pytest.fixture(params=["memkeydb", "redis"])
def server(request, server_factory):
    return getattr(server_factory, request.param)()


def entry(id_, *fv):
    return Reply("*", (bulk(id_), Reply("*", tuple(bulk(x) for x in fv))))


def stream_reply(key, *entries):
    return Reply("*", (Reply("*", (bulk(key), Reply("*", tuple(entries)))),))


def wait_blocked(admin, n, deadline=5.0):
    """Waits until `n` clients are blocked (INFO clients: blocked_clients)."""
    end = time.time() + deadline
    while time.time() < end:
        info = admin.execute("INFO", "clients").value.decode()
        for line in info.splitlines():
            if line.startswith("blocked_clients:") and int(line.split(":")[1]) >= n:
                return
        time.sleep(0.01)
    raise AssertionError("clients did not block")


def test_xread_block_serves_every_reader_with_dollar_kept(server):
    admin = server.connect()
    need(server, admin, "XADD", "s", "1-1", "f", "old")
    readers = [server.connect() for _ in range(3)]
    for r in readers:
        r.send_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    wait_blocked(admin, 3)
    # A write that adds nothing (XDEL of a missing ID) keeps everyone waiting.
    assert admin.execute("XDEL", "s", "9-9") == Reply(":", 0)
    assert admin.execute("XADD", "s", "2-1", "f", "new") == bulk("2-1")
    for r in readers:
        assert r.read_reply() == stream_reply("s", entry("2-1", "f", "new"))
    # Served clients read commands again.
    assert readers[0].execute("XLEN", "s") == Reply(":", 2)


def test_xread_block_on_several_keys_and_timeout(server):
    admin, r = server.connect(), server.connect()
    need(server, admin, "DEL", "a", "b")
    r.send_command("XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "a", "b", "$", "$")
    wait_blocked(admin, 1)
    admin.execute("XADD", "b", "5-0", "x", "1")
    assert r.read_reply() == stream_reply("b", entry("5-0", "x", "1"))
    start = time.time()
    assert r.execute("XREAD", "BLOCK", "100", "STREAMS", "a", "$") == NULL_ARRAY
    assert time.time() - start >= 0.09


def test_xreadgroup_block_hands_each_entry_to_one_consumer(server):
    admin = server.connect()
    need(server, admin, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    c1, c2 = server.connect(), server.connect()
    c1.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
    wait_blocked(admin, 1)
    c2.send_command("XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">")
    wait_blocked(admin, 2)
    admin.execute("XADD", "s", "1-0", "f", "1")
    # The first to block is served; the second keeps waiting for the next entry.
    assert c1.read_reply() == stream_reply("s", entry("1-0", "f", "1"))
    admin.execute("XADD", "s", "2-0", "f", "2")
    assert c2.read_reply() == stream_reply("s", entry("2-0", "f", "2"))
    pending = admin.execute("XPENDING", "s", "g")
    assert pending.value[0] == Reply(":", 2)
    assert pending.value[3] == Reply("*", (Reply("*", (bulk("alice"), bulk("1"))),
                                           Reply("*", (bulk("bob"), bulk("1")))))


def test_xreadgroup_block_noack_and_multi(server):
    admin, c = server.connect(), server.connect()
    need(server, admin, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    c.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "NOACK", "STREAMS", "s", ">")
    wait_blocked(admin, 1)
    admin.execute("XADD", "s", "1-0", "f", "1")
    assert c.read_reply() == stream_reply("s", entry("1-0", "f", "1"))
    assert admin.execute("XPENDING", "s", "g").value[0] == Reply(":", 0)
    # Inside MULTI a blocking read that finds nothing answers at once.
    assert c.execute("MULTI") == Reply("+", b"OK")
    c.execute("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    assert c.execute("EXEC") == Reply("*", (NULL_ARRAY,))
