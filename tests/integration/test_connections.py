"""Many clients at once, --maxclients, and the unix socket listener. Runs against memkeydb and
redis-server."""

import os
import resource
import selectors
import shutil
import socket
import stat
import tempfile
import time

import pytest

from helpers.resp import Reply

from _util import read_until_close

N_CLIENTS = 1000


def raise_nofile(wanted):
    """Raise this process's RLIMIT_NOFILE soft limit (servers started afterwards inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < wanted:
        pytest.skip("RLIMIT_NOFILE hard limit %s is below the %d needed" % (hard, wanted))


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed after %r" % data)
        data += chunk
    return data


@pytest.mark.parametrize("kind", ["memkeydb", "redis"])
def test_thousand_concurrent_connections(server_factory, kind):
    raise_nofile(N_CLIENTS + 200)
    srv = getattr(server_factory, kind)()
    socks = []
    try:
        for i in range(N_CLIENTS):
            s = socket.create_connection(srv.addr, timeout=10)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            socks.append(s)
        # every connection is open at the same time; each sends its PING before any reads
        for i, s in enumerate(socks):
            s.sendall(b"*2\r\n$4\r\nPING\r\n$%d\r\n%d\r\n" % (len(str(i)), i))
        sel = selectors.DefaultSelector()
        pending = {}
        for i, s in enumerate(socks):
            s.setblocking(False)
            pending[s] = (b"$%d\r\n%d\r\n" % (len(str(i)), i), bytearray())
            sel.register(s, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                s = key.fileobj
                data = s.recv(4096)
                want, got = pending[s]
                assert data, "%s closed connection %d" % (kind, socks.index(s))
                got += data
                if len(got) >= len(want):
                    assert bytes(got) == want, (socks.index(s), bytes(got))
                    sel.unregister(s)
                    del pending[s]
        assert not pending, "%d of %d connections got no reply" % (len(pending), N_CLIENTS)
        # all of them subscribe; one PUBLISH reaches every one
        for s in socks:
            s.setblocking(True)
            s.sendall(b"SUBSCRIBE fanout\r\n")
        confirm = b"*3\r\n$9\r\nsubscribe\r\n$6\r\nfanout\r\n:1\r\n"
        msg = b"*3\r\n$7\r\nmessage\r\n$6\r\nfanout\r\n$5\r\nhello\r\n"
        for s in socks:
            assert recv_exactly(s, len(confirm)) == confirm
        with srv.connect() as c:
            assert c.execute("PUBLISH", "fanout", "hello") == Reply(":", N_CLIENTS)
        for i, s in enumerate(socks):
            assert recv_exactly(s, len(msg)) == msg, "subscriber %d" % i
        sel.close()
        # and the server still takes new clients while all of them are connected
        with srv.connect() as c:
            assert c.execute("PING") == Reply("+", b"PONG")
    finally:
        for s in socks:
            s.close()


@pytest.mark.parametrize("kind", ["memkeydb", "redis"])
def test_maxclients_rejects_the_eleventh_client(server_factory, kind):
    srv = getattr(server_factory, kind)(maxclients=10)
    conns = []
    try:
        for i in range(10):
            c = srv.connect(timeout=5)
            # a round trip each: the start-up probe's connection is surely gone by now
            assert c.execute("PING") == Reply("+", b"PONG"), "client %d" % (i + 1)
            conns.append(c)
        s = socket.create_connection(srv.addr, timeout=5)
        data, closed = read_until_close(s, quiet=2.0)
        s.close()
        assert data == b"-ERR max number of clients reached\r\n"
        assert closed
        # the ten keep working
        for c in conns:
            assert c.execute("ECHO", "still") == Reply("$", b"still")
        # once one leaves, a new client is accepted
        conns.pop().close()
        deadline = time.monotonic() + 5
        while True:
            s = socket.create_connection(srv.addr, timeout=5)
            s.sendall(b"PING\r\nQUIT\r\n")
            data, closed = read_until_close(s, quiet=2.0)
            s.close()
            if data == b"+PONG\r\n+OK\r\n" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert data == b"+PONG\r\n+OK\r\n"
    finally:
        for c in conns:
            c.close()


@pytest.fixture
def socket_dir():
    d = tempfile.mkdtemp(prefix="mkdb-sock-", dir="/tmp")  # short: sun_path is 108 bytes
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("kind", ["memkeydb", "redis"])
def test_unix_socket(server_factory, socket_dir, kind):
    path = os.path.join(socket_dir, "s.sock")
    srv = getattr(server_factory, kind)(unixsocket=path, unixsocketperm=700)
    st = os.stat(path)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o700, oct(st.st_mode)

    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    s.sendall(b"*1\r\n$4\r\nPING\r\nECHO \"over unix\"\r\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n")
    expected = b"+PONG\r\n$9\r\nover unix\r\n$3\r\nabc\r\n"
    got = b""
    while len(got) < len(expected):
        chunk = s.recv(4096)
        assert chunk, "connection closed after %r" % got
        got += chunk
    assert got == expected
    # pipelined volume over the unix socket
    n = 5000
    s.sendall(b"".join(b"*2\r\n$4\r\nECHO\r\n$%d\r\n%d\r\n" % (len(str(i)), i) for i in range(n)))
    want = b"".join(b"$%d\r\n%d\r\n" % (len(str(i)), i) for i in range(n))
    got = b""
    while len(got) < len(want):
        chunk = s.recv(65536)
        assert chunk
        got += chunk
    assert got == want
    s.sendall(b"QUIT\r\n")
    data, closed = read_until_close(s, quiet=2.0)
    assert (data, closed) == (b"+OK\r\n", True)
    s.close()

    # CLIENT INFO names the socket path as the address, with flag U
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    s.sendall(b"CLIENT INFO\r\nQUIT\r\n")
    data, closed = read_until_close(s, quiet=2.0)
    assert closed
    if data.startswith(b"-ERR unknown command"):
        pytest.skip("%s does not implement CLIENT INFO yet" % kind)
    fields = dict(f.split(b"=", 1) for f in data.split(b"\r\n")[1].split(b" ") if b"=" in f)
    assert fields[b"addr"] == path.encode() + b":0", data
    assert fields[b"laddr"] == path.encode() + b":0", data
    assert b"U" in fields[b"flags"], data
    s.close()

    # a real client over the socket, and TCP still works beside it
    import redis
    r = redis.Redis(unix_socket_path=path, socket_timeout=10)
    assert r.ping() is True
    assert r.echo("via redis-py") == b"via redis-py"
    r.close()
    with srv.connect() as c:
        assert c.execute("PING") == Reply("+", b"PONG")


@pytest.mark.parametrize("kind", ["memkeydb", "redis"])
def test_idle_timeout_closes_normal_clients_not_subscribers(server_factory, kind):
    srv = getattr(server_factory, kind)(timeout=1)
    idle = srv.connect()
    sub = srv.connect()
    assert idle.execute("PING") == Reply("+", b"PONG")
    sub.send_command("SUBSCRIBE", "ch")
    assert sub.read_reply().value[2] == Reply(":", 1)
    start = time.monotonic()
    assert idle.is_closed_by_peer(timeout=6), "%s: idle client still open after 6 s" % kind
    print("%s closed the idle client after %.1f s" % (kind, time.monotonic() - start))
    time.sleep(0.5)
    with srv.connect() as pub:
        assert pub.execute("PUBLISH", "ch", "still here") == Reply(":", 1)
    assert sub.read_reply() == Reply("*", (Reply("$", b"message"), Reply("$", b"ch"),
                                           Reply("$", b"still here")))
