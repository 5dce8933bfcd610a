"""Differential generators for the HyperLogLog commands (family "hll").

The HLL is a plain string, so the strongest check is GET of an HLL key compared byte for byte:
it covers the sparse opcodes, the dense register packing, promotion and the cached cardinality.
Besides PFADD / PFCOUNT / PFMERGE / PFDEBUG on HLLs built by the commands, keys are SET to
strings built here (valid sparse and dense HLLs with odd caches, corrupt sparse bodies, random
bytes behind a valid header, wrong sizes, plain values) and HLLs are damaged in place with
SETRANGE and APPEND, and then handed to the PF commands again.

Elements come from pools of growing size so that some keys stay sparse, some turn dense by
size, and a few elements (found offline) have a run length above 32 and promote at once.
"""

# Elements whose hash run length is 33 or more (a sparse VAL cannot hold the value): PFADD of
# one of them turns a sparse HLL dense. Found by brute force over "hll<N>".
BIG_ELEMENTS = [b"hll1415032616", b"hll3432701205"]



def ends_in_cut_xzero(s: bytes) -> bool:
    """True when a sparse HLL string ends with the first byte of an XZERO opcode.

    Redis reads the opcode's second byte from just past the end of the string. That byte is
    the string's NUL terminator, except right after PFADD has split that very opcode: Redis
    then writes its new opcodes one byte past the new end and the terminator keeps the last
    of them, which a later PFADD / PFCOUNT / PFDEBUG DECODE reads. memkeydb has no byte past
    the end and always reads 0 there, so the generators never build such strings (a known,
    documented difference on strings no Redis command produces)."""
    if len(s) < 16 or s[:4] != b"HYLL" or s[4] != 1:
        return False
    p = 16
    while p < len(s):
        if (s[p] & 0xc0) == 0x40:
            if p + 1 == len(s):
                return True
            p += 2
        else:
            p += 1
    return False


