"""Differential generators for the hash commands (family "hashes").

HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY
HINCRBYFLOAT HRANDFIELD HSCAN, with valid and invalid usage, WRONGTYPE against strings,
empty-key deletion, and both encodings (long values and bulk adds past 512 fields convert a
listpack to a hashtable).

Nondeterministic replies and how they are compared:
  * HKEYS / HVALS / HGETALL: a hashtable's order depends on the per-process hash seed, so
    fields, values and pairs are compared as multisets;
  * HRANDFIELD: shape and length must match; when the reply is the whole hash (a positive
    count at least the hash's size, seen as fewer elements than asked for) the contents must
    match as a multiset; picks of a fresh key are checked for membership with HEXISTS;
  * HSCAN: iterated to cursor 0 on each server separately; the de-duplicated pairs must match.
"""

FIELDS = [b"f%d" % i for i in range(12)] + [b"", b"1", b"-5", b"f\x00", b"caf\xc3\xa9", b"x" * 70]
BULK_FIELDS = [b"m%d" % i for i in range(700)]


def register(h):
    C, Reply = h.C, h.Reply
    h.add_family("hashes", {
        ("HSET",): -4, ("HSETNX",): 4, ("HMSET",): -4, ("HGET",): 3, ("HMGET",): -3,
        ("HDEL",): -3, ("HLEN",): 2, ("HSTRLEN",): 3, ("HEXISTS",): 3, ("HKEYS",): 2,
        ("HVALS",): 2, ("HGETALL",): 2, ("HINCRBY",): 4, ("HINCRBYFLOAT",): 4,
        ("HRANDFIELD",): -2, ("HSCAN",): -3,
    })

    def field(g):
        if g.chance(0.9):
            return g.choice(FIELDS)
        return g.choice([g.letters(g.randint(1, 5)), g.choice(BULK_FIELDS), g.binary(g.randint(1, 8))])

    def hvalue(g):
        # mostly small values (the listpack stays); sometimes past 64 bytes (conversion)
        r = g.rng.random()
        if r < 0.6:
            return g.letters(g.randint(0, 10)) if g.chance(0.5) else g.int_str()
        if r < 0.7:
            return g.float_str()
        return g.value()

    def multiset(items):
        return sorted(items)

    def _flat(r):
        return list(r.value) if r.value is not None else None

    def cmp_unordered(a, b):
        if a.kind == b.kind and a.kind in ("*", "~") and a.value is not None and b.value is not None:
            return multiset(a.value) == multiset(b.value)
        if a.kind == b.kind == "%":
            return multiset(a.value) == multiset(b.value)
        return a == b

    def cmp_pairs_unordered(a, b):
        """HGETALL: RESP2 flat field/value list, RESP3 map."""
        if a.kind == b.kind == "*" and a.value is not None and b.value is not None:
            va, vb = list(a.value), list(b.value)
            if len(va) % 2 or len(vb) % 2:
                return a == b
            return multiset(zip(va[::2], va[1::2])) == multiset(zip(vb[::2], vb[1::2]))
        return cmp_unordered(a, b)

    def cmp_randfield(count, with_values):
        def cmp(a, b):
            if a.kind != b.kind or a.kind in ("-", ":", "+"):
                return a == b
            if a.kind in ("$", "_"):
                return (a.value is None) == (b.value is None)
            if a.kind != "*" or a.value is None or b.value is None:
                return a == b
            va, vb = list(a.value), list(b.value)
            if len(va) != len(vb):
                return False
            if va and (va[0].kind == "*") != (vb[0].kind == "*"):
                return False
            per = 1 if (va and va[0].kind == "*") or not with_values else 2
            n = len(va) // per
            if count > 0:
                # distinct fields; fewer than asked means the whole hash: then contents match
                def fields(v):
                    if per == 2:
                        return v[::2]
                    return [x.value[0] if x.kind == "*" else x for x in v]
                fa, fb = fields(va), fields(vb)
                if len(set(fa)) != len(fa) or len(set(fb)) != len(fb):
                    return False
                if n < count:
                    if per == 2:
                        return multiset(zip(va[::2], va[1::2])) == multiset(zip(vb[::2], vb[1::2]))
                    return multiset(va) == multiset(vb)
            return True
        return cmp

    @h.op("hashes", 8)
    def hset(g):
        cmd = g.choice(["HSET", "HSET", "HSET", "HMSET"])
        args = [cmd, g.key()]
        for _ in range(g.randint(1, 4)):
            args += [field(g), hvalue(g)]
        if g.chance(0.05):
            args.pop()
        return C(*args)

    @h.op("hashes", 0.6)
    def hset_bulk(g):
        """Many fields at once: past hash-max-listpack-entries (512) the hash converts."""
        k = g.key()
        n = g.choice([5, 50, 200, 400, 513, 600])
        fields = g.rng.sample(BULK_FIELDS, n)
        args = ["HSET", k]
        for f in fields:
            args += [f, g.letters(g.randint(0, 8)) if g.chance(0.8) else b"%d" % g.randint(-300, 300)]
        return [C(*args), C("HLEN", k), C("OBJECT", "ENCODING", k)]

    @h.op("hashes", 2)
    def hsetnx(g):
        return C("HSETNX", g.key(), field(g), hvalue(g))

    @h.op("hashes", 6)
    def hget(g):
        return C("HGET", g.key(), field(g))

    @h.op("hashes", 3)
    def hmget(g):
        return C("HMGET", g.key(), *[field(g) for _ in range(g.randint(1, 5))])

    @h.op("hashes", 4)
    def hdel(g):
        k = g.key()
        return [C("HDEL", k, *[field(g) for _ in range(g.randint(1, 5))]), C("EXISTS", k)]

    @h.op("hashes", 3)
    def hlen_exists(g):
        return C(g.choice(["HLEN", "HSTRLEN", "HEXISTS", "HEXISTS"]), g.key(),
                 *([] if g.chance(0.3) else [field(g)]))

    @h.op("hashes", 2)
    def hstrlen(g):
        return C("HSTRLEN", g.key(), field(g))

    @h.op("hashes", 2.5)
    def hgetall(g):
        cmd = g.choice(["HKEYS", "HVALS", "HGETALL"])
        return C(cmd, g.key(), cmp=cmp_pairs_unordered if cmd == "HGETALL" else cmp_unordered)

    @h.op("hashes", 4)
    def hincrby(g):
        k, f = g.key(), field(g)
        r = g.rng.random()
        if r < 0.7:
            incr = b"%d" % g.randint(-100, 100)
        else:
            incr = g.int_str()
        return C("HINCRBY", k, f, incr)

    @h.op("hashes", 3)
    def hincrbyfloat(g):
        return C("HINCRBYFLOAT", g.key(), field(g), g.float_str())

    @h.op("hashes", 1)
    def hincr_edges(g):
        k, f = g.key(), field(g)
        v = g.choice([b"9223372036854775807", b"-9223372036854775808", b"1.5", b"abc", b" 1",
                      b"1e308", b"-1e308", b"10.50", b"0x10", b"inf", b"5.0e3", b"", b"007"])
        second = g.choice([C("HINCRBY", k, f, g.choice([b"1", b"-1", b"0", b"9223372036854775807"])),
                           C("HINCRBYFLOAT", k, f, g.choice([b"1", b"-1.5", b"1e308", b"-1e308", b"0"]))])
        return [C("HSET", k, f, v), second, C("HGET", k, f)]

    @h.op("hashes", 3)
    def hrandfield(g):
        k = g.key()
        r = g.rng.random()
        if r < 0.2:
            return C("HRANDFIELD", k, cmp=cmp_randfield(1, False))
        count = g.choice([0, 1, 2, 3, 5, 10, 100, 1000, -1, -2, -5, -20, -100])
        args = ["HRANDFIELD", k, b"%d" % count]
        with_values = g.chance(0.5)
        if with_values:
            args.append(g.choice(["WITHVALUES", "withvalues"]))
        return C(*args, cmp=cmp_randfield(count, with_values))

    @h.op("hashes", 0.8)
    def hrandfield_bad(g):
        k = g.key()
        return g.choice([
            C("HRANDFIELD", k, g.choice(["abc", "1.5", "", "9223372036854775808"])),
            C("HRANDFIELD", k, "-9223372036854775808"),
            C("HRANDFIELD", k, g.choice(["9223372036854775807", "-4611686018427387904",
                                         "4611686018427387904"]), "WITHVALUES"),
            C("HRANDFIELD", k, "1", g.choice(["WITHVALUE", "x", ""])),
            C("HRANDFIELD", k, "1", "WITHVALUES", "x"),
            C("HRANDFIELD", k, "abc", "x"),
        ])

    @h.op("hashes", 1, mode="sync")
    def hrandfield_members(g, ex):
        """Each server's own random picks must be fields of its hash."""
        k = g.key()
        count = g.choice([1, 3, -3, -10])
        ra, rb = ex.both(C("HRANDFIELD", k, b"%d" % count, cmp=cmp_randfield(count, False)))
        if ra.kind == "*" and rb.kind == "*" and ra.value and rb.value:
            fa, fb = [x.value for x in ra.value], [x.value for x in rb.value]
            for i in range(min(3, len(fa), len(fb))):
                ex.pair(C("HEXISTS", k, fa[i]), C("HEXISTS", k, fb[i]),
                        label="HEXISTS <field %d returned by HRANDFIELD>" % i, expect=Reply(":", 1))

    @h.op("hashes", 0.8)
    def hscan_bad(g):
        k = g.key()
        return g.choice([
            C("HSCAN", k, g.choice(["abc", "1a", " 1", "18446744073709551616", "-", "1.5"])),
            C("HSCAN", k, "0", "COUNT", g.choice(["0", "-1", "abc", ""])),
            C("HSCAN", k, "0", "MATCH"),
            C("HSCAN", k, "0", "COUNT"),
            C("HSCAN", k, "0", "TYPE", "hash"),
            C("HSCAN", k, "0", g.choice(["FOO", "NOVALUES"]), "1"),
        ])

    @h.op("hashes", 1.5, mode="sync")
    def hscan(g, ex):
        k = g.key()
        opts = []
        if g.chance(0.5):
            opts += [b"MATCH", g.choice([b"*", b"f*", b"f1?", b"m1*", b"*[0-3]", b"", b"?", b"x*", b"m5??"])]
        if g.chance(0.5):
            opts += [b"COUNT", g.choice([b"1", b"2", b"10", b"100", b"1000"])]
        ex.flush()
        c = h.Cmd([b"HSCAN", k, b"0"] + opts, label="HSCAN %r <cursor>... %r (full iteration)" % (k, opts))
        ex._number(c)
        results = []
        for side in (ex.a, ex.b):
            conn = side.conns[0]
            cursor = b"0"
            seen = {}
            final = None
            for calls in range(1, 100001):
                r = conn.execute(b"HSCAN", k, cursor, *opts)
                if not (r.kind == "*" and r.value and len(r.value) == 2 and r.value[1].kind == "*"):
                    final = r if calls == 1 else Reply("-", b"(harness) malformed HSCAN reply")
                    break
                items = [x.value for x in r.value[1].value]
                for i in range(0, len(items) - 1, 2):
                    seen[items[i]] = items[i + 1]
                cursor = r.value[0].value
                if cursor == b"0":
                    final = Reply("*", tuple(sorted(seen.items())))
                    break
            results.append(final)
        ex.check(c, results[0], results[1])

    @h.op("hashes", 1.2)
    def hash_wrongtype(g):
        k = g.key()
        first = g.choice([C("SET", k, g.value()), C("HSET", k, field(g), hvalue(g))])
        second = g.choice([
            C("HSET", k, field(g), "v"), C("HGET", k, field(g)), C("HGETALL", k, cmp=cmp_pairs_unordered),
            C("HINCRBY", k, field(g), "1"), C("HINCRBYFLOAT", k, field(g), "1"), C("HDEL", k, field(g)),
            C("HLEN", k), C("HSETNX", k, field(g), "v"), C("HMGET", k, field(g)), C("HSCAN", k, "0", "COUNT", "0"),
            C("HRANDFIELD", k, "1", cmp=cmp_randfield(1, False)), C("GET", k), C("TYPE", k),
            C("HRANDFIELD", k, "x"), C("HINCRBYFLOAT", k, field(g), "inf"), C("HINCRBY", k, field(g), "x"),
        ])
        # a string left behind would turn most later hash commands into WRONGTYPE
        return [first, second] + ([C("DEL", k)] if first.args[0] == b"SET" else [])

    @h.op("hashes", 0.8)
    def hash_encoding(g):
        k = g.key()
        return [C("OBJECT", "ENCODING", k), C("TYPE", k)]

    @h.op("hashes", 0.5)
    def hash_del_key(g):
        return C("DEL", g.key())

    @h.op("hashes", 0.4)
    def hash_copy(g):
        src, dst = g.key(), g.key()
        return [C("COPY", src, dst, "REPLACE"), C("HGETALL", dst, cmp=cmp_pairs_unordered),
                C("OBJECT", "ENCODING", dst)]
