"""Differential generators for the list commands (family "lists").

Elements mix a small pool of words (so LREM, LINSERT and LPOS find what they look for),
integers (the listpack stores canonical ones as numbers), binary and long strings; some pushes
add hundreds of elements or values of tens of KiB, so lists span many quicklist nodes and
large elements get nodes of their own. Indexes and counts mix small numbers, negative ones and
the int64 edges.

Blocking commands never block here (the stream is pipelined): each one either runs inside
MULTI, where it replies as timed out, or right after a push to one of its keys, so there is an
element to serve (or a WRONGTYPE error when that key holds a string). The blocking behaviour
itself is compared in tests/integration/test_blocking_lists.py.

Nothing is normalised: every reply is compared byte-exactly.
"""

LIST_KEYS = [b"l0", b"l1", b"l2", b"l3", b"{t}l4"]
STR_KEY = b"lstr"
WORDS = [b"a", b"b", b"c", b"", b"hello", b"-1", b"0", b"12345678901234567890", b"9223372036854775807",
         b"caf\xc3\xa9", b"\x00", b"x" * 70]
INDEXES = [b"0", b"1", b"-1", b"2", b"-2", b"5", b"-5", b"100", b"-100", b"9223372036854775807",
           b"-9223372036854775808", b"9223372036854775808", b"abc", b"1.5", b"", b" 1"]
COUNTS = [b"0", b"1", b"2", b"3", b"10", b"-1", b"-2", b"-10", b"9223372036854775807",
          b"-9223372036854775808", b"abc", b"1.0", b""]