def register(h):
    h.add_family("hll", {
        ("PFADD",): -2, ("PFCOUNT",): -2, ("PFMERGE",): -2, ("PFDEBUG",): 3,
    })
    C = h.C
    op = h.op

    def element(g):
        r = g.rng.random()
        if r < 0.55:
            return b"e%d" % g.randint(0, 3000)
        if r < 0.8:
            return b"f%d" % g.randint(0, 300000)
        if r < 0.9:
            return g.binary(g.randint(0, 24))
        if r < 0.97:
            return g.value() if g.chance(0.3) else g.letters(g.randint(0, 10))
        return g.choice(BIG_ELEMENTS)

    def elements(g):
        r = g.rng.random()
        if r < 0.1:
            return []
        if r < 0.8:
            return [element(g) for _ in range(g.randint(1, 6))]
        if r < 0.95:
            return [element(g) for _ in range(g.randint(20, 300))]
        return [b"g%d" % g.randint(0, 10 ** 6) for _ in range(g.randint(500, 3000))]

    # --- strings to SET under HLL keys ---------------------------------------------------
    def header(g, enc):
        card = g.binary(8) if g.chance(0.5) else bytes(7) + bytes([g.choice([0, 0x80])])
        unused = bytes(3) if g.chance(0.8) else g.binary(3)
        return b"HYLL" + bytes([enc]) + unused + card

    def sparse_runs(g, total=16384):
        """A body whose runs cover `total` registers, in random but valid opcodes."""
        out = bytearray()
        left = total
        while left > 0:
            r = g.rng.random()
            if r < 0.3:
                n = min(left, g.randint(1, 64))
                out.append(n - 1)
            elif r < 0.55:
                n = min(left, g.randint(1, 16384) if g.chance(0.2) else g.randint(1, 3000))
                out += bytes([0x40 | ((n - 1) >> 8), (n - 1) & 0xff])
            else:
                n = min(left, g.randint(1, 4))
                v = g.randint(1, 32)
                out.append(0x80 | ((v - 1) << 2) | (n - 1))
            left -= n
        return bytes(out)

    def corrupt_sparse_body(g):
        r = g.rng.random()
        if r < 0.3:
            return sparse_runs(g, total=16384 + g.choice([-1, 1, -64, 5, 200]))
        if r < 0.45:
            return b""
        if r < 0.6:
            body = bytearray(sparse_runs(g))
            body.insert(g.randint(0, len(body)), g.randint(0, 255))
            return bytes(body)
        if r < 0.7:
            return sparse_runs(g) + g.choice([b"\x80", b"\x00", b"\x7f\xff", b"\xfc"])
        return g.binary(g.randint(1, 40))

    def foreign_string(g):
        r = g.rng.random()
        if r < 0.25:
            return header(g, 1) + sparse_runs(g)
        if r < 0.45:
            return header(g, 1) + corrupt_sparse_body(g)
        if r < 0.6:
            regs = bytearray(12288)
            for _ in range(g.randint(0, 400)):
                regs[g.randint(0, 12287)] = g.randint(0, 255)
            return header(g, 0) + bytes(regs)
        if r < 0.68:
            return header(g, 0) + bytes(12288 + g.choice([-1, 1, -12288]))
        if r < 0.76:
            return header(g, g.choice([2, 3, 255])) + sparse_runs(g)
        if r < 0.84:
            return g.choice([b"HYLL", b"HYL", b"hyll\x01" + bytes(11) + b"\x7f\xff",
                             b"HYLL\x01" + bytes(10), b"XYLL\x01" + bytes(11) + b"\x7f\xff"])
        return g.value()

    def safe_foreign_string(g):
        s = foreign_string(g)
        return s[:-1] if ends_in_cut_xzero(s) else s

    # --- generators ----------------------------------------------------------------------
    @op("hll", 8)
    def pfadd(g):
        return C("PFADD", g.key(), *elements(g))

    @op("hll", 3)
    def pfcount(g):
        return C("PFCOUNT", g.key())

    @op("hll", 2)
    def pfcount_many(g):
        return C("PFCOUNT", *g.keys(2, 4))

    @op("hll", 2.5)
    def pfmerge(g):
        return C("PFMERGE", g.key(), *g.keys(0, 3))

    @op("hll", 2.5)
    def pfdebug(g):
        sub = g.choice([b"GETREG", b"DECODE", b"ENCODING", b"ENCODING", b"TODENSE", b"decode",
                        b"getreg", b"encoding", b"todense", b"NOSUCH", b""])
        if g.chance(0.03):
            return C("PFDEBUG", sub, g.key(), b"extra")
        return C("PFDEBUG", sub, g.key())

    @op("hll", 5)
    def get(g):
        return C("GET", g.key())

    @op("hll", 1)
    def strlen_and_encoding(g):
        k = g.key()
        return [C("STRLEN", k), C("OBJECT", "ENCODING", k)]

    @op("hll", 1)
    def set_foreign(g):
        k = g.key()
        return [C("SET", k, safe_foreign_string(g)),
                C(g.choice(["PFCOUNT", "PFADD", "PFDEBUG", "GET"]), *(
                    [b"ENCODING", k] if g.chance(0.25) else [k]))]

    @op("hll", 0.7, mode="sync")
    def damage(g, ex):
        # Overwrite a few bytes of whatever is there: header, cache, first opcodes, or anywhere.
        # Overwriting bytes inside a sparse body can shift where the opcodes after them begin,
        # so the string may end in the first byte of an XZERO however the new bytes are
        # chosen (a later opcode's second byte becomes an opcode of its own). Such a string
        # (see ends_in_cut_xzero) is completed with one more byte before anything else runs.
        k = g.key()
        where = g.choice([4, 8, 15, 16, 17, 18, g.randint(16, 60), g.randint(0, 12303)])
        data = g.binary(g.randint(1, 3)) if g.chance(0.8) else g.choice([b"\x80", b"\x3f", b"\x00"])
        ex.both(C("SETRANGE", k, b"%d" % where, data))
        if g.chance(0.2):
            ex.both(C("APPEND", k, g.choice([b"\x80", b"\x00", b"\x3f", b"\xc1", b"\x9a"])))
        ra, _ = ex.both(C("GET", k))
        if ra.kind == "$" and ra.value is not None and ends_in_cut_xzero(ra.value):
            ex.both(C("APPEND", k, b"\x80"))

    @op("hll", 2)
    def delete(g):
        return C("DEL", *g.keys(1, 2))

    @op("hll", 0.3)
    def other_type(g):
        # A key of another type: the PF commands answer the generic WRONGTYPE.
        k = g.key()
        return g.choice([C("HSET", k, b"f", b"v"), C("ZADD", k, b"1", b"m")])

    @op("hll", 0.3)
    def sparse_max_bytes(g):
        return C("CONFIG", "SET", "hll-sparse-max-bytes",
                 g.choice([b"0", b"20", b"100", b"500", b"3000", b"3000", b"3000", b"8000"]))

    @op("hll", 0.3)
    def protocol(g):
        return C("HELLO", g.choice(["2", "3"]), cmp=h.cmp_hello)

    @op("hll", 0.4, multi=False)
    def watch_pfcount(g):
        # PFCOUNT rewriting a stale cache is a modification for WATCH. A whole transaction of its
        # own: never queued inside another MULTI (its EXEC would end that one early).
        k = g.key()
        return [C("WATCH", k), C("PFCOUNT", k), C("MULTI"), C("PING"), C("EXEC")]
