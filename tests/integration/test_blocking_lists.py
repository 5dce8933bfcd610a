"""Blocking list commands with several clients: each scenario runs against redis-server and
memkeydb, and what every client received (in order, as RESP values) must be the same on both.

Scenarios: FIFO order of several blocked clients, wake-up after MULTI/EXEC, BLMOVE chains,
0.1 s timeouts (RESP2 and RESP3 shapes), CLIENT UNBLOCK with TIMEOUT and ERROR, a blocked
client that disconnects, a key that holds another type while clients wait, BLMPOP counts.
"""

import time

import pytest

from helpers.resp import Reply


def wait_blocked(admin, n, timeout=5.0):
    """Waits until the server reports `n` blocked clients."""
    deadline = time.monotonic() + timeout
    while True:
        got = int(admin.info("clients").get("blocked_clients", -1))
        if got == n:
            return
        if time.monotonic() > deadline:
            raise AssertionError("expected %d blocked clients, server reports %d" % (n, got))
        time.sleep(0.01)


class Scenario:
    """Clients of one server and a transcript of what each received."""

    def __init__(self, server):
        self.server = server
        self.admin = server.connect()
        self.admin.execute("FLUSHALL")
        self.clients = {}
        self.log = []

    def client(self, name):
        if name not in self.clients:
            self.clients[name] = self.server.connect()
        return self.clients[name]

    def block(self, name, *cmd):
        """Sends a command expected to block, and waits until the server has blocked it."""
        before = int(self.admin.info("clients")["blocked_clients"])
        self.client(name).send_command(*cmd)
        wait_blocked(self.admin, before + 1)

    def run(self, name, *cmd):
        r = self.client(name).execute(*cmd)
        self.log.append((name, " ".join(map(str, cmd)), r))
        return r

    def read(self, name):
        r = self.client(name).read_reply()
        self.log.append((name, "<reply>", r))
        return r

    def close(self):
        self.admin.close()
        for c in self.clients.values():
            c.close()


def fifo(s):
    for name in ("c1", "c2", "c3"):
        s.block(name, "BLPOP", "k", "0")
    s.block("c4", "BRPOP", "other", "k", "0")
    s.run("p", "RPUSH", "k", "a", "b", "c", "d", "e")
    for name in ("c1", "c2", "c3", "c4"):
        s.read(name)
    s.run("p", "LRANGE", "k", "0", "-1")


def multi_exec_wakes(s):
    s.block("c1", "BLPOP", "k", "0")
    s.block("c2", "BLMPOP", "0", "2", "j", "k", "RIGHT", "COUNT", "5")
    s.run("p", "MULTI")
    s.run("p", "RPUSH", "k", "x")
    s.run("p", "LPUSH", "k", "y", "z")
    s.run("p", "BLPOP", "nothing", "0")
    s.run("p", "EXEC")
    s.read("c1")
    s.read("c2")
    s.run("p", "EXISTS", "k")


def blmove_chain(s):
    s.block("c1", "BLMOVE", "a", "b", "LEFT", "RIGHT", "0")
    s.block("c2", "BRPOPLPUSH", "b", "c", "0")
    s.block("c3", "BLPOP", "c", "0")
    s.run("p", "RPUSH", "a", "v1", "v2")
    for name in ("c1", "c2", "c3"):
        s.read(name)
    for k in ("a", "b", "c"):
        s.run("p", "LRANGE", k, "0", "-1")
    # A chain that ends in a list nobody waits on.
    s.block("c1", "BLMOVE", "x", "y", "RIGHT", "LEFT", "0")
    s.run("p", "LPUSH", "x", "w")
    s.read("c1")
    s.run("p", "LRANGE", "y", "0", "-1")


def timeouts(s):
    assert s.client("c3").execute("HELLO", "3").kind == "%"  # ids differ: not logged
    for name, cmd in (("c1", ("BLPOP", "k", "0.1")),
                      ("c2", ("BLMOVE", "k", "d", "LEFT", "LEFT", "0.1")),
                      ("c3", ("BRPOP", "k", "0.1")),
                      ("c4", ("BLMPOP", "0.1", "1", "k", "LEFT"))):
        start = time.monotonic()
        s.client(name).send_command(*cmd)
        s.read(name)
        elapsed = time.monotonic() - start
        assert 0.08 <= elapsed < 2.0, (s.server, cmd, elapsed)
    s.run("p", "EXISTS", "k", "d")


def client_unblock(s):
    id1 = s.client("c1").execute("CLIENT", "ID").value
    id2 = s.client("c2").execute("CLIENT", "ID").value
    s.block("c1", "BLPOP", "k", "0")
    s.block("c2", "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
    assert s.admin.execute("CLIENT", "UNBLOCK", str(id1), "TIMEOUT") == Reply(":", 1)
    s.read("c1")
    assert s.admin.execute("CLIENT", "UNBLOCK", str(id2), "ERROR") == Reply(":", 1)
    s.read("c2")
    s.log.append(("p", "CLIENT UNBLOCK <c2> again", s.admin.execute("CLIENT", "UNBLOCK", str(id2))))
    # The unblocked clients work normally afterwards.
    s.run("c1", "RPUSH", "k", "v")
    s.run("c2", "BLPOP", "k", "0")


def disconnect(s):
    s.block("c1", "BLPOP", "k", "0")
    s.block("c2", "BLPOP", "k", "0")
    s.clients.pop("c1").close()
    wait_blocked(s.admin, 1)
    s.run("p", "RPUSH", "k", "only")
    s.read("c2")
    s.run("p", "EXISTS", "k")


def other_type(s):
    s.block("c1", "BLPOP", "k", "0")
    s.block("c2", "BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
    s.run("p", "SET", "k", "string")
    s.run("p", "SET", "dst", "string")
    s.run("p", "DEL", "k")
    s.run("p", "RPUSH", "k", "v")
    s.read("c1")
    s.run("p", "RPUSH", "src", "v")
    s.read("c2")
    s.run("p", "LRANGE", "src", "0", "-1")


SCENARIOS = [fifo, multi_exec_wakes, blmove_chain, timeouts, client_unblock, disconnect,
             other_type]


def transcript(server, scenario):
    s = Scenario(server)
    try:
        scenario(s)
        wait_blocked(s.admin, 0)
        return s.log
    finally:
        s.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[f.__name__ for f in SCENARIOS])
def test_same_as_redis(server_factory, scenario):
    redis = server_factory.redis()
    memkeydb = server_factory.memkeydb()
    expected = transcript(redis, scenario)
    got = transcript(memkeydb, scenario)
    for i, (e, g) in enumerate(zip(expected, got)):
        assert e == g, "step %d: %s %s: redis %r, memkeydb %r" % (i, e[0], e[1], e[2], g[2])
    assert len(expected) == len(got)


def test_fifo_transcript_is_what_redis_does(server_factory):
    # Guards the comparison itself: the reference shows the order we expect.
    log = transcript(server_factory.redis(), fifo)
    replies = [r for _, what, r in log if what == "<reply>"]
    assert [r.value[1].value for r in replies] == [b"a", b"b", b"c", b"e"]
