"""Helpers for the replication tests (tests/integration/test_replication.py).

    pairs()                       the primary->replica pairs to run (env REPL_PAIRS, default PAIRS)
    start(factory, kind, **opts)  a redis or memkeydb server from conftest's server_factory
    attach(replica, primary)      REPLICAOF primary's host and port
    wait_synced(up, down)         until `down` has the link up and has processed every byte `up`
                                  sent: up's master_repl_offset == down's slave_repl_offset
    replication(srv), stats(srv)  INFO replication / the sync counters of INFO stats, as dicts
    state(*servers)               the replication-related INFO fields of each server, for messages

A server started with a password gets `srv.password` set (see start()); every connection made
here authenticates with it. Every wait polls with a timeout (4x longer under the sanitizers) and
fails with the replication fields of the servers concerned.
"""

from __future__ import annotations

import os
import time
from typing import Callable, Dict, List, Optional

from . import servers
from .resp import RespConnection, Reply

PAIRS = ["memkeydb->redis", "redis->memkeydb", "memkeydb->memkeydb", "redis->redis"]
KINDS = ("redis", "memkeydb")

# INFO stats fields about syncs, and the INFO replication fields worth showing in a failure
SYNC_FIELDS = ("sync_full", "sync_partial_ok", "sync_partial_err")
STATE_FIELDS = ("role", "master_link_status", "master_sync_in_progress", "slave_repl_offset",
                "slave_read_repl_offset", "connected_slaves", "slave0", "slave1", "master_replid",
                "master_replid2", "master_repl_offset", "second_repl_offset",
                "repl_backlog_first_byte_offset", "repl_backlog_histlen")


def pairs() -> List[str]:
    """REPL_PAIRS (comma-separated, e.g. "redis->redis,memkeydb->redis"); by default every pair
    with memkeydb on at least one side.
    A pair may also be written with ":" (redis:memkeydb), which needs no quoting in a shell."""
    raw = os.environ.get("REPL_PAIRS", "").strip()
    if not raw:
        # redis->redis checks the tests themselves against the reference: on request only.
        return [p for p in PAIRS if p != "redis->redis"]
    chosen = [p.strip().replace(":", "->") for p in raw.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PAIRS]
    if unknown:
        raise ValueError(
            "REPL_PAIRS=%r: unknown pair(s) %s; known: %s, or with ':' for '->'. In a shell, quote "
            "the value (REPL_PAIRS='redis->redis'): unquoted, '>' redirects the output to a file."
            % (raw, unknown, ", ".join(PAIRS)))
    return chosen


def split(pair: str):
    primary, replica = pair.split("->")
    assert primary in KINDS and replica in KINDS, pair
    return primary, replica


def scaled(seconds: float) -> float:
    return seconds * 4 if servers.sanitized() else seconds


def start(factory, kind: str, password: Optional[str] = None, **options) -> servers.Server:
    """Start `kind` ("redis" or "memkeydb") through conftest's server_factory (stopped by the
    fixture). With `password`, the server gets --requirepass and srv.password."""
    fn = getattr(factory, kind)
    if password is None:
        srv = fn(**options)
        srv.password = None
        return srv
    from _util import start_with_password  # tests/integration/_util.py
    srv = start_with_password(fn, password, **options)
    srv.password = password
    return srv


def connect(srv: servers.Server, timeout: float = 30.0) -> RespConnection:
    """A connection to `srv`, authenticated if it has a password; closed when srv stops."""
    c = srv.connect(timeout=timeout)
    pw = getattr(srv, "password", None)
    if pw:
        r = c.execute("AUTH", pw)
        assert r == Reply("+", b"OK"), "AUTH on %s: %r" % (srv, r)
    return c


def _info(srv: servers.Server, section: str) -> Dict[str, str]:
    with RespConnection(srv.host, srv.port, timeout=scaled(30.0), connect_timeout=5.0) as c:
        pw = getattr(srv, "password", None)
        if pw:
            c.execute("AUTH", pw)
        r = c.execute("INFO", section)
    if r.kind != "$":
        raise AssertionError("INFO %s on %s answered %r" % (section, srv, r))
    out = {}
    for line in r.value.decode("utf-8", "replace").splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v
    return out


def replication(srv: servers.Server) -> Dict[str, str]:
    return _info(srv, "replication")


