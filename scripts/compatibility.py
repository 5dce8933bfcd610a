#!/usr/bin/python3
"""Writes docs/compatibility.md: every Redis 7.0 command, and whether memkeydb supports it.

Both servers are asked (COMMAND DOCS on redis-server 7.0 for the full list and groups, COMMAND
LIST on memkeydb for what it implements), so the page follows the code. Commands that exist
but differ somewhere are listed in PARTIAL with what differs; keep that dict true.

  /usr/bin/python3 scripts/compatibility.py
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from helpers.servers import start_memkeydb, start_redis  # noqa: E402
from helpers.resp import to_py  # noqa: E402

# Implemented commands whose behaviour differs from Redis 7.0 in some way.
PARTIAL = {
    "replicaof": "no FAILOVER coordination; replica-announce-ip/-port are accepted but not sent",
    "slaveof": "no FAILOVER coordination; replica-announce-ip/-port are accepted but not sent",
    "object": "ENCODING reports 'listpack' for small sets of strings (Redis 7.2's encoding; 7.0 says 'hashtable')",
    "debug": "SLEEP, SET-ACTIVE-EXPIRE, OBJECT, DIGEST, DIGEST-VALUE and a few more; not every Redis subcommand",
    "client": "TRACKING ON is refused (no client-side caching yet)",
    "blpop": "when several of its keys receive data in one transaction, the first key in argument order is served (as Redis 7.2), not the first one written",
    "brpop": "when several of its keys receive data in one transaction, the first key in argument order is served (as Redis 7.2), not the first one written",
    "blmpop": "when several of its keys receive data in one transaction, the first key in argument order is served (as Redis 7.2), not the first one written",
    "bzpopmin": "when several of its keys receive data in one transaction, the first key in argument order is served (as Redis 7.2), not the first one written",
    "bzpopmax": "when several of its keys receive data in one transaction, the first key in argument order is served (as Redis 7.2), not the first one written",
    "bzmpop": "when several of its keys receive data in one transaction, the first key in argument order is served (as Redis 7.2), not the first one written",
    "xread": "BLOCK with several streams: a wake-up serves every stream that has new entries, not only the one written",
    "sort": "does not convert a listpack sorted set to the skiplist encoding as a side effect",
    "command": "DOCS has no argument trees; GETKEYSANDFLAGS derives key-spec flags (RW/RO) from the command's flags",
    "memory": "MALLOC-STATS reports per-tier figures instead of jemalloc's text; USAGE adds no SAMPLES estimate for collections yet",
    "auth": "the default user only (no ACL users yet)",
    "hello": "AUTH with the default user only (no ACL users yet)",
    "info": "replication and cluster fields report a standalone server; current_cow_* stay 0",
    "sync": "only what redis-cli --rdb needs: an RDB payload, then the connection closes (no replication stream yet)",
    "replconf": "accepted for redis-cli --rdb; no replication yet",
}


def command_docs(server):
    conn = server.connect()
    docs = to_py(conn.execute("COMMAND", "DOCS"))
    out = {}
    for name, doc in docs.items() if isinstance(docs, dict) else zip(docs[::2], docs[1::2]):
        name = name.decode() if isinstance(name, bytes) else name
        if isinstance(doc, list):
            doc = dict(zip(doc[::2], doc[1::2]))
        doc = {(k.decode() if isinstance(k, bytes) else k): v for k, v in doc.items()}
        group = doc.get("group", b"")
        group = group.decode() if isinstance(group, bytes) else str(group)
        subs = doc.get("subcommands") or {}
        if isinstance(subs, list):
            subs = dict(zip(subs[::2], subs[1::2]))
        sub_names = sorted((s.decode() if isinstance(s, bytes) else s).split("|", 1)[-1] for s in subs)
        out[name.lower()] = (group, sub_names)
    return out


def command_list(server):
    names = to_py(server.connect().execute("COMMAND", "LIST"))
    return {(n.decode() if isinstance(n, bytes) else n).lower() for n in names}


def main():
    with start_redis() as r:
        redis_docs = command_docs(r)
    with start_memkeydb() as m:
        ours = command_list(m)
        ours_docs = command_docs(m)
    by_group = {}
    counts = {"supported": 0, "partly supported": 0, "not yet": 0}
    for name, (group, subs) in sorted(redis_docs.items()):
        if name not in ours:
            status, note = "not yet", ""
        else:
            missing = sorted(set(subs) - set(ours_docs.get(name, ("", []))[1]))
            note = PARTIAL.get(name, "")
            if missing:
                note = (note + "; " if note else "") + "missing subcommands: " + ", ".join(missing)
            status = "partly supported" if note else "supported"
        counts[status] += 1
        by_group.setdefault(group or "other", []).append((name, status, note))
    lines = ["# Redis 7.0 command compatibility", "",
             "Generated by `scripts/compatibility.py` from redis-server 7.0's COMMAND DOCS and",
             "memkeydb's COMMAND LIST; the notes on partly supported commands live in that script.", "",
             "Totals: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".", ""]
    for group in sorted(by_group):
        lines += [f"## {group}", "", "| command | status | notes |", "|---|---|---|"]
        for name, status, note in by_group[group]:
            lines.append(f"| {name.upper()} | {status} | {note} |")
        lines.append("")
    path = os.path.join(HERE, "..", "docs", "compatibility.md")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    print("wrote", os.path.normpath(path), counts)


if __name__ == "__main__":
    main()