def register(h):
    C = h.C
    h.add_family("lists", {
        ("LPUSH",): -3, ("RPUSH",): -3, ("LPUSHX",): -3, ("RPUSHX",): -3, ("LPOP",): -2,
        ("RPOP",): -2, ("LLEN",): 2, ("LINDEX",): 3, ("LSET",): 4, ("LRANGE",): 4, ("LTRIM",): 4,
        ("LREM",): 4, ("LINSERT",): 5, ("LPOS",): -3, ("LMOVE",): 5, ("RPOPLPUSH",): 3,
        ("LMPOP",): -4, ("BLPOP",): -3, ("BRPOP",): -3, ("BLMOVE",): 6, ("BRPOPLPUSH",): 4,
        ("BLMPOP",): -5,
    })

    def key(g):
        r = g.rng.random()
        if r < 0.88:
            return g.choice(LIST_KEYS)
        if r < 0.95:
            return STR_KEY
        return g.choice([b"nokey", b"", b"l\x00"])

    def element(g):
        r = g.rng.random()
        if r < 0.55:
            return g.choice(WORDS)
        if r < 0.7:
            return b"%d" % g.randint(-200, 200)
        if r < 0.8:
            return g.int_str()
        if r < 0.9:
            return g.binary(g.randint(1, 30))
        if r < 0.99:
            return g.letters(g.randint(40, 600), b"ab")
        return g.letters(g.randint(5000, 40000), b"abc")

    def index(g):
        return b"%d" % g.randint(-12, 12) if g.chance(0.75) else g.choice(INDEXES)

    def count(g):
        return b"%d" % g.randint(0, 6) if g.chance(0.7) else g.choice(COUNTS)

    def end(g):
        return g.choice([b"LEFT", b"RIGHT", b"left", b"Right"]) if g.chance(0.97) else \
            g.choice([b"UP", b"", b"LEFTX"])

    # --- pushes -----------------------------------------------------------------------------

    @h.op("lists", 5)
    def lpush(g):
        cmd = g.choice(["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"])
        return C(cmd, key(g), *[element(g) for _ in range(g.randint(1, 5))])

    @h.op("lists", 0.6)
    def push_many(g):
        # Long lists: many nodes (and LZF-compressible runs of similar elements).
        n = g.randint(50, 600)
        base = g.choice(WORDS)
        elems = [base + b"%d" % (i % 37) if g.chance(0.9) else element(g) for i in range(n)]
        return C(g.choice(["RPUSH", "LPUSH"]), key(g), *elems)

    # --- pops -------------------------------------------------------------------------------

    @h.op("lists", 3)
    def pop(g):
        cmd = g.choice(["LPOP", "RPOP"])
        r = g.rng.random()
        if r < 0.5:
            return C(cmd, key(g))
        if r < 0.95:
            return C(cmd, key(g), count(g) if g.chance(0.3) else b"%d" % g.randint(0, 40))
        return C(cmd, key(g), b"1", b"2")

    @h.op("lists", 1)
    def lmpop(g):
        keys = [key(g) for _ in range(g.randint(1, 3))]
        r = g.rng.random()
        numkeys = b"%d" % len(keys)
        if r < 0.08:
            numkeys = g.choice([b"0", b"-1", b"abc", b"%d" % (len(keys) + 1), b"9223372036854775807",
                                b"%d" % (len(keys) + 5)])
        args = ["LMPOP", numkeys] + keys + [end(g)]
        if g.chance(0.5):
            args += [b"COUNT", count(g) if g.chance(0.3) else b"%d" % g.randint(1, 10)]
        if g.chance(0.05):
            args += g.choice([[b"COUNT", b"1"], [b"FOO"], [b"COUNT"]])
        return C(*args)

    # --- reads ------------------------------------------------------------------------------

    @h.op("lists", 1.5)
    def llen(g):
        return C("LLEN", key(g))

    @h.op("lists", 2)
    def lindex(g):
        return C("LINDEX", key(g), index(g))

    @h.op("lists", 2.5)
    def lrange(g):
        return C("LRANGE", key(g), index(g), index(g) if g.chance(0.8) else b"-1")

    @h.op("lists", 2)
    def lpos(g):
        args = ["LPOS", key(g), element(g) if g.chance(0.3) else g.choice(WORDS)]
        for _ in range(g.randint(0, 3)):
            opt = g.choice(["RANK", "COUNT", "MAXLEN", "rank", "count"])
            if g.chance(0.03):
                args.append(g.choice(["FOO", "RANK"]))
                continue
            if opt.upper() == "RANK":
                v = g.choice([b"1", b"2", b"-1", b"-2", b"3", b"-3", b"0"]) if g.chance(0.85) else \
                    g.choice([b"9223372036854775807", b"-9223372036854775808", b"-9223372036854775807",
                              b"abc", b"1.5"])
            else:
                v = b"%d" % g.randint(0, 8) if g.chance(0.85) else g.choice(COUNTS)
            args += [opt, v]
        return C(*args)

    # --- edits ------------------------------------------------------------------------------

    @h.op("lists", 1.5)
    def lset(g):
        return C("LSET", key(g), index(g), element(g))

    @h.op("lists", 0.7)
    def ltrim(g):
        if g.chance(0.7):  # keep most of the list, so lists live long enough to grow
            return C("LTRIM", key(g), b"%d" % g.randint(0, 3), b"%d" % g.randint(-4, -1))
        return C("LTRIM", key(g), index(g), index(g))

    @h.op("lists", 1.5)
    def lrem(g):
        n = b"%d" % g.randint(-3, 3) if g.chance(0.85) else g.choice(COUNTS)
        return C("LREM", key(g), n, g.choice(WORDS) if g.chance(0.8) else element(g))

    @h.op("lists", 1.5)
    def linsert(g):
        where = g.choice([b"BEFORE", b"AFTER", b"before", b"After"]) if g.chance(0.95) else \
            g.choice([b"MIDDLE", b""])
        pivot = g.choice(WORDS) if g.chance(0.8) else element(g)
        return C("LINSERT", key(g), where, pivot, element(g))

    @h.op("lists", 1.5)
    def lmove(g):
        if g.chance(0.3):
            return C("RPOPLPUSH", key(g), key(g))
        return C("LMOVE", key(g), key(g), end(g), end(g))

    # --- blocking forms that cannot block ----------------------------------------------------

    def blocking_cmd(g, k):
        """A blocking command with `k` among its keys (first for the moves), timeout 0."""
        t = g.choice([b"0", b"0", b"0.5", b"1"])
        r = g.rng.random()
        if r < 0.3:
            keys = [k] + [key(g) for _ in range(g.randint(0, 2))]
            g.rng.shuffle(keys)
            return C(g.choice(["BLPOP", "BRPOP"]), *keys, t)
        if r < 0.5:
            return C("BLMOVE", k, key(g), end(g), end(g), t)
        if r < 0.65:
            return C("BRPOPLPUSH", k, key(g), t)
        keys = [k] + [key(g) for _ in range(g.randint(0, 2))]
        g.rng.shuffle(keys)
        args = ["BLMPOP", t, b"%d" % len(keys)] + keys + [end(g)]
        if g.chance(0.5):
            args += [b"COUNT", b"%d" % g.randint(1, 5)]
        return C(*args)

    @h.op("lists", 1.5)
    def blocking_served(g):
        k = key(g)
        return [C("RPUSH", k, *[element(g) for _ in range(g.randint(1, 3))]), blocking_cmd(g, k)]

    @h.op("lists", 0.8, multi=False)
    def blocking_in_multi(g):
        k = key(g)
        body = [blocking_cmd(g, k) for _ in range(g.randint(1, 3))]
        if g.chance(0.4):
            body.insert(g.randint(0, len(body)), C("RPUSH", k, element(g)))
        return [C("MULTI")] + body + [C("EXEC", cmp=h.cmp_exec([c.cmp for c in body]))]

    @h.op("lists", 0.3)
    def blocking_bad_args(g):
        k = key(g)
        return g.choice([
            C("BLPOP", k, g.choice([b"-1", b"abc", b"1e400", b"inf", b"nan", b"-0.5"])),
            C("BRPOP", k, b"0.1x"),
            C("BLMOVE", k, key(g), b"UP", b"LEFT", b"0"),
            C("BLMOVE", k, key(g), b"LEFT", b"LEFT", b"-1"),
            C("BRPOPLPUSH", k, key(g), b"abc"),
            C("BLMPOP", b"-1", b"0", k, b"LEFT"),
            C("BLMPOP", b"abc", b"1", k, b"LEFT"),
            C("BLMPOP", b"0", b"1", k, b"MIDDLE"),
            C("BLMPOP", b"0", b"1", k, b"LEFT", b"COUNT", b"0"),
            C("BLMPOP", b"0", b"5", k, b"LEFT"),
        ])

    # --- other types and encodings -----------------------------------------------------------

    @h.op("lists", 0.4)
    def string_key(g):
        return C("SET", STR_KEY, element(g) if g.chance(0.5) else b"v")

    @h.op("lists", 0.5)
    def type_and_encoding(g):
        k = key(g)
        return [C("TYPE", k), C("OBJECT", "ENCODING", k), C("EXISTS", k)]

    @h.op("lists", 0.3)
    def delete(g):
        return C("DEL", key(g))

    @h.op("lists", 0.15, multi=False)
    def resp_switch(g):
        return C("HELLO", g.choice(["2", "3"]), cmp=h.cmp_hello)
