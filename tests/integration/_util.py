"""Small helpers shared by the integration tests (tests/integration/test_*.py).

    need(server, conn, "GET", "k")     run a command; pytest.skip if the server does not know it
    start_with_password(server_factory.memkeydb, "secret")
                                       a server started with --requirepass (the shared start-up
                                       check expects PONG; this one also accepts NOAUTH); the
                                       first argument is any start function taking options
    bulk(b"x"), push(...)              Reply builders for comparisons
    read_until_close(sock, quiet)      everything a socket sends until EOF or `quiet` s of silence
    vm_rss_kb(pid)                     resident set size of a process, from /proc/<pid>/status
"""

import socket
import time

import pytest

from helpers import servers
from helpers.resp import RespConnection, Reply


def need(server, conn, *cmd):
    """Run `cmd` on `conn` and return the reply; skip the test with an explicit reason if the
    server answers "unknown command" (a family memkeydb does not implement yet)."""
    r = conn.execute(*cmd)
    if r.kind == "-" and r.value.startswith(b"ERR unknown command"):
        pytest.skip("%s does not implement %s yet (%s)"
                    % (server.kind, " ".join(map(str, cmd[:2])), r.value.decode()))
    return r


def bulk(s) -> Reply:
    return Reply("$", s if isinstance(s, bytes) else str(s).encode())


def push(*items) -> Reply:
    return Reply(">", tuple(items))


def start_with_password(start, password: str, **options):
    """start(requirepass=password, **options), where `start` is server_factory.memkeydb /
    .redis (cleaned up by the fixture) or servers.start_memkeydb / start_redis.

    servers.start_server waits for +PONG, which a password-protected server never gives to an
    unauthenticated client, so the readiness check is done here: -NOAUTH counts as ready too."""
    original = servers._wait_ready

    def ready(server, timeout):
        deadline = time.monotonic() + timeout
        last = "no attempt"
        while time.monotonic() < deadline:
            if not server.alive():
                raise servers.ServerStartError("%s exited during start-up" % server.kind)
            try:
                with RespConnection(server.host, server.port, timeout=2.0,
                                    connect_timeout=1.0) as c:
                    r = c.execute("PING")
                    if r == Reply("+", b"PONG") or (r.kind == "-"
                                                    and r.value.startswith(b"NOAUTH")):
                        return
                    last = repr(r)
            except Exception as e:  # not listening yet
                last = "%s: %s" % (type(e).__name__, e)
            time.sleep(0.02)
        raise servers.ServerStartError("%s not ready: %s" % (server.kind, last))

    servers._wait_ready = ready
    try:
        return start(requirepass=password, **options)
    finally:
        servers._wait_ready = original


def read_until_close(sock: socket.socket, quiet: float = 0.5, limit: float = 10.0):
    """Read from `sock` until the peer closes it or nothing arrives for `quiet` seconds.
    Returns (data, closed) where closed is True on EOF or a reset."""
    data = bytearray()
    deadline = time.monotonic() + limit
    sock.settimeout(quiet)
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return bytes(data), False
        except (ConnectionResetError, BrokenPipeError):
            return bytes(data), True
        if not chunk:
            return bytes(data), True
        data += chunk
    return bytes(data), False


def vm_rss_kb(pid: int) -> int:
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for pid %d" % pid)
