"""Differential generators for the set commands (family "sets").

Members mix small integers (intset), canonical and non-canonical integer-looking strings,
short words, binary, and strings past set-max-listpack-value, and some SADDs add hundreds of
members at once, so every encoding and every one-way conversion is exercised; the intset
threshold itself is changed now and then with CONFIG SET (both servers know that option).

Normalised differences (see NOTES below):
  * OBJECT ENCODING: memkeydb keeps Redis 7.2's listpack sets, so where redis-server 7.0 says
    "hashtable" for a small set with a non-integer member, memkeydb says "listpack". The
    comparison accepts listpack (memkeydb) for hashtable (Redis); everything else is exact.
  * SMEMBERS/SINTER/SUNION/SDIFF and SSCAN: set order is unspecified: compared sorted (SSCAN
    is iterated to cursor 0 on each server and the sorted union compared).
  * SPOP and SRANDMEMBER pick at random: each server's reply is checked against that server's
    own members (read just before with SMEMBERS, which must match): the size (count semantics:
    distinct for a positive count, repeats allowed for a negative one), membership, and for
    SPOP that SCARD afterwards agrees; then the popped members are added back on each side so
    the two data sets are identical again.
"""

NOTES = {
    "OBJECT ENCODING (sets)": "listpack (memkeydb, Redis 7.2's small sets) matches hashtable (redis 7.0)",
    "SPOP/SRANDMEMBER": "checked per server against its own members (size, distinctness, membership)",
}

SET_KEYS = [b"s0", b"s1", b"s2", b"s3", b"s4", b"{t}s5"]
STR_KEY = b"str"
ODD_SET_KEYS = [b"nokey", b"s\x00", b"s \xff"]  # not used by other families (see the rule below)
WORDS = [b"", b"a", b"b", b"hello", b"foo bar", b"\x00", b"caf\xc3\xa9", b"*", b"s?", b"[a]"]
INTISH = [b"0", b"1", b"-1", b"01", b"+1", b"-0", b" 1", b"1.0", b"9223372036854775807",
          b"-9223372036854775808", b"9223372036854775808", b"18446744073709551615", b"65535",
          b"65536", b"2147483647", b"-2147483649", b"4294967296", b"1e3"]


