"""Differential generators for the sorted-set commands (family "zsets").

Keys are the shared main keys, so sorted sets collide with strings (WRONGTYPE), get emptied
and deleted, and cross the listpack/skiplist boundary (sets of up to ~300 members, members up
to 80 bytes). Scores mix integers, halves, decimals that print with 17 digits, huge values and
infinities, so score formatting and inf-inf NaN handling are compared byte for byte.
ZRANDMEMBER is compared exactly when the reply cannot be random (a count of 100000 asks for the
whole set: unions of the big sets below pass 1000 members), else by shape.
Some keys are filled with SADD instead, so ZUNION/ZINTER/ZDIFF/ZINTERCARD and their STORE forms
read plain sets (intset, listpack and hashtable encoded) as inputs and overwrite them as
destinations. On the shared keys a set is all integers (an intset) or gets over 128 words at
once (a hashtable), encodings redis-server 7.0 reports alike; small sets of words (listpack in
memkeydb, hashtable in 7.0) live on keys of their own, SET_KEYS, whose OBJECT ENCODING alone
accepts that difference, so a mixed run still compares every other encoding exactly.
"""

ZSET_ARITY = {
    ("ZADD",): -4, ("ZINCRBY",): 4, ("ZREM",): -3, ("ZCARD",): 2, ("ZSCORE",): 3,
    ("ZMSCORE",): -3, ("ZRANK",): 3, ("ZREVRANK",): 3, ("ZCOUNT",): 4, ("ZLEXCOUNT",): 4,
    ("ZRANGE",): -4, ("ZRANGESTORE",): -5, ("ZREVRANGE",): -4, ("ZRANGEBYSCORE",): -4,
    ("ZREVRANGEBYSCORE",): -4, ("ZRANGEBYLEX",): -4, ("ZREVRANGEBYLEX",): -4,
    ("ZREMRANGEBYRANK",): 4, ("ZREMRANGEBYSCORE",): 4, ("ZREMRANGEBYLEX",): 4,
    ("ZPOPMIN",): -2, ("ZPOPMAX",): -2, ("ZMPOP",): -4, ("BZPOPMIN",): -3, ("BZPOPMAX",): -3,
    ("BZMPOP",): -5, ("ZRANDMEMBER",): -2, ("ZSCAN",): -3, ("ZUNION",): -3, ("ZINTER",): -3,
    ("ZDIFF",): -3, ("ZUNIONSTORE",): -4, ("ZINTERSTORE",): -4, ("ZDIFFSTORE",): -4,
    ("ZINTERCARD",): -3,
}

SCORES = [b"0", b"1", b"-1", b"2", b"1.5", b"-2.5", b"0.1", b"0.3", b"1e20", b"-1e20", b"inf",
          b"-inf", b"+inf", b"-0", b"3.0e3", b"4503599627370496", b"4503599627370495",
          b"-4503599627370495", b"1e-5", b"123456789.123", b"17"]
BAD_SCORES = [b"nan", b"abc", b"", b"1e", b" 1", b"1x", b"(1"]


