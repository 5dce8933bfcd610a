"""Differential generators for SORT and SORT_RO (family "sort").

The sorted keys are lists, sets and sorted sets of small integers, floats and words (so both
the numeric path, with its "can't be converted" error, and ALPHA are exercised); weight keys
w_<element> hold numbers or words, hash keys h_<element> hold fields, so BY and GET patterns
find values, miss, or hit another type. Options come in any order, with LIMIT edge values,
STORE into keys of every type, and malformed option lists.

No number out of double range appears: redis-server checks errno after strtod without clearing
it first, so an overflow would make every later numeric SORT fail there. For the same reason
the family runs only on its own (test_family_alone), not in the mixed stream.

Normalised, because the order is legitimately unspecified in Redis itself:
  * a set read without sorting (BY a constant, no STORE) comes back in hash-table order:
    compared as sorted lists;
  * ALPHA with BY: elements whose BY values are equal (or both missing) compare as equal, and
    Redis's quicksort leaves them in no particular order; ALPHA without STORE compares C strings
    (strcoll), so "" and "\x00x" tie too. Such replies are compared as sorted lists, and such
    sorts are never stored.
"""

SORT_KEYS = [b"sl0", b"sl1", b"ss0", b"ss1", b"sz0", b"sz1"]
ELEMENTS = [b"1", b"2", b"3", b"10", b"-5", b"0", b"1.5", b"2.5e1", b"007", b" 4", b"a", b"b",
            b"c", b"abc", b"", b"\x00x", b"inf", b"-inf", b"nan", b"0x10"]
NUMERIC = [b"1", b"2", b"3", b"10", b"-5", b"0", b"1.5", b"2.5e1", b"42", b"7", b"-0.5", b"100"]
LIMITS = [b"0", b"1", b"2", b"-1", b"5", b"100", b"-100", b"abc", b"9223372036854775807",
          b"-9223372036854775808"]


def register(h):
    C = h.C
    h.add_family("sort", {("SORT",): -2, ("SORT_RO",): -2}, off_reason=(
        "runs alone only: redis-server tests errno after strtod without clearing it, so once any "
        "earlier command overflowed a float parse (INCRBYFLOAT 1e400), a numeric SORT of valid "
        "numbers fails with 'can't be converted' - in a mixed stream that would be a false mismatch"))

    def cmp_sorted(a, b):
        if a.kind == b.kind == "*" and a.value is not None and b.value is not None:
            return sorted(x.value if x.value is not None else b"\xff<nil>" for x in a.value) == \
                sorted(x.value if x.value is not None else b"\xff<nil>" for x in b.value)
        return a == b

    def cmp_same_length(a, b):
        if a.kind == b.kind == "*" and a.value is not None and b.value is not None:
            return len(a.value) == len(b.value)
        return a == b

    def element(g, numeric):
        return g.choice(NUMERIC) if numeric else g.choice(ELEMENTS)

    @h.op("sort", 3)
    def build(g):
        k = g.choice(SORT_KEYS)
        numeric = g.chance(0.6)
        n = g.randint(1, 12)
        items = [element(g, numeric) for _ in range(n)]
        cmds = [C("DEL", k)]
        if k.startswith(b"sl"):
            cmds.append(C("RPUSH", k, *items))
        elif k.startswith(b"ss"):
            cmds.append(C("SADD", k, *items))
        else:
            args = ["ZADD", k]
            for i, m in enumerate(items):
                args += [b"%d" % g.randint(-3, 3) if g.chance(0.5) else b"%d" % i, m]
            cmds.append(C(*args))
        return cmds

    @h.op("sort", 2)
    def weights(g):
        cmds = []
        for _ in range(g.randint(1, 6)):
            e = g.choice(ELEMENTS)
            r = g.rng.random()
            if r < 0.6:
                cmds.append(C("SET", b"w_" + e, g.choice(NUMERIC)))
            elif r < 0.7:
                cmds.append(C("SET", b"w_" + e, g.choice([b"x", b"", b"nan", b"zz"])))
            elif r < 0.9:
                cmds.append(C("HSET", b"h_" + e, b"f", g.choice(NUMERIC + [b"word", b"q"])))
            else:
                cmds.append(C("DEL", b"w_" + e, b"h_" + e))
        return cmds

    def pattern(g):
        return g.choice([b"w_*", b"w_*", b"h_*->f", b"h_*->g", b"nosort", b"#", b"w_*->", b"*",
                         b"w_\x00*", b"x*y", b"h_*->f\x00z"])

    @h.op("sort", 6)
    def sort(g):
        name = "SORT_RO" if g.chance(0.25) else "SORT"
        k = g.choice(SORT_KEYS + [b"w_1", b"nokey", b"h_a"])
        args = [name, k]
        by = None
        alpha = False
        store = False
        opts = []
        for _ in range(g.randint(0, 4)):
            r = g.rng.random()
            if r < 0.25:
                by = pattern(g)
                opts.append([b"BY", by])
            elif r < 0.45:
                opts.append([b"GET", pattern(g)])
            elif r < 0.6:
                opts.append([g.choice([b"ASC", b"DESC", b"desc"])])
            elif r < 0.75:
                alpha = True
                opts.append([g.choice([b"ALPHA", b"alpha"])])
            elif r < 0.88:
                opts.append([b"LIMIT", g.choice(LIMITS), g.choice(LIMITS)])
            elif r < 0.95:
                store = True
                opts.append([b"STORE", g.choice([b"dst", b"sl1", b"w_1", b"ss0"])])
            else:
                opts.append(g.choice([[b"LIMIT", b"1"], [b"BY"], [b"FOO"], [b"GET"], [b"STORE"]]))
        if alpha and by is not None:
            # Ties among equal BY values are left in no particular order: never store them.
            opts = [o for o in opts if o[0] != b"STORE"]
            store = False
        for o in opts:
            args += o
        # Orders Redis leaves unspecified: a set read without STORE may come back in hash order
        # (BY a constant, or a BY pattern swallowed by a malformed option list); ALPHA compares
        # C strings unless storing, so "" and "\x00x" tie; ALPHA BY ties on equal values. Those
        # replies are compared as sorted lists, or by length alone when LIMIT picks a subset.
        has_by = any(o[0] == b"BY" for o in opts)
        has_limit = any(o[0] == b"LIMIT" for o in opts)
        # Any key but the family's lists and sorted sets may be a set (other families make sets
        # under shared names when the families are mixed, as the harness self-test does).
        maybe_set = not k.startswith((b"sl", b"sz"))
        loose = (maybe_set and not store) or (alpha and (has_by or not store))
        cmp = (cmp_same_length if has_limit else cmp_sorted) if loose else None
        cmds = [C(*args, cmp=cmp)]
        if store and name == "SORT":
            cmds.append(C("LRANGE", b"dst", 0, -1))
        return cmds
