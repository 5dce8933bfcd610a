"""Pipelining: many commands in one write answered in order, and commands split across many
small TCP writes (down to one byte per write). Runs against memkeydb and redis-server."""

import os
import random
import time

import pytest

from helpers.resp import Reply, encode_command

from _util import bulk, need


@pytest.fixture(params=["memkeydb", "redis"])
def server(request, server_factory):
    return getattr(server_factory, request.param)()


def test_ten_thousand_commands_in_one_write(server):
    c = server.connect()
    n = 10000
    commands = []
    for i in range(n):
        if i % 3 == 0:
            commands.append(["PING"])
        elif i % 3 == 1:
            commands.append(["ECHO", "e%d" % i])
        else:
            commands.append(["PING", "p%d" % i])
    payload = b"".join(encode_command(cmd) for cmd in commands)
    c.send_raw(payload)  # one sendall: the server sees it in as few reads as the kernel allows
    replies = c.read_replies(n)
    for i, r in enumerate(replies):
        if i % 3 == 0:
            expected = Reply("+", b"PONG")
        elif i % 3 == 1:
            expected = bulk("e%d" % i)
        else:
            expected = bulk("p%d" % i)
        assert r == expected, "reply %d out of order or wrong: %r" % (i, r)
    assert not c.has_pending_data()
    assert c.execute("PING") == Reply("+", b"PONG")


def test_ten_thousand_writes_then_reads_keep_order(server):
    c = server.connect()
    need(server, c, "DEL", "counter")
    n = 10000
    commands = []
    for i in range(n):
        commands.append(["SET", "key:%d" % (i % 100), "v%d" % i])
        commands.append(["INCR", "counter"])
    commands += [["GET", "key:%d" % k] for k in range(100)]
    replies = c.pipeline(commands)
    for i in range(n):
        assert replies[2 * i] == Reply("+", b"OK")
        assert replies[2 * i + 1] == Reply(":", i + 1), (i, replies[2 * i + 1])
    for k in range(100):
        # the last SET of key:k came from i = n - 100 + k
        assert replies[2 * n + k] == bulk("v%d" % (n - 100 + k))


def test_errors_in_a_pipeline_do_not_stop_it(server):
    c = server.connect()
    replies = c.pipeline([["PING"], ["NOSUCHCOMMAND", "x"], ["ECHO"], ["ECHO", "after"]])
    assert replies[0] == Reply("+", b"PONG")
    assert replies[1] == Reply(
        "-", b"ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ")
    assert replies[2] == Reply("-", b"ERR wrong number of arguments for 'echo' command")
    assert replies[3] == bulk("after")


def test_commands_sent_one_byte_at_a_time(server):
    c = server.connect()
    commands = [["PING"], ["ECHO", "hello world"], ["PING", "x" * 40]]
    payload = b"".join(encode_command(cmd) for cmd in commands) + b"ECHO inline\r\n"
    for i in range(len(payload)):
        c.send_raw(payload[i:i + 1])  # TCP_NODELAY is on: each byte is its own segment
        if i % 8 == 0:
            time.sleep(0.001)  # give the server a chance to read a partial header or bulk
    assert c.read_replies(4) == [Reply("+", b"PONG"), bulk("hello world"), bulk("x" * 40),
                                 bulk("inline")]


def test_pipeline_split_at_random_points(server):
    seed = int(os.environ.get("PIPELINE_SEED", random.randrange(1 << 30)))
    print("pipeline split seed:", seed, "(rerun with PIPELINE_SEED=%d)" % seed)
    rng = random.Random(seed)
    c = server.connect()
    expected = []
    parts = []
    for i in range(2000):
        kind = rng.randrange(4)
        if kind == 0:
            parts.append(encode_command(["PING"]))
            expected.append(Reply("+", b"PONG"))
        elif kind == 1:
            arg = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
            parts.append(encode_command(["ECHO", arg]))
            expected.append(bulk(arg))
        elif kind == 2:
            arg = b"w%d" % i
            parts.append(b"ECHO " + arg + (b"\r\n" if rng.random() < 0.5 else b"\n"))
            expected.append(bulk(arg))
        else:  # a big argument that spans many reads
            arg = bytes([65 + i % 26]) * rng.randrange(16 * 1024, 200 * 1024)
            parts.append(encode_command(["ECHO", arg]))
            expected.append(bulk(arg))
    payload = b"".join(parts)
    pos = 0
    writes = 0
    while pos < len(payload):
        step = rng.choice([1, 2, 3, 7, 13, 64, 500, 4096, 65536])
        c.send_raw(payload[pos:pos + step])
        pos += step
        writes += 1
        if writes % 200 == 0:
            time.sleep(0.001)
    got = c.read_replies(len(expected))
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, "reply %d differs (seed %d): got %r, expected %r" % (
            i, seed, g[:1] if g.kind != "$" else (g.value or b"")[:40], e.value[:40])
    assert c.execute("PING") == Reply("+", b"PONG")


def test_large_bulk_argument_in_small_pieces(server):
    c = server.connect()
    arg = os.urandom(3 * 1024 * 1024 + 17)
    payload = encode_command(["ECHO", arg])
    for i in range(0, len(payload), 9973):
        c.send_raw(payload[i:i + 9973])
    assert c.read_reply() == bulk(arg)


def test_replies_to_a_pipeline_that_is_not_read_yet(server):
    """The client writes 2 MB of commands before reading anything; the server must keep
    reading and buffering replies (no deadlock), then deliver them all in order."""
    c = server.connect()
    value = b"v" * 1000
    n = 2000
    c.send_raw(b"".join(encode_command(["ECHO", value + b"%d" % i]) for i in range(n)))
    for i in range(n):
        assert c.read_reply() == bulk(value + b"%d" % i)
