"""Differential generators for the geo commands (family "geo").

Geo indexes live on keys of their own (geo0..geo3) and, now and then, on the shared main keys,
so they collide with strings and sorted sets (WRONGTYPE, foreign scores). Points cluster in a
few regions (Sicily, the antimeridian, near both poles, the equator) with repeated coordinates,
so searches have ties, cross cell edges, and sets cross the listpack/skiplist boundary. Every
search form (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS[BYMEMBER][_RO]) is generated with valid and
invalid options; stored results are read back with ZRANGE WITHSCORES, which prints STOREDIST
distances with 17 digits, so distance arithmetic is compared to the last bit.
"""

GEO_ARITY = {
    ("GEOADD",): -5, ("GEODIST",): -4, ("GEOHASH",): -2, ("GEOPOS",): -2, ("GEOSEARCH",): -7,
    ("GEOSEARCHSTORE",): -8, ("GEORADIUS",): -6, ("GEORADIUSBYMEMBER",): -5,
    ("GEORADIUS_RO",): -6, ("GEORADIUSBYMEMBER_RO",): -5,
}

GEO_KEYS = [b"geo0", b"geo1", b"geo2", b"geo3"]
# Centres of the clusters points are drawn around: (lon, lat, spread in degrees).
REGIONS = [(13.5, 37.5, 1.5), (15.0, 37.0, 0.05), (179.8, 10.0, 0.5), (-179.8, 10.0, 0.5),
           (0.0, 84.9, 0.2), (30.0, -84.9, 0.2), (0.0, 0.0, 0.01), (-73.98, 40.75, 0.3),
           (100.0, -30.0, 20.0)]
UNITS = [b"m", b"km", b"ft", b"mi", b"M", b"KM", b"Km", b"mI"]
BAD_UNITS = [b"yd", b"", b"meters", b"k"]


