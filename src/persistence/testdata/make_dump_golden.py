#!/usr/bin/python3
"""Writes dump_golden.txt: DUMP payloads taken from a real redis-server 7.0 for values whose
payload bytes are deterministic (no hash-table iteration order involved).

Run against a redis-server 7.0 with default settings (rdbcompression yes), e.g.
    redis-server --port 0 --unixsocket /tmp/golden.sock --save ''
    src/persistence/testdata/make_dump_golden.py /tmp/golden.sock > \
        src/persistence/testdata/dump_golden.txt
Each output line is: name, the collection limits the value was built under ("-" for the
defaults, else option=value pairs joined by commas), the commands that built it (arguments
joined by spaces, commands by " ; "; no argument holds a space), and the payload in hex,
separated by tabs. rdb_value_test.cc replays the commands through the types' APIs, checks that
DumpPayload gives these bytes, and that ReadDumpPayload of them dumps back the same.
"""
import sys

import redis

LONG_PLAIN = "".join(chr(ord("a") + (i * 7) % 26) + str(i % 10) for i in range(30))

CASES = [
    ("string_int8", "-", [["set", "k", "100"]]),
    ("string_int16", "-", [["set", "k", "-12345"]]),
    ("string_int32", "-", [["set", "k", "1234567890"]]),
    ("string_int64_digits", "-", [["set", "k", "123456789012345"]]),
    ("string_not_canonical", "-", [["set", "k", "007"]]),
    ("string_short", "-", [["set", "k", "hello"]]),
    ("string_empty", "-", [["set", "k", ""]]),
    ("string_long_plain", "-", [["set", "k", LONG_PLAIN]]),
    ("string_lzf", "-", [["set", "k", "abc" * 40]]),
    ("string_lzf_mixed", "-", [["set", "k", "xy" * 20 + "hello-world-" * 5 + "z" * 30]]),
    ("hash_listpack", "-", [["hset", "k", "f1", "v1", "f2", "123", "-7", "x" * 30, "big",
                             "9223372036854775807"]]),
    ("zset_listpack", "-", [["zadd", "k", "1", "a", "2.5", "b", "-3", "c", "inf", "d",
                             "-inf", "e", "1e300", "f", "0.1", "g", "4503599627370497", "h"]]),
    ("zset_skiplist", "zset-max-listpack-entries=2",
     [["zadd", "k", "1", "a", "2.5", "b", "-3", "c", "inf", "d", "0.1", "g", "7", "m" * 10]]),
    ("set_intset16", "-", [["sadd", "k", "1", "2", "3", "-5", "300"]]),
    ("set_intset32", "-", [["sadd", "k", "1", "70000", "-70000"]]),
    ("set_intset64", "-", [["sadd", "k", "5", "-9223372036854775808", "9223372036854775807"]]),
    ("list_one_node", "-", [["rpush", "k", "a", "b", "1", "2", "-300", "hello", "x" * 70]]),
    ("list_many_nodes", "list-max-listpack-size=3",
     [["rpush", "k"] + ["e%d" % i for i in range(10)], ["lpush", "k", "first"]]),
    ("list_compressed", "list-max-listpack-size=4,list-compress-depth=1",
     [["rpush", "k"] + ["element-number-%03d" % i for i in range(16)]]),
]


def main():
    r = redis.Redis(unix_socket_path=sys.argv[1])
    defaults = {}
    for name, limits, commands in CASES:
        r.delete("k")
        settings = [] if limits == "-" else [kv.split("=") for kv in limits.split(",")]
        for option, value in settings:
            defaults.setdefault(option, r.config_get(option)[option])
            r.config_set(option, value)
        for c in commands:
            r.execute_command(*c)
        payload = r.dump("k")
        for option, _ in settings:
            r.config_set(option, defaults[option])
        text = " ; ".join(" ".join(c) for c in commands)
        print("%s\t%s\t%s\t%s" % (name, limits, text, payload.hex()))
    r.delete("k")


if __name__ == "__main__":
    main()