def stats(srv: servers.Server) -> Dict[str, int]:
    """sync_full, sync_partial_ok, sync_partial_err of INFO stats."""
    i = _info(srv, "stats")
    missing = [f for f in SYNC_FIELDS if f not in i]
    assert not missing, "INFO stats of %s has no %s" % (srv, missing)
    return {f: int(i[f]) for f in SYNC_FIELDS}


def state(*srvs: servers.Server) -> str:
    """The replication-related INFO fields of each server (for failure messages)."""
    lines = []
    for s in srvs:
        if not s.alive():
            lines.append("%r: not running (exit code %s)" % (s, s.proc.poll()))
            continue
        try:
            r = replication(s)
            st = _info(s, "stats")
        except Exception as e:
            lines.append("%r: INFO failed: %s: %s" % (s, type(e).__name__, e))
            continue
        fields = ["%s=%s" % (k, r[k]) for k in STATE_FIELDS if k in r]
        fields += ["%s=%s" % (k, st[k]) for k in SYNC_FIELDS if k in st]
        lines.append("%r: %s" % (s, " ".join(fields)))
    return "\n".join(lines)


def wait_for(cond: Callable[[], bool], what: str, timeout: float, show=(), interval=0.02):
    """Poll cond() until it is true; on timeout fail with `what` and the replication state of
    the servers in `show`."""
    deadline = time.monotonic() + scaled(timeout)
    while True:
        if cond():
            return
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0fs waiting for %s\n%s"
                                 % (scaled(timeout), what, state(*show)))
        time.sleep(interval)


def attach(replica: servers.Server, primary: servers.Server):
    """REPLICAOF <primary>: the replica starts (or restarts) following `primary`."""
    with RespConnection(replica.host, replica.port, timeout=scaled(30.0)) as c:
        pw = getattr(replica, "password", None)
        if pw:
            c.execute("AUTH", pw)
        r = c.execute("REPLICAOF", primary.host, str(primary.port))
    assert r.kind == "+", "REPLICAOF on %s: %r" % (replica, r)


def detach(replica: servers.Server):
    with RespConnection(replica.host, replica.port, timeout=scaled(30.0)) as c:
        r = c.execute("REPLICAOF", "NO", "ONE")
    assert r == Reply("+", b"OK"), "REPLICAOF NO ONE on %s: %r" % (replica, r)


def link_up(replica: servers.Server) -> bool:
    r = replication(replica)
    return r.get("master_link_status") == "up" and r.get("master_sync_in_progress") == "0"


def wait_link_up(replica: servers.Server, timeout: float = 30.0, show=()):
    wait_for(lambda: link_up(replica), "%r to have master_link_status:up" % replica, timeout,
             show=tuple(show) + (replica,))


def offsets(up: servers.Server, down: servers.Server):
    """(up's master_repl_offset, down's slave_repl_offset, down's link status)."""
    u = replication(up)
    d = replication(down)
    return int(u["master_repl_offset"]), int(d.get("slave_repl_offset", -1)), d.get("master_link_status")


def replica_entry(up: servers.Server, down: servers.Server, info=None) -> Optional[Dict[str, str]]:
    """The slaveN line of INFO replication on `up` about `down` (matched by its listening
    port), as a dict (ip, port, state, offset, lag), or None."""
    info = replication(up) if info is None else info
    for k, v in info.items():
        if k.startswith("slave") and k[5:].isdigit():
            fields = dict(f.split("=", 1) for f in v.split(",") if "=" in f)
            if fields.get("port") == str(down.port):
                return fields
    return None


def wait_synced(up: servers.Server, down: servers.Server, timeout: float = 60.0):
    """Until `down` (a replica of `up`) has its link up, `up` lists it as online, and `down` has
    processed exactly what `up` has sent: up's master_repl_offset, read before and after down's
    slave_repl_offset, equals it (reading it twice tolerates the pings the primary sends)."""
    def synced():
        u = replication(up)
        entry = replica_entry(up, down, u)
        d = replication(down)
        after = int(replication(up)["master_repl_offset"])
        return (d.get("master_link_status") == "up" and d.get("master_sync_in_progress") == "0"
                and entry is not None and entry.get("state") == "online"
                and int(u["master_repl_offset"]) == after == int(d.get("slave_repl_offset", -1)))
    wait_for(synced, "%r to reach the replication offset of %r" % (down, up), timeout,
             show=(up, down))
