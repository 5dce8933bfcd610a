"""Differential generators for the stream family (XADD ... XSETID).

IDs are explicit and drawn from one counter that only grows (with "ms-*" and repeated or smaller
IDs mixed in for the error paths), so replies never depend on the clock. "*" is not used: its
ID is the server's time. Times that do show in replies are normalised:
  * XPENDING (extended) idle, XINFO CONSUMERS idle, XINFO STREAM FULL delivery and seen times;
  * XINFO STREAM radix-tree-nodes (the shape of Redis's radix tree, not of the stream).
Idle thresholds (XPENDING IDLE, XCLAIM/XAUTOCLAIM min-idle-time) are 0 or far apart from any
real idle time, so which entries pass does not depend on timing either.
"""

KEYS = [b"s0", b"s1", b"s2", b"s3"]
GROUPS = [b"g1", b"g2", b"g3"]
CONSUMERS = [b"alice", b"bob", b"carol", b"dave"]
FIELDS = [b"f", b"g", b"name", b"1", b"12345", b"-7", b"x" * 70]

BIG_IDLE = [b"0", b"1000000000000", b"10000000000000"]


def register(h):
    C = h.C

    h.add_family("streams", {
        ("XADD",): -5, ("XRANGE",): -4, ("XREVRANGE",): -4, ("XLEN",): 2, ("XDEL",): -3,
        ("XTRIM",): -4, ("XREAD",): -4, ("XREADGROUP",): -7, ("XGROUP",): -2,
        ("XGROUP", "CREATE"): -5, ("XGROUP", "SETID"): -5, ("XGROUP", "DESTROY"): 4,
        ("XGROUP", "CREATECONSUMER"): 5, ("XGROUP", "DELCONSUMER"): 5, ("XGROUP", "HELP"): 2,
        ("XACK",): -4, ("XPENDING",): -3, ("XCLAIM",): -6, ("XAUTOCLAIM",): -6, ("XINFO",): -2,
        ("XINFO", "STREAM"): -3, ("XINFO", "GROUPS"): 3, ("XINFO", "CONSUMERS"): 4,
        ("XINFO", "HELP"): 2, ("XSETID",): -3,
    })

    def ms_of(g):
        # The counter lives on the generator, so two generators with one seed agree.
        if not hasattr(g, "stream_ms"):
            g.stream_ms = 10 ** 13
        return g.stream_ms

    def key(g):
        if g.chance(0.9):
            return g.choice(KEYS)
        return g.key()

    def next_id(g):
        g.stream_ms = ms_of(g) + g.randint(0, 3)
        r = g.rng.random()
        ms = ms_of(g)
        if r < 0.55:
            return b"%d-%d" % (ms, g.randint(0, 3))
        if r < 0.75:
            return b"%d-*" % ms
        if r < 0.85:
            return b"%d" % ms
        return any_id(g)

    def any_id(g):
        r = g.rng.random()
        ms = ms_of(g)
        if r < 0.75:
            return b"%d-%d" % (ms - g.randint(0, 40), g.randint(0, 3))
        if r < 0.85:
            return b"%d" % (ms - g.randint(0, 40))
        return g.choice([b"0-0", b"0", b"0-1", b"-", b"+", b"abc", b"1-2-3", b"", b"-1",
                         b"18446744073709551615-18446744073709551615", b"18446744073709551616",
                         b"18446744073709551615-*", b"1-*", b" 5", b"+5", b"5-x", b"(5",
                         b"%d-18446744073709551615" % ms])

    def range_id(g, end):
        r = g.rng.random()
        if r < 0.2:
            return b"+" if end else b"-"
        if r < 0.3:
            return b"-" if end else b"+"
        ms = ms_of(g) - g.randint(0, 60)
        s = b"%d-%d" % (ms, g.randint(0, 3)) if g.chance(0.7) else b"%d" % ms
        if g.chance(0.15):
            s = b"(" + s
        if g.chance(0.05):
            s = g.choice([b"(-", b"(+", b"(", b"x", b"(0-0", b"(18446744073709551615-18446744073709551615"])
        return s

    def fields(g):
        n = g.choice([1, 1, 1, 2, 2, 3])
        same = g.chance(0.7)
        out = []
        for i in range(n):
            out.append(FIELDS[i] if same else g.choice(FIELDS))
            out.append(g.value()[:g.choice([5, 20, 100, 300])] if g.chance(0.9) else g.value())
        if g.chance(0.03):
            out.pop()
        return out

    def trim_args(g):
        args = []
        if g.chance(0.5):
            args.append(g.choice([b"MAXLEN", b"maxlen"]))
            if g.chance(0.5):
                args.append(g.choice([b"~", b"=", b"~"]))
            args.append(g.choice([b"%d" % g.randint(0, 300), b"0", b"-1", b"abc", b"10"]))
        else:
            args.append(b"MINID")
            if g.chance(0.5):
                args.append(g.choice([b"~", b"="]))
            args.append(range_id(g, False) if g.chance(0.9) else b"+")
        if g.chance(0.2):
            args += [b"LIMIT", g.choice([b"0", b"1", b"50", b"100", b"-1", b"x", b"1000"])]
        if g.chance(0.03):
            args += g.choice([[b"MAXLEN", b"5"], [b"MINID", b"0"], [b"LIMIT"], [b"FOO"]])
        return args

    @h.op("streams", 10)
    def xadd(g):
        args = [b"XADD", key(g)]
        if g.chance(0.1):
            args.append(b"NOMKSTREAM")
        if g.chance(0.25):
            args += trim_args(g)
        args.append(next_id(g))
        return C(*(args + fields(g)))

    @h.op("streams", 3)
    def xrange(g):
        rev = g.chance(0.4)
        a, b = range_id(g, False), range_id(g, True)
        args = [b"XREVRANGE" if rev else b"XRANGE", key(g)] + ([b, a] if rev else [a, b])
        if g.chance(0.5):
            args += [b"COUNT", g.choice([b"1", b"2", b"5", b"0", b"-1", b"x", b"100"])]
        if g.chance(0.03):
            args.append(b"COUNT")
        return C(*args)

    @h.op("streams", 1.5)
    def xlen(g):
        return C(b"XLEN", key(g))

    @h.op("streams", 2)
    def xdel(g):
        return C(b"XDEL", key(g), *[any_id(g) for _ in range(g.randint(1, 4))])

    @h.op("streams", 1.5)
    def xtrim(g):
        return C(b"XTRIM", key(g), *trim_args(g))

    @h.op("streams", 2)
    def xread(g):
        args = [b"XREAD"]
        if g.chance(0.4):
            args += [b"COUNT", g.choice([b"1", b"3", b"0", b"-2", b"x"])]
        if g.chance(0.05):
            args += [b"BLOCK", g.choice([b"-1", b"x", b"1.5"])]
        if g.chance(0.03):
            args += g.choice([[b"GROUP", b"g1", b"c"], [b"NOACK"], [b"FOO"]])
        ks = [key(g) for _ in range(g.randint(1, 3))]
        ids = [g.choice([b"$", b"0", b"0-0"]) if g.chance(0.4) else range_id(g, False).lstrip(b"(")
               for _ in ks]
        args += [b"STREAMS"] + ks + ids
        if g.chance(0.03):
            args.pop()
        return C(*args)

    @h.op("streams", 3)
    def xgroup(g):
        sub = g.choice([b"CREATE", b"CREATE", b"SETID", b"DESTROY", b"CREATECONSUMER",
                        b"DELCONSUMER", b"create"])
        k, grp = key(g), g.choice(GROUPS)
        if sub.upper() in (b"CREATE", b"SETID"):
            args = [b"XGROUP", sub, k, grp, g.choice([b"$", b"0", b"0-0"]) if g.chance(0.5)
                    else range_id(g, False).lstrip(b"(")]
            if sub.upper() == b"CREATE" and g.chance(0.4):
                args.append(b"MKSTREAM")
            if g.chance(0.2):
                args += [b"ENTRIESREAD", g.choice([b"0", b"5", b"-1", b"-2", b"x", b"100"])]
            if g.chance(0.03):
                args.append(g.choice([b"FOO", b"ENTRIESREAD"]))
        elif sub == b"DESTROY":
            args = [b"XGROUP", sub, k, grp]
        else:
            args = [b"XGROUP", sub, k, grp, g.choice(CONSUMERS)]
        if g.chance(0.02):
            args = g.choice([[b"XGROUP", b"FOO"], [b"XGROUP", b"CREATE", k], [b"XGROUP", b"DESTROY", k, grp, b"x"]])
        return C(*args)

    @h.op("streams", 4)
    def xreadgroup(g):
        args = [b"XREADGROUP", b"GROUP", g.choice(GROUPS), g.choice(CONSUMERS)]
        if g.chance(0.5):
            args += [b"COUNT", g.choice([b"1", b"2", b"5", b"0", b"-1"])]
        if g.chance(0.2):
            args.append(b"NOACK")
        ks = [key(g) for _ in range(g.randint(1, 2))]
        ids = [b">" if g.chance(0.7) else g.choice([b"0", b"0-0", b"$", range_id(g, False).lstrip(b"(")])
               for _ in ks]
        args += [b"STREAMS"] + ks + ids
        if g.chance(0.02):
            args = g.choice([[b"XREADGROUP", b"COUNT", b"1", b"STREAMS", b"s0", b">"],
                             [b"XREADGROUP", b"GROUP", b"g1", b"c", b"STREAMS", b"s0", b"s1", b">"]])
        return C(*args)

    @h.op("streams", 2)
    def xack(g):
        return C(b"XACK", key(g), g.choice(GROUPS), *[any_id(g) for _ in range(g.randint(1, 4))])

    def pending_times(r):
        """XPENDING's extended reply with the idle times blanked."""
        if r.kind == "*" and r.value:
            return tuple(tuple(e.value[:2] + e.value[3:]) if e.kind == "*" and e.value and len(e.value) == 4
                         else e for e in r.value)
        return r

    def cmp_pending(a, b):
        return pending_times(a) == pending_times(b)

    @h.op("streams", 2)
    def xpending(g):
        args = [b"XPENDING", key(g), g.choice(GROUPS)]
        if g.chance(0.6):
            if g.chance(0.3):
                args += [b"IDLE", g.choice(BIG_IDLE + [b"x"])]
            args += [range_id(g, False), range_id(g, True), g.choice([b"1", b"10", b"0", b"-1", b"x"])]
            if g.chance(0.4):
                args.append(g.choice(CONSUMERS))
        if g.chance(0.03):
            args.append(b"extra")
        return C(*args, cmp=cmp_pending)

    @h.op("streams", 2)
    def xclaim(g):
        args = [b"XCLAIM", key(g), g.choice(GROUPS), g.choice(CONSUMERS), g.choice(BIG_IDLE + [b"x", b"-5"])]
        args += [any_id(g) for _ in range(g.randint(1, 3))]
        for _ in range(g.randint(0, 2)):
            args += g.choice([[b"FORCE"], [b"JUSTID"], [b"IDLE", g.choice([b"0", b"1500000000000", b"x"])],
                              [b"TIME", g.choice([b"1000", b"x", b"-5"])],
                              [b"RETRYCOUNT", g.choice([b"0", b"7", b"x"])],
                              [b"LASTID", any_id(g)], [b"BOGUS"]])
        return C(*args)

    @h.op("streams", 1.5)
    def xautoclaim(g):
        args = [b"XAUTOCLAIM", key(g), g.choice(GROUPS), g.choice(CONSUMERS),
                g.choice(BIG_IDLE + [b"x"]), range_id(g, False)]
        if g.chance(0.5):
            args += [b"COUNT", g.choice([b"1", b"2", b"10", b"0", b"-1", b"x"])]
        if g.chance(0.3):
            args.append(b"JUSTID")
        if g.chance(0.02):
            args.append(b"FOO")
        return C(*args)

    _TIME_KEYS = {b"radix-tree-nodes", b"seen-time", b"idle"}

    def norm_pair(k, v):
        if k.value in _TIME_KEYS:
            return None
        if k.value == b"pending" and v.kind == "*" and v.value:
            # [id, (consumer,) delivery time, count]: drop the time
            return tuple(tuple(p.value[:-2] + p.value[-1:]) if p.kind == "*" and p.value else p
                         for p in v.value)
        return norm_info(v)

    def norm_info(r):
        """XINFO replies with times and radix-tree internals blanked, both RESP2 and RESP3."""
        if r is None:
            return r
        if r.kind == "%":
            return ("%", tuple((k, norm_pair(k, v)) for k, v in r.value))
        if r.kind == "*" and r.value is not None:
            items = list(r.value)
            is_map = len(items) % 2 == 0 and all(items[i].kind == "$" for i in range(0, len(items), 2))
            if is_map:
                return ("*", tuple((items[i], norm_pair(items[i], items[i + 1]))
                                   for i in range(0, len(items), 2)))
            return ("*", tuple(norm_info(x) for x in items))
        return r

    def cmp_info(a, b):
        return norm_info(a) == norm_info(b)

    @h.op("streams", 2)
    def xinfo(g):
        r = g.rng.random()
        k = key(g)
        if r < 0.4:
            args = [b"XINFO", b"STREAM", k]
            if g.chance(0.4):
                args.append(b"FULL")
                if g.chance(0.5):
                    args += [b"COUNT", g.choice([b"0", b"1", b"3", b"-1", b"x"])]
            if g.chance(0.03):
                args.append(b"FOO")
        elif r < 0.7:
            args = [b"XINFO", b"GROUPS", k]
        elif r < 0.95:
            args = [b"XINFO", b"CONSUMERS", k, g.choice(GROUPS)]
        else:
            args = g.choice([[b"XINFO", b"FOO", k], [b"XINFO", b"GROUPS"], [b"XINFO", b"STREAM", k, b"FULL", b"COUNT"]])
        return C(*args, cmp=cmp_info)

    @h.op("streams", 0.7)
    def xsetid(g):
        args = [b"XSETID", key(g), any_id(g) if g.chance(0.2) else b"%d-%d" % (ms_of(g) + g.randint(0, 5), 0)]
        if g.chance(0.3):
            args += [b"ENTRIESADDED", g.choice([b"0", b"1000000", b"-1", b"x", b"5"])]
        if g.chance(0.3):
            args += [b"MAXDELETEDID", any_id(g)]
        if g.chance(0.03):
            args.append(b"FOO")
        return C(*args)

    @h.op("streams", 1)
    def stream_misc(g):
        """WRONGTYPE paths, deletion, help texts, the stream encoding and type."""
        r = g.rng.random()
        k = key(g)
        if r < 0.08:
            return C(b"SET", k, b"str")
        if r < 0.5:
            return C(b"DEL", k)
        if r < 0.65:
            return C(b"TYPE", k)
        if r < 0.8:
            return C(b"OBJECT", b"ENCODING", k)
        if r < 0.9:
            return C(b"EXISTS", k)
        return C(g.choice([b"XGROUP", b"XINFO"]), b"HELP")

    @h.op("streams", 0.3, multi=False)
    def stream_resp3(g):
        """Stream reads on the second connection, which switches between RESP2 and RESP3."""
        r = g.rng.random()
        if r < 0.2:
            return C(b"HELLO", g.choice([b"2", b"3"]), conn=1, cmp=h.cmp_hello)
        k = key(g)
        if r < 0.5:
            return C(b"XREAD", b"COUNT", b"2", b"STREAMS", k, g.choice(KEYS), b"0", b"0", conn=1)
        if r < 0.7:
            return C(b"XINFO", b"STREAM", k, *([b"FULL"] if g.chance(0.5) else []), conn=1, cmp=cmp_info)
        if r < 0.8:
            return C(b"XINFO", b"GROUPS", k, conn=1, cmp=cmp_info)
        if r < 0.9:
            return C(b"XREADGROUP", b"GROUP", g.choice(GROUPS), b"zed", b"COUNT", b"2", b"STREAMS", k, b">", conn=1)
        return C(b"XREAD", b"STREAMS", k, b"18446744073709551615-18446744073709551615", conn=1)
