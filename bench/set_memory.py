#!/usr/bin/python3
"""Memory per member of a 1M-member set: redis-server vs memkeydb.

    /usr/bin/python3 bench/set_memory.py /tmp/ref.sock /tmp/mk.sock [members]

For each server (given by unix socket) and each kind of member (strings "member:%07d", 14
bytes; integers 0..N-1), FLUSHALL, read INFO used_memory, SADD the N members in pipelined
batches of 1000, read used_memory again: (after - before) / N is the cost per member,
including the set's bucket array and header.
"""
import sys

import redis

N = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
KINDS = {
    "strings": lambda i: b"member:%07d" % i,
    "integers": lambda i: b"%d" % i,
}


def used(r):
    return int(r.info("memory")["used_memory"])


def measure(sock):
    r = redis.Redis(unix_socket_path=sock)
    out = {}
    for kind, make in KINDS.items():
        r.flushall()
        before = used(r)
        p = r.pipeline(transaction=False)
        for start in range(0, N, 1000):
            p.sadd("s", *[make(i) for i in range(start, min(N, start + 1000))])
            if start % 100000 == 0:
                p.execute()
        p.execute()
        assert r.scard("s") == N
        out[kind] = ((used(r) - before) / N, r.object("encoding", "s").decode())
    r.flushall()
    return out


if __name__ == "__main__":
    for name, sock in (("redis-server", sys.argv[1]), ("memkeydb", sys.argv[2])):
        for kind, (per, enc) in measure(sock).items():
            print("%-12s %-8s %6.1f bytes/member  (%s)" % (name, kind, per, enc))