def register(h):
    C = h.C
    h.add_family("sets", {
        ("SADD",): -3, ("SREM",): -3, ("SCARD",): 2, ("SISMEMBER",): 3, ("SMISMEMBER",): -3,
        ("SMEMBERS",): 2, ("SMOVE",): 4, ("SPOP",): -2, ("SRANDMEMBER",): -2, ("SINTER",): -2,
        ("SINTERCARD",): -3, ("SINTERSTORE",): -3, ("SUNION",): -2, ("SUNIONSTORE",): -3,
        ("SDIFF",): -2, ("SDIFFSTORE",): -3, ("SSCAN",): -3,
    })

    def cmp_encoding(a, b):
        if a == b:
            return True
        return (a.kind == "$" and b.kind == "$" and a.value == b"hashtable"
                and b.value == b"listpack")

    # Other families' OBJECT ENCODING may land on one of the set keys in a mixed run: give
    # those commands the same rule, and only for these keys (so a hash or sorted set elsewhere
    # is still compared exactly).
    orig_init = h.Cmd.__init__

    def init_with_set_encoding_rule(self, args=(), cmp=None, conn=0, raw=None, label=None):
        orig_init(self, args, cmp, conn, raw, label)
        a = self.args
        if cmp is None and len(a) == 3 and a[0].upper() == b"OBJECT" and \
                a[1].upper() == b"ENCODING" and (a[2] in SET_KEYS or a[2] in ODD_SET_KEYS):
            self.cmp = cmp_encoding

    h.Cmd.__init__ = init_with_set_encoding_rule

    def key(g):
        r = g.rng.random()
        if r < 0.85:
            return g.choice(SET_KEYS)
        if r < 0.93:
            return STR_KEY
        return g.choice(ODD_SET_KEYS)

    def member(g):
        r = g.rng.random()
        if r < 0.35:
            return b"%d" % g.randint(0, 40)
        if r < 0.45:
            return b"%d" % g.rng.randint(-(1 << 63), (1 << 63) - 1)
        if r < 0.55:
            return g.choice(INTISH)
        if r < 0.8:
            return g.choice(WORDS) if g.chance(0.5) else g.letters(g.randint(1, 3), b"abc")
        if r < 0.9:
            return g.binary(g.randint(1, 12))
        return g.letters(g.randint(60, 70), b"xy")  # around set-max-listpack-value

    def members(g, lo=1, hi=5):
        return [member(g) for _ in range(g.randint(lo, hi))]

    def bulk_members(g):
        """Many members at once: crosses the intset / listpack size thresholds."""
        n = g.choice([100, 127, 128, 129, 200, 511, 512, 513, 600])
        if g.chance(0.6):
            base = g.randint(-1000, 1000)
            out = [b"%d" % (base + i) for i in range(n)]
        else:
            out = [b"m%d" % i for i in range(n)]
        if g.chance(0.3):
            out.append(member(g))
        return out

    @h.op("sets", 8)
    def sadd(g):
        if g.chance(0.08):
            return C("SADD", key(g), *bulk_members(g))
        return C("SADD", key(g), *members(g))

    @h.op("sets", 4)
    def srem(g):
        return C("SREM", key(g), *members(g, 1, 6))

    @h.op("sets", 2)
    def scard(g):
        return C("SCARD", key(g))

    @h.op("sets", 2)
    def sismember(g):
        return C("SISMEMBER", key(g), member(g))

    @h.op("sets", 2)
    def smismember(g):
        return C("SMISMEMBER", key(g), *members(g))

    @h.op("sets", 2)
    def smembers(g):
        return C("SMEMBERS", key(g), cmp=h.cmp_sorted)

    @h.op("sets", 2)
    def encoding(g):
        return C("OBJECT", "ENCODING", key(g), cmp=cmp_encoding)

    @h.op("sets", 3)
    def smove(g):
        src = key(g)
        dst = src if g.chance(0.1) else key(g)
        return [C("SMOVE", src, dst, member(g)), C("OBJECT", "ENCODING", dst, cmp=cmp_encoding)]

    @h.op("sets", 4)
    def algebra(g):
        cmd = g.choice(["SINTER", "SUNION", "SDIFF"])
        return C(cmd, *[key(g) for _ in range(g.randint(1, 4))], cmp=h.cmp_sorted)

    @h.op("sets", 4)
    def algebra_store(g):
        cmd = g.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
        dst = key(g)
        srcs = [key(g) for _ in range(g.randint(1, 4))]
        if g.chance(0.2):
            srcs.append(dst)
        out = [C(cmd, dst, *srcs), C("OBJECT", "ENCODING", dst, cmp=cmp_encoding),
               C("SMEMBERS", dst, cmp=h.cmp_sorted)]
        if g.chance(0.3):
            out.append(C("TTL", dst))
        return out

    @h.op("sets", 2)
    def sintercard(g):
        keys = [key(g) for _ in range(g.randint(1, 4))]
        r = g.rng.random()
        if r < 0.7:
            args = ["SINTERCARD", str(len(keys))] + keys
            if g.chance(0.5):
                args += ["LIMIT", g.choice(["0", "1", "2", "5", "100"])]
        else:
            args = g.choice([
                ["SINTERCARD", g.choice(["0", "-1", "abc", "", "1.5"]), "a"],
                ["SINTERCARD", str(len(keys) + 1)] + keys,
                ["SINTERCARD", "1", "a", "LIMIT", g.choice(["-1", "abc", ""])],
                ["SINTERCARD", "1", "a", "LIMIT"],
                ["SINTERCARD", "1", "a", "FOO", "1"],
                ["SINTERCARD", "1", "a", "limit", "1", "LIMIT", "3"],
                ["SINTERCARD", "9223372036854775807", "a"],
            ])
        return C(*args)

    @h.op("sets", 1)
    def bad_usage(g):
        k = key(g)
        return g.choice([
            C("SPOP", k, "1", "2"),
            C("SPOP", k, g.choice(["-1", "abc", "", "9223372036854775808", "1.5"])),
            C("SRANDMEMBER", k, "1", "2"),
            C("SRANDMEMBER", k, g.choice(["-9223372036854775808", "abc", "", "9223372036854775808"])),
            C("SSCAN", k, g.choice(["abc", "1a", " 1", "18446744073709551616", "-", "1.5"])),
            C("SSCAN", k, "0", "COUNT", g.choice(["0", "-1", "abc", ""])),
            C("SSCAN", k, "0", "MATCH"),
            C("SSCAN", k, "0", "TYPE", "set"),
            C("SSCAN", k, "0", "FOO", "1"),
            C("SPOP", k, "0"),
            C("SRANDMEMBER", k, "0"),
        ])

    @h.op("sets", 1)
    def string_key(g):
        return C("SET", STR_KEY, g.choice([b"x", b"1"]))

    @h.op("sets", 1.5)
    def delete(g):
        return C("DEL", key(g))

    @h.op("sets", 0.7)
    def expire(g):
        k = key(g)
        return [C("EXPIRE", k, str(g.fut() // 1000 + 1000)), C("TTL", k, cmp=h.cmp_ttl_s)]

    @h.op("sets", 0.5)
    def intset_limit(g):
        return C("CONFIG", "SET", "set-max-intset-entries", g.choice(["512", "512", "4", "16", "0"]))

    @h.op("sets", 0.3)
    def protocol(g):
        return C("HELLO", g.choice(["2", "3"]), cmp=h.cmp_hello)

    # --- random replies: checked per server, then both data sets made identical again ---

    def members_of(ex, k):
        ra, rb = ex.both(C("SMEMBERS", k, cmp=h.cmp_sorted))
        if ra.kind not in ("*", "~"):
            return None
        return sorted(x.value for x in ra.value)

    def check_random(members, count, popped_size_limit):
        """A cmp rule for SPOP/SRANDMEMBER replies given the key's members before the call."""
        def ok(r):
            if members is None or count is None:
                return None
            if count == "none":
                if r.kind == "_":  # RESP3 null
                    return not members
                if r.kind != "$":
                    return False
                return (r.value is None) == (not members) and (r.value is None or r.value in members)
            if r.kind not in ("*", "~") or r.value is None:
                return False
            vals = [x.value for x in r.value]
            if any(v not in members for v in vals):
                return False
            if count >= 0:
                return len(vals) == min(count, len(members)) and len(set(vals)) == len(vals)
            return len(vals) == (-count if members else 0)

        def cmp(a, b):
            ra, rb = ok(a), ok(b)
            if ra is None:
                return a == b
            if a.kind != b.kind:
                return False
            return ra and rb
        return cmp

    def parse_count(arg):
        try:
            v = int(arg)
        except ValueError:
            return None
        if str(v).encode() != arg:
            return None
        return v

    @h.op("sets", 3, mode="sync")
    def spop(g, ex):
        k = key(g)
        mem = members_of(ex, k)
        args = [b"SPOP", k]
        count = "none"
        if g.chance(0.6):
            c = g.choice([b"0", b"1", b"2", b"3", b"5", b"10", b"100", b"1000", b"9223372036854775807"])
            args.append(c)
            count = parse_count(c)
        if mem is None or (count != "none" and count is not None and count < 0):
            ex.both(C(*args))
            return
        ra, rb = ex.both(C(*args, cmp=check_random(mem, count, None)))
        ex.both(C("SCARD", k))
        popped = []
        for r in (ra, rb):
            if r.kind == "$" and r.value is not None:
                popped.append([r.value])
            elif r.kind in ("*", "~") and r.value is not None:
                popped.append([x.value for x in r.value])
            else:
                popped.append([])
        if popped[0] or popped[1]:
            ex.pair(C("SADD", k, *popped[0]), C("SADD", k, *popped[1]),
                    "SADD %s <each server's popped members>" % k.decode("latin-1"),
                    expect=h.Reply(":", len(popped[0])))
            ex.both(C("SMEMBERS", k, cmp=h.cmp_sorted))

    @h.op("sets", 3, mode="sync")
    def srandmember(g, ex):
        k = key(g)
        mem = members_of(ex, k)
        args = [b"SRANDMEMBER", k]
        count = "none"
        if g.chance(0.7):
            c = g.choice([b"0", b"1", b"2", b"3", b"5", b"-1", b"-3", b"-10", b"50", b"1000",
                          b"-200", b"9223372036854775807"])
            args.append(c)
            count = parse_count(c)
        if mem is None:
            ex.both(C(*args))
            return
        ex.both(C(*args, cmp=check_random(mem, count, None)))

    @h.op("sets", 1.5, mode="sync")
    def sscan(g, ex):
        k = key(g)
        opts = []
        if g.chance(0.5):
            opts += [b"MATCH", g.choice([b"*", b"1*", b"m1*", b"?", b"*a*", b"[ab]", b"", b"-*"])]
        if g.chance(0.5):
            opts += [b"COUNT", g.choice([b"1", b"2", b"10", b"100"])]
        results = []
        for side in (ex.a, ex.b):
            conn = side.conns[0]
            cursor, seen, calls, final = b"0", set(), 0, None
            while True:
                calls += 1
                r = conn.execute(b"SSCAN", k, cursor, *opts)
                if not (r.kind == "*" and r.value and len(r.value) == 2):
                    final = r
                    break
                seen.update(x.value for x in r.value[1].value)
                cursor = r.value[0].value
                if cursor == b"0" or calls > 100000:
                    final = h.Reply("*", tuple(sorted(seen)))
                    break
            results.append(final)
        c = C("SSCAN", k, "<cursor>", *opts)
        c.label = "SSCAN %s <cursor>... %s (full iteration)" % (
            k.decode("latin-1"), b" ".join(opts).decode("latin-1"))
        ex.flush()
        ex._number(c)
        ex.check(c, results[0], results[1])