def register(h):
    h.add_family("geo", GEO_ARITY)
    op, C = h.op, h.C

    # A few points are reused so that several members share a position (exact ties). They live
    # on the generator, so two generators with one seed agree.
    def points_of(g):
        if not hasattr(g, "geo_fixed_points"):
            g.geo_fixed_points = []
        return g.geo_fixed_points

    def coord_pair(g):
        fixed_points = points_of(g)
        r = g.rng.random()
        if r < 0.15 and fixed_points:
            return g.choice(fixed_points)
        if r < 0.2:
            lon, lat = g.choice([(b"180", b"85.05112878"), (b"-180", b"-85.05112878"),
                                 (b"0", b"0"), (b"-0", b"0"), (b"179.9999999", b"-85"),
                                 (b"1e-7", b"-1e-7"), (b"180", b"0"), (b"0", b"85")])
            return lon, lat
        lon0, lat0, spread = g.choice(REGIONS)
        lon = lon0 + g.rng.uniform(-spread, spread)
        lat = lat0 + g.rng.uniform(-spread, spread)
        lon = max(-180.0, min(180.0, lon))
        lat = max(-85.05112878, min(85.05112878, lat))
        digits = g.choice([2, 4, 6, 17])
        p = (b"%.*f" % (digits, lon), b"%.*f" % (digits, lat))
        if g.chance(0.1) and len(fixed_points) < 40:
            fixed_points.append(p)
        return p

    def bad_pair(g):
        return g.choice([(b"181", b"10"), (b"-180.0001", b"0"), (b"10", b"85.06"),
                         (b"10", b"-90"), (b"abc", b"1"), (b"1", b"nan"), (b"inf", b"0"),
                         (b"", b"1"), (b" 1", b"2"), (b"1e400", b"0"), (b"0x10", b"0")])

    def member(g):
        r = g.rng.random()
        if r < 0.85:
            return b"p%d" % g.randint(0, 30)
        if r < 0.9:
            return g.choice([b"", b"a", b"Palermo", b"Catania", b"\x00", b"\xff"])
        return b"L" + g.letters(g.randint(60, 80))

    def gkey(g):
        if g.chance(0.95):
            return g.choice(GEO_KEYS)
        return g.key()

    def unit(g):
        return g.choice(UNITS) if g.chance(0.97) else g.choice(BAD_UNITS)

    def radius(g):
        r = g.rng.random()
        if r < 0.7:
            return g.choice([b"1", b"10", b"50", b"100", b"200", b"500", b"1000", b"5000",
                             b"20000", b"0.5", b"3.7"])
        if r < 0.9:
            return g.choice([b"0", b"1e7", b"40000", b"2e4", b"123.456", b"7e6", b"100000"])
        return g.choice([b"-1", b"abc", b"", b"nan", b"inf"])

    def count_opt(g):
        if g.chance(0.85):
            c = [b"COUNT", g.choice([b"1", b"2", b"3", b"5", b"10", b"100"])]
        else:
            c = [b"COUNT", g.choice([b"0", b"-1", b"x", b"9223372036854775808"])]
        if g.chance(0.3):
            c.append(b"ANY")
        return c

    @op("geo", 10)
    def geoadd(g):
        args = ["GEOADD", gkey(g)]
        if g.chance(0.25):
            for f in [b"NX", b"XX", b"CH", b"nx", b"ch"]:
                if g.chance(0.25):
                    args.append(f)
        n = 1 if g.chance(0.4) else g.randint(1, 10)
        for _ in range(n):
            lon, lat = bad_pair(g) if g.chance(0.04) else coord_pair(g)
            args += [lon, lat, member(g)]
        if g.chance(0.03):
            args.append(b"1")
        return C(*args)

    @op("geo", 1)
    def geoadd_many(g):
        # Grows a set past zset-max-listpack-entries (128).
        args = ["GEOADD", g.choice(GEO_KEYS)]
        base = g.randint(0, 1000)
        for i in range(g.randint(60, 200)):
            lon, lat = coord_pair(g)
            args += [lon, lat, b"n%d" % (base + i)]
        return C(*args)

    @op("geo", 1)
    def foreign_scores(g):
        # Scores GEOADD never writes still decode (Redis converts them to 64-bit integers).
        return C("ZADD", g.choice(GEO_KEYS), g.choice([b"-1", b"1.5", b"1e19", b"-inf", b"inf",
                                                     b"4503599627370495.5", b"0", b"-0",
                                                     b"3377699720527872", b"1e300"]),
                 member(g))

    @op("geo", 4)
    def geopos_hash(g):
        c = g.choice(["GEOPOS", "GEOHASH"])
        return C(c, gkey(g), *[member(g) for _ in range(g.randint(0, 4))])

    @op("geo", 3)
    def geodist(g):
        args = ["GEODIST", gkey(g), member(g), member(g)]
        if g.chance(0.6):
            args.append(unit(g))
        if g.chance(0.03):
            args.append(b"km")
        return C(*args)

    def from_part(g, ok=True):
        if g.chance(0.5):
            return [g.choice([b"FROMMEMBER", b"frommember"]), member(g)]
        lon, lat = bad_pair(g) if (not ok or g.chance(0.03)) else coord_pair(g)
        return [b"FROMLONLAT", lon, lat]

    def by_part(g):
        if g.chance(0.5):
            return [b"BYRADIUS", radius(g), unit(g)]
        w = radius(g) if g.chance(0.1) else g.choice([b"1", b"50", b"100", b"400", b"2000",
                                                     b"30000", b"0.3"])
        hgt = g.choice([b"1", b"50", b"100", b"400", b"2000", b"30000", b"0.3", b"-2", b"x"]) \
            if g.chance(0.97) else b"abc"
        return [b"BYBOX", w, hgt, unit(g)]

    def search_opts(g, store=False):
        opts = []
        if g.chance(0.4):
            opts.append(g.choice([b"ASC", b"DESC", b"asc"]))
        if g.chance(0.4):
            opts += count_opt(g)
        if not store or g.chance(0.05):
            for w in [b"WITHCOORD", b"WITHDIST", b"WITHHASH"]:
                if g.chance(0.35):
                    opts.append(w)
        if g.chance(0.03):
            opts.append(g.choice([b"ANY", b"FOO", b"COUNT", b"STORE", b"STOREDIST"]))
        return opts

    @op("geo", 8)
    def geosearch(g):
        args = ["GEOSEARCH", gkey(g)]
        parts = [from_part(g), by_part(g)]
        if g.chance(0.04):
            parts.append(g.choice([from_part(g), by_part(g), []]))
        if g.chance(0.04):
            parts = parts[:1]
        if g.chance(0.2):
            g.rng.shuffle(parts)
        opts = search_opts(g)
        for p in parts:
            args += p
        args += opts
        return C(*args)

    @op("geo", 3)
    def geosearchstore(g):
        dst = g.choice(GEO_KEYS + [b"gdst", b"gdst"]) if g.chance(0.9) else g.key()
        args = ["GEOSEARCHSTORE", dst, gkey(g)] + from_part(g) + by_part(g)
        args += search_opts(g, store=True)
        if g.chance(0.5):
            args.append(b"STOREDIST")
        out = [C(*args)]
        if g.chance(0.7):
            out.append(C("ZRANGE", dst, b"0", b"-1", b"WITHSCORES"))
        return out

    @op("geo", 5)
    def georadius(g):
        c = g.choice(["GEORADIUS", "GEORADIUS_RO", "GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO",
                      "georadius"])
        args = [c, gkey(g)]
        if c.upper().startswith("GEORADIUSBYMEMBER"):
            args.append(member(g))
        else:
            lon, lat = bad_pair(g) if g.chance(0.03) else coord_pair(g)
            args += [lon, lat]
        args += [radius(g), unit(g)]
        store = not c.upper().endswith("_RO") and g.chance(0.35)
        opts = search_opts(g, store=store)
        dst = None
        if store or g.chance(0.03):
            dst = g.choice([b"gdst", b"geo3"]) if g.chance(0.9) else g.key()
            opts += [g.choice([b"STORE", b"STOREDIST", b"store"]), dst]
            if g.chance(0.05):
                opts += [b"STOREDIST", b"gdst2"]
        if g.chance(0.1):
            g.rng.shuffle(opts)
        out = [C(*(args + opts))]
        if dst is not None and g.chance(0.7):
            out.append(C("ZRANGE", dst, b"0", b"-1", b"WITHSCORES"))
        return out

    @op("geo", 2)
    def zreads(g):
        k = g.choice(GEO_KEYS + [b"gdst"])
        c = g.choice(["ZRANGE", "OBJECT", "ZCARD", "ZREM", "DEL"])
        if c == "ZRANGE":
            return C(c, k, b"0", b"-1", b"WITHSCORES")
        if c == "OBJECT":
            return C("OBJECT", "ENCODING", k)
        if c == "ZREM":
            return C(c, k, member(g), member(g))
        if c == "DEL" and g.chance(0.3):
            return C("DEL", k)
        return C("ZCARD", k)

    @op("geo", 1)
    def other_types(g):
        # Mostly on the shared keys; a geo key turned into a string is soon deleted again.
        if g.chance(0.8):
            k = g.key()
            return C("SET", k, b"v") if g.chance(0.5) else C("DEL", k)
        k = g.choice(GEO_KEYS)
        if g.chance(0.3):
            return [C("SET", k, b"v"), C("GEOPOS", k, b"p1"), C("DEL", k)]
        return C("DEL", k)

    @op("geo", 0.5, multi=False)
    def resp(g):
        return C("HELLO", g.choice(["2", "3"]), cmp=h.cmp_hello)
