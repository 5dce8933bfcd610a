"""Memory per hash element: memkeydb against redis-server (docs/collections.md, "## Hashes").

    /usr/bin/python3 bench/hash_memory.py --socket /tmp/a.sock [--socket /tmp/b.sock ...]

Each server must be empty. Two workloads, each measured as the growth of INFO used_memory:
  big    one hash of 1,000,000 fields "field:<n>" with values "value:<n>" (hashtable encoding)
  small  100,000 hashes "hash:<n>" of 10 fields "f<i>" -> "v<n>" (listpack encoding)
"""
import argparse

import redis


def used(r):
    return int(r.info("memory")["used_memory"])


def fill_big(r, n=1_000_000, batch=1000):
    p = r.pipeline(transaction=False)
    for start in range(0, n, batch):
        args = []
        for i in range(start, start + batch):
            args += ["field:%d" % i, "value:%d" % i]
        p.execute_command("HSET", "big", *args)
        if start % (batch * 50) == 0:
            p.execute()
    p.execute()


def fill_small(r, keys=100_000, fields=10):
    p = r.pipeline(transaction=False)
    for k in range(keys):
        args = []
        for i in range(fields):
            args += ["f%d" % i, "v%d" % k]
        p.execute_command("HSET", "hash:%d" % k, *args)
        if k % 1000 == 999:
            p.execute()
    p.execute()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", action="append", required=True)
    a = ap.parse_args()
    for sock in a.socket:
        r = redis.Redis(unix_socket_path=sock)
        r.flushall()
        base = used(r)
        fill_big(r)
        big = used(r) - base
        enc = r.object("encoding", "big")
        r.flushall()
        base = used(r)
        fill_small(r)
        small = used(r) - base
        enc2 = r.object("encoding", "hash:0")
        r.flushall()
        print("%s: 1M-field hash (%s): %d bytes, %.1f B/field; 100k small hashes (%s): %d bytes, "
              "%.1f B/hash, %.1f B/field" % (sock, enc.decode(), big, big / 1e6, enc2.decode(), small,
                                             small / 1e5, small / 1e6))


if __name__ == "__main__":
    main()
