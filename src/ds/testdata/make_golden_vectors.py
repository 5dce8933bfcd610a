#!/usr/bin/python3
"""Prints the golden listpack and intset blobs used by listpack_test.cc and intset_test.cc.

Run against a real redis-server 7.0 (no persistence needed), e.g.
    redis-server --port 0 --unixsocket /tmp/golden.sock --save ''
    src/ds/testdata/make_golden_vectors.py /tmp/golden.sock
For each key it builds the value with ordinary commands, takes DUMP, and cuts the blob out of the
RDB payload: type byte, RDB string length, the blob verbatim (rdbcompression is turned off so the
blob is not LZF-compressed), then the 2-byte RDB version and 8-byte CRC64. Runs of 16 or more
identical bytes are printed as {hh*n} so long strings stay readable; the tests expand them.
"""
import sys

import redis


def rdb_length(b, i):
    t = b[i] >> 6
    if t == 0:
        return b[i] & 0x3F, i + 1
    if t == 1:
        return ((b[i] & 0x3F) << 8) | b[i + 1], i + 2
    if b[i] == 0x80:
        return int.from_bytes(b[i + 1:i + 5], "big"), i + 5
    if b[i] == 0x81:
        return int.from_bytes(b[i + 1:i + 9], "big"), i + 9
    raise ValueError("encoded string (compressed?) at %d" % i)


def blobs(payload):
    """The listpack or intset blobs of a DUMP payload (a quicklist has one per node)."""
    kind = payload[0]
    if kind in (11, 16, 17):  # set intset, hash listpack, zset listpack
        n, i = rdb_length(payload, 1)
        return [payload[i:i + n]]
    if kind == 18:  # quicklist 2: node count, then (container, blob) per node
        nodes, i = rdb_length(payload, 1)
        out = []
        for _ in range(nodes):
            _, i = rdb_length(payload, i)
            n, i = rdb_length(payload, i)
            out.append(payload[i:i + n])
            i += n
        return out
    raise ValueError("unexpected RDB type %d" % kind)


def compact_hex(b):
    out, i = [], 0
    while i < len(b):
        j = i
        while j < len(b) and b[j] == b[i]:
            j += 1
        if j - i >= 16:
            out.append("{%02x*%d}" % (b[i], j - i))
        else:
            out.append(b[i:j].hex())
        i = j
    return "".join(out)


INTS = ["0", "1", "127", "128", "-1", "-4096", "4095", "-4097", "4096", "-32768", "32767",
        "-32769", "32768", "-8388608", "8388607", "-8388609", "8388608", "-2147483648",
        "2147483647", "-2147483649", "2147483648", "-9223372036854775808",
        "9223372036854775807"]
NOT_INTS = ["", "-0", "007", "+1", " 1", "1 ", "9223372036854775808", "-9223372036854775809",
            "1.5", "abc", "12345678901234567890"]


def main():
    r = redis.Redis(unix_socket_path=sys.argv[1])
    r.config_set("rdbcompression", "no")
    r.config_set("hash-max-listpack-entries", "1000")
    r.config_set("hash-max-listpack-value", "100000")
    r.flushall()
    # Every integer encoding and strings that only look like integers, as fields and values.
    mapping = {}
    for k, v in zip(INTS + NOT_INTS, list(reversed(INTS + NOT_INTS))):
        mapping[k] = v
    r.hset("h:ints", mapping=mapping)
    # String length boundaries: 6-bit, 12-bit and 32-bit lengths, and 2- and 3-byte backlens.
    r.hset("h:strs", mapping={"a" * 63: "b" * 64, "c" * 127: "d" * 4095, "e": "f" * 4096,
                              "g": "h" * 16382, "i": "j" * 16383})
    r.zadd("z", {"one": 1, "half": 0.5, "neg": -2.25, "big": 1e100, "inf": float("inf"),
                 "m": 4096})
    r.rpush("l", *["x", "123", "-5", "y" * 70, "999999999999"])
    r.sadd("s:16", 3, 1, 2, -32768, 32767)
    r.sadd("s:32", 70000, -5, 1)
    r.sadd("s:64", 2**40, -2**63, 2**63 - 1, 0)
    for key in ["h:ints", "h:strs", "z", "l", "s:16", "s:32", "s:64"]:
        print("HSET" if key.startswith("h") else "", key, r.object("encoding", key).decode())
        for b in blobs(r.dump(key)):
            print('    "%s"' % compact_hex(b))


if __name__ == "__main__":
    main()
