"""QUIT, RESET and inline (telnet-style) commands, including quoted arguments. Runs against
memkeydb and redis-server."""

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from helpers.resp import Reply

from _util import bulk, need, read_until_close, start_with_password


@pytest.fixture(params=["memkeydb", "redis"])
def server(request, server_factory):
    return getattr(server_factory, request.param)()


def raw(server, data: bytes, quiet=0.3):
    s = socket.create_connection(server.addr, timeout=5)
    try:
        s.sendall(data)
        return read_until_close(s, quiet)
    finally:
        s.close()


# ---- QUIT ---------------------------------------------------------------------------------

def test_quit_replies_ok_and_closes(server):
    c = server.connect()
    assert c.execute("QUIT") == Reply("+", b"OK")
    assert c.is_closed_by_peer()


def test_quit_stops_a_pipeline(server):
    # nothing after QUIT is executed, even if it arrived in the same packet
    assert raw(server, b"PING\r\nQUIT\r\nPING\r\nECHO x\r\n") == (b"+PONG\r\n+OK\r\n", True)
    assert raw(server, b"*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n") == (b"+OK\r\n", True)


def test_quit_in_resp3_and_with_arguments(server):
    c = server.connect()
    c.execute("HELLO", "3")
    assert c.execute("QUIT") == Reply("+", b"OK")
    assert c.is_closed_by_peer()
    # QUIT ignores arguments (arity -1)
    assert raw(server, b"QUIT now please\r\n") == (b"+OK\r\n", True)


def test_quit_inside_multi_closes_without_exec(server):
    c, other = server.connect(), server.connect()
    need(server, other, "DEL", "k")
    assert c.execute("MULTI") == Reply("+", b"OK")
    assert c.execute("SET", "k", "v") == Reply("+", b"QUEUED")
    assert c.execute("QUIT") == Reply("+", b"OK")
    assert c.is_closed_by_peer()
    assert other.execute("EXISTS", "k") == Reply(":", 0)


# ---- RESET --------------------------------------------------------------------------------

def test_reset_returns_to_resp2_and_db0(server):
    c = server.connect()
    need(server, c, "SET", "where", "db0")
    assert c.execute("HELLO", "3").kind == "%"
    assert c.execute("SELECT", "5") == Reply("+", b"OK")
    assert c.execute("SET", "where", "db5") == Reply("+", b"OK")
    assert c.execute("GET", "missing") == Reply("_", None)
    assert c.execute("RESET") == Reply("+", b"RESET")
    assert c.execute("GET", "where") == bulk("db0")
    assert c.execute("GET", "missing") == Reply("$", None)   # RESP2 null again
    r = c.execute("HELLO")
    assert r.kind == "*" and r.value[5] == Reply(":", 2)


def test_reset_discards_multi_and_watch(server):
    c, other = server.connect(), server.connect()
    need(server, other, "SET", "k", "0")
    assert c.execute("WATCH", "k") == Reply("+", b"OK")
    assert c.execute("MULTI") == Reply("+", b"OK")
    assert c.execute("SET", "k", "queued") == Reply("+", b"QUEUED")
    assert c.execute("RESET") == Reply("+", b"RESET")
    assert c.execute("EXEC") == Reply("-", b"ERR EXEC without MULTI")
    assert other.execute("GET", "k") == bulk("0")
    # the watch is gone too: a modification by another client does not abort a new transaction
    assert other.execute("SET", "k", "1") == Reply("+", b"OK")
    assert c.execute("MULTI") == Reply("+", b"OK")
    assert c.execute("SET", "k", "2") == Reply("+", b"QUEUED")
    assert c.execute("EXEC") == Reply("*", (Reply("+", b"OK"),))


def test_reset_leaves_subscribed_mode(server):
    c, admin = server.connect(), server.connect()
    c.send_command("SUBSCRIBE", "a", "b")
    c.read_replies(2)
    c.send_command("PSUBSCRIBE", "p*")
    c.read_reply()
    assert c.execute("RESET") == Reply("+", b"RESET")
    assert c.execute("ECHO", "free") == bulk("free")
    assert admin.execute("PUBSUB", "NUMSUB", "a", "b") == Reply("*", (
        bulk("a"), Reply(":", 0), bulk("b"), Reply(":", 0)))
    assert admin.execute("PUBSUB", "NUMPAT") == Reply(":", 0)
    assert admin.execute("PUBLISH", "a", "x") == Reply(":", 0)


def test_reset_clears_the_client_name(server):
    c = server.connect()
    assert need(server, c, "CLIENT", "SETNAME", "someone") == Reply("+", b"OK")
    assert c.execute("RESET") == Reply("+", b"RESET")
    assert c.execute("CLIENT", "GETNAME") == Reply("$", None)


def test_client_reply_off_skip_and_reset(server):
    probe = server.connect()
    need(server, probe, "CLIENT", "REPLY", "ON")
    got = raw(server, b"CLIENT REPLY OFF\r\nPING\r\nECHO hidden\r\nCLIENT REPLY ON\r\n"
                      b"CLIENT REPLY SKIP\r\nPING\r\nECHO shown\r\n"
                      b"CLIENT REPLY OFF\r\nRESET\r\nPING\r\n"
                      b"CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nECHO a\r\nECHO b\r\n"
                      b"CLIENT REPLY maybe\r\n")
    assert got == (b"+OK\r\n$5\r\nshown\r\n+RESET\r\n+PONG\r\n$1\r\nb\r\n"
                   b"-ERR syntax error\r\n", False)