def register(h):
    h.add_family("zsets", ZSET_ARITY)
    op, C = h.op, h.C

    def cmp_len(a, b):
        if a.kind == b.kind and a.kind in ("*",) and a.value is not None and b.value is not None:
            return len(a.value) == len(b.value)
        return a == b

    # SET_KEYS may hold small sets of words: memkeydb keeps Redis 7.2's listpack sets where
    # redis-server 7.0 says hashtable.
    SET_KEYS = [b"zs0", b"zs1", b"{t}zs2"]

    def cmp_encoding(a, b):
        if a == b:
            return True
        return (a.kind == "$" and b.kind == "$" and a.value == b"hashtable"
                and b.value == b"listpack")

    def member(g):
        r = g.rng.random()
        if r < 0.75:
            return b"m%d" % g.randint(0, 40)
        if r < 0.85:
            return g.choice([b"", b"a", b"b", b"c", b"-", b"+", b"[a", b"(b", b"\x00", b"\xff"])
        if r < 0.95:
            return b"%d" % g.randint(-5, 200)
        return b"L" + g.letters(g.randint(60, 80))

    def score(g):
        r = g.rng.random()
        if r < 0.5:
            return b"%d" % g.randint(-10, 10)
        if r < 0.6:
            return b"%d.5" % g.randint(-5, 5)
        if r < 0.96:
            return g.choice(SCORES)
        return g.choice(BAD_SCORES)

    def bound(g):
        r = g.rng.random()
        if r < 0.6:
            s = b"%d" % g.randint(-10, 10)
        elif r < 0.9:
            s = g.choice([b"-inf", b"+inf", b"inf", b"1.5", b"0.1", b"1e20"])
        else:
            return g.choice([b"(", b"abc", b"nan", b"(nan", b"", b"[1"])
        return (b"(" + s) if g.chance(0.3) else s

    def lexbound(g):
        r = g.rng.random()
        if r < 0.3:
            return g.choice([b"-", b"+"])
        if r < 0.9:
            return g.choice([b"[", b"("]) + member(g)
        return g.choice([b"a", b"", b"+x", b"-x"])

    def index(g):
        if g.chance(0.9):
            return b"%d" % g.randint(-15, 15)
        return g.choice([b"9223372036854775807", b"-9223372036854775808", b"abc", b"1.5"])

    def zkey(g):
        return g.key()

    # Lex ranges are only defined on sets whose members share one score (Redis's result on
    # mixed scores depends on its skiplist's random levels), so lex commands get keys of their
    # own, filled with score 0 only.
    LEX_KEYS = [b"lex0", b"lex1", b"lex2"]

    @op("zsets", 3)
    def zadd_lex(g):
        args = ["ZADD", g.choice(LEX_KEYS)]
        if g.chance(0.1):
            for _ in range(g.randint(60, 140)):
                args += [b"0", b"w%d" % g.randint(0, 400)]
        else:
            for _ in range(g.randint(1, 6)):
                args += [b"0", member(g)]
        return C(*args)

    @op("zsets", 12)
    def zadd(g):
        args = ["ZADD", zkey(g)]
        if g.chance(0.3):
            for f in ["NX", "XX", "GT", "LT", "CH", "INCR"]:
                if g.chance(0.2):
                    args.append(f)
        n = 1 if g.chance(0.5) else g.randint(1, 12)
        for _ in range(n):
            args += [score(g), member(g)]
        if g.chance(0.03):
            args.append(score(g))
        return C(*args)

    @op("zsets", 1)
    def zadd_many(g):
        # Grows a set past zset-max-listpack-entries (128).
        args = ["ZADD", zkey(g)]
        base = g.randint(0, 1000)
        for i in range(g.randint(60, 200)):
            args += [b"%d" % g.randint(-50, 50), b"n%d" % (base + i)]
        return C(*args)

    @op("zsets", 2)
    def sadd_input(g):
        # Plain sets as inputs of the set operations (every member scores 1): small integers
        # (an intset), words that are also zset members (a listpack, on SET_KEYS only), and
        # enough of either to make a hashtable (over 128 distinct words, over 512 integers).
        own = g.chance(0.4)
        k = g.choice(SET_KEYS) if own else zkey(g)
        r = g.rng.random()
        if own and r < 0.05:
            return C("DEL", k)
        if r < 0.5:
            members = [b"%d" % g.randint(-5, 200) for _ in range(g.randint(1, 6))]
        elif r < 0.9 and own:
            members = [member(g) for _ in range(g.randint(1, 6))]
        elif r < 0.95:
            members = [b"m%d" % i for i in g.rng.sample(range(300), g.randint(129, 200))]
        else:
            members = [b"%d" % g.randint(0, 1000) for _ in range(g.randint(400, 700))]
        return C("SADD", k, *members)

    @op("zsets", 3)
    def zincrby(g):
        return C("ZINCRBY", zkey(g), score(g), member(g))

    @op("zsets", 3)
    def zrem(g):
        return C("ZREM", zkey(g), *[member(g) for _ in range(g.randint(1, 4))])

    @op("zsets", 4)
    def zread(g):
        k = zkey(g)
        c = g.choice(["ZCARD", "ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK", "OBJECT"])
        if c == "ZCARD":
            return C(c, k)
        if c == "ZMSCORE":
            return C(c, k, *[member(g) for _ in range(g.randint(1, 4))])
        if c == "OBJECT":
            if g.chance(0.2):
                return C("OBJECT", "ENCODING", g.choice(SET_KEYS), cmp=cmp_encoding)
            return C("OBJECT", "ENCODING", k)
        return C(c, k, member(g))

    @op("zsets", 3)
    def zcount(g):
        if g.chance(0.5):
            return C("ZCOUNT", zkey(g), bound(g), bound(g))
        return C("ZLEXCOUNT", g.choice(LEX_KEYS), lexbound(g), lexbound(g))

    def limit(g):
        if g.chance(0.8):
            return [b"LIMIT", b"%d" % g.randint(-1, 5), b"%d" % g.randint(-2, 10)]
        return [b"LIMIT", g.choice([b"abc", b"0"]), g.choice([b"1", b"x"])]

    @op("zsets", 8)
    def zrange(g):
        c = g.choice(["ZRANGE", "ZRANGE", "ZRANGE", "ZREVRANGE", "ZRANGEBYSCORE",
                      "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZRANGESTORE"])
        args = [c]
        if c == "ZRANGESTORE":
            args.append(zkey(g))
        kind = g.choice(["rank", "score", "lex"])
        if c in ("ZRANGEBYLEX", "ZREVRANGEBYLEX"):
            kind = "lex"
        args.append(g.choice(LEX_KEYS) if kind == "lex" else zkey(g))
        if c in ("ZREVRANGE",):
            kind = "rank"
        elif c in ("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"):
            kind = "score"
        elif c in ("ZRANGEBYLEX", "ZREVRANGEBYLEX"):
            kind = "lex"
        if kind == "rank":
            args += [index(g), index(g)]
        elif kind == "score":
            args += [bound(g), bound(g)]
        else:
            args += [lexbound(g), lexbound(g)]
        opts = []
        if c in ("ZRANGE", "ZRANGESTORE"):
            if kind == "score" and g.chance(0.9):
                opts.append(b"BYSCORE")
            if kind == "lex" and g.chance(0.9):
                opts.append(b"BYLEX")
            if g.chance(0.3):
                opts.append(b"REV")
        if g.chance(0.4):
            opts.append(b"WITHSCORES")
        if g.chance(0.3):
            opts += limit(g)
        if g.chance(0.03):
            opts.append(g.choice([b"FOO", b"BYSCORE", b"REV", b"LIMIT"]))
        g.rng.shuffle(opts) if g.chance(0.2) else None
        return C(*(args + opts))

    @op("zsets", 2)
    def zremrange(g):
        c = g.choice(["ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX"])
        if c == "ZREMRANGEBYRANK":
            return C(c, zkey(g), index(g), index(g))
        if c == "ZREMRANGEBYSCORE":
            return C(c, zkey(g), bound(g), bound(g))
        return C(c, g.choice(LEX_KEYS), lexbound(g), lexbound(g))

    @op("zsets", 3)
    def zpop(g):
        c = g.choice(["ZPOPMIN", "ZPOPMAX"])
        args = [c, zkey(g)]
        if g.chance(0.6):
            args.append(g.choice([b"0", b"1", b"2", b"5", b"-1", b"abc", b"300"]))
        if g.chance(0.02):
            args.append(b"1")
        return C(*args)

    @op("zsets", 2)
    def zmpop(g):
        keys = g.keys(1, 3)
        args = ["ZMPOP", b"%d" % len(keys) if g.chance(0.9) else g.choice([b"0", b"-1", b"5", b"x"])]
        args += keys
        args.append(g.choice([b"MIN", b"MAX", b"min", b"FOO"]))
        if g.chance(0.5):
            args += [b"COUNT", g.choice([b"1", b"3", b"0", b"-1", b"x", b"1000"])]
        return C(*args)

    @op("zsets", 1, multi=False)
    def bzpop(g):
        # Only forms that find something or that never block (timeout errors) are generated
        # outside MULTI: a blocking wait would stall the batch.
        c = g.choice(["BZPOPMIN", "BZPOPMAX", "BZMPOP"])
        k = zkey(g)
        pre = C("ZADD", k, b"%d" % g.randint(0, 5), member(g))
        if c == "BZMPOP":
            cmd = C(c, g.choice([b"0.01", b"-1", b"abc"]) if g.chance(0.2) else b"1", b"1", k,
                    g.choice([b"MIN", b"MAX"]), b"COUNT", b"2")
        else:
            cmd = C(c, k, g.choice([b"-1", b"abc"]) if g.chance(0.2) else b"1")
        return [pre, cmd]

    @op("zsets", 1, multi=False)
    def bzpop_multi(g):
        # Inside MULTI a blocking pop on an empty key replies at once.
        c = g.choice(["BZPOPMIN", "BZPOPMAX"])
        return [C("MULTI"), C(c, b"nokey-z", b"0"), C("EXEC")]

    @op("zsets", 2)
    def zrandmember(g):
        k = zkey(g)
        r = g.rng.random()
        if r < 0.2:
            return C("ZRANDMEMBER", k, cmp=lambda a, b: (a.value is None) == (b.value is None) and a.kind == b.kind)
        if r < 0.5:
            args = ["ZRANDMEMBER", k, g.choice([b"100000", b"0", b"abc", b"-9223372036854775808"])]
            if g.chance(0.5):
                args.append(g.choice([b"WITHSCORES", b"withscores", b"FOO"]))
            return C(*args)
        args = ["ZRANDMEMBER", k, b"%d" % g.randint(-5, 5)]
        if g.chance(0.5):
            args.append(b"WITHSCORES")
        return C(*args, cmp=cmp_len)

    @op("zsets", 2)
    def zscan(g):
        # Sets small enough for one listpack pass are compared exactly; large ones by
        # sorted content of a full COUNT pass.
        args = ["ZSCAN", zkey(g), g.choice([b"0", b"0", b"abc", b"1x"])]
        if g.chance(0.4):
            args += [b"MATCH", g.choice([b"m1*", b"*", b"n*", b"[ab]"])]
        if g.chance(0.3):
            args += [b"COUNT", g.choice([b"1000", b"0", b"x"])]
        else:
            args += [b"COUNT", b"100000"]

        def cmp_scan(a, b):
            if a.kind == b.kind == "*" and a.value and b.value and len(a.value) == 2:
                if a.value[0].value != b"0" or b.value[0].value != b"0":
                    # COUNT 1000 on a larger hashtable set: a partial pass, whose cursor and
                    # slice depend on each server's table layout.
                    return a.value[1].kind == b.value[1].kind == "*"
                ea, eb = a.value[1].value, b.value[1].value
                pa = sorted(zip(ea[::2], ea[1::2]))
                pb = sorted(zip(eb[::2], eb[1::2]))
                return pa == pb and a.value[0] == b.value[0]
            return a == b
        return C(*args, cmp=cmp_scan)

    @op("zsets", 4)
    def zsetop(g):
        c = g.choice(["ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE",
                      "ZINTERCARD"])
        keys = [g.choice(SET_KEYS) if g.chance(0.25) else k for k in g.keys(1, 3)]
        args = [c]
        if c.endswith("STORE"):
            args.append(g.choice(SET_KEYS) if g.chance(0.1) else zkey(g))
        n = len(keys)
        args.append(b"%d" % n if g.chance(0.93) else g.choice([b"0", b"-1", b"9", b"x"]))
        args += keys
        if c not in ("ZDIFF", "ZDIFFSTORE", "ZINTERCARD"):
            if g.chance(0.4):
                args.append(b"WEIGHTS")
                args += [g.choice([b"1", b"2", b"0", b"-1", b"0.5", b"inf", b"-inf", b"x"])
                         for _ in range(n)]
            if g.chance(0.4):
                args += [b"AGGREGATE", g.choice([b"SUM", b"MIN", b"MAX", b"max", b"avg"])]
        if c == "ZINTERCARD" and g.chance(0.5):
            args += [b"LIMIT", g.choice([b"0", b"1", b"2", b"-1", b"x"])]
        if not c.endswith("STORE") and c != "ZINTERCARD" and g.chance(0.5):
            args.append(b"WITHSCORES")
        return C(*args)

    @op("zsets", 2)
    def other_types(g):
        r = g.rng.random()
        k = zkey(g)
        if r < 0.4:
            return C("SET", k, b"v")
        if r < 0.8:
            return C("DEL", k)
        return C("TYPE", k)

    @op("zsets", 0.5, multi=False)
    def resp(g):
        return C("HELLO", g.choice(["2", "3"]), cmp=h.cmp_hello)