@pytest.mark.parametrize("kind", ["memkeydb", "redis"])
def test_reset_deauthenticates(server_factory, kind):
    srv = start_with_password(getattr(server_factory, kind), "secret")
    c = srv.connect()
    assert c.execute("PING") == Reply("-", b"NOAUTH Authentication required.")
    assert c.execute("AUTH", "secret") == Reply("+", b"OK")
    assert c.execute("PING") == Reply("+", b"PONG")
    assert c.execute("RESET") == Reply("+", b"RESET")
    assert c.execute("PING") == Reply("-", b"NOAUTH Authentication required.")


# ---- inline commands ------------------------------------------------------------------------

INLINE = [
    (b"PING\r\n", b"+PONG\r\n"),
    (b"ping\n", b"+PONG\r\n"),                              # LF alone ends a line too
    (b"   PiNg   \r\n", b"+PONG\r\n"),                      # leading/trailing blanks
    (b"ECHO hello\r\n", b"$5\r\nhello\r\n"),
    (b"ECHO   spaced\t\r\n", b"$6\r\nspaced\r\n"),
    (b"ECHO\ttab\r\n", b"$3\r\ntab\r\n"),                   # any isspace() separates
    (b'ECHO "hello world"\r\n', b"$11\r\nhello world\r\n"),
    (b"ECHO 'single quoted'\r\n", b"$13\r\nsingle quoted\r\n"),
    (b'PING "a b"\r\n', b"$3\r\na b\r\n"),
    (b'ECHO ""\r\n', b"$0\r\n\r\n"),
    (b"ECHO ''\r\n", b"$0\r\n\r\n"),
    (b'ECHO "a\\x41\\n\\t\\"q"\r\n', b'$6\r\naA\n\t"q\r\n'),  # escapes in double quotes
    (b'ECHO "\\a\\b\\r"\r\n', b"$3\r\n\x07\x08\r\r\n"),
    (b'ECHO "\\xzz"\r\n', b"$3\r\nxzz\r\n"),               # not a hex escape: x, z, z
    (b'ECHO "\\\\"\r\n', b"$1\r\n\\\r\n"),
    (b"ECHO 'it\\'s'\r\n", b"$4\r\nit's\r\n"),             # only \' is special in '...'
    (b"ECHO 'a\\nb'\r\n", b"$4\r\na\\nb\r\n"),
    (b"ECHO \\x41\r\n", b"$4\r\n\\x41\r\n"),               # no escapes outside quotes
    (b'ECHO "a" "b"\r\n', b"-ERR wrong number of arguments for 'echo' command\r\n"),
    (b"ECHO\r\n", b"-ERR wrong number of arguments for 'echo' command\r\n"),
    (b"NOSUCH a 'b c'\r\n",
     b"-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b c' \r\n"),
    (b"\r\n\r\n\n", b""),                                    # empty lines are ignored
]


def test_inline_commands(server):
    bad = []
    with ThreadPoolExecutor(max_workers=len(INLINE)) as pool:  # each waits `quiet` seconds
        results = list(pool.map(lambda d: raw(server, d[0]), INLINE))
    for (data, want), (got, closed) in zip(INLINE, results):
        if (got, closed) != (want, False):
            bad.append("%r -> %r%s (want %r)" % (data, got, " closed" if closed else "", want))
    assert not bad, "\n".join(bad)


def test_inline_commands_in_one_packet(server):
    data = b"".join(d for d, _ in INLINE)
    want = b"".join(w for _, w in INLINE)
    assert raw(server, data) == (want, False)


def test_inline_and_multibulk_mixed(server):
    c = server.connect()
    c.send_raw(b"PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nmb\r\nECHO 'in line'\r\n*1\r\n$4\r\nPING\r\n")
    assert c.read_replies(4) == [Reply("+", b"PONG"), bulk("mb"), bulk("in line"),
                                 Reply("+", b"PONG")]


def test_inline_set_get_with_quotes(server):
    c = server.connect()
    need(server, c, "DEL", "k")
    c.send_raw(b'SET "my key" "hello world"\r\nGET "my key"\r\nSET k2 "\\x00\\xff"\r\nGET k2\r\n')
    r1, r2, r3, r4 = c.read_replies(4)
    assert (r1, r2, r3, r4) == (Reply("+", b"OK"), bulk("hello world"), Reply("+", b"OK"),
                                bulk(b"\x00\xff"))


def test_inline_unbalanced_quotes_close_the_connection(server):
    assert raw(server, b'PING\r\nECHO "oops\r\nPING\r\n') == (
        b"+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n", True)
    assert raw(server, b"ECHO 'a'b\r\n") == (
        b"-ERR Protocol error: unbalanced quotes in request\r\n", True)


def test_inline_in_resp3(server):
    c = server.connect()
    c.send_raw(b"HELLO 3\r\n")
    assert c.read_reply().kind == "%"
    c.send_raw(b'ECHO "x y"\r\nPING\r\n')
    assert c.read_replies(2) == [bulk("x y"), Reply("+", b"PONG")]
