"""The append-only file (Redis 7.0's multi-part AOF) end to end.

* a random write workload of every type survives a restart (key by key: type, contents, TTL);
* the AOF directory memkeydb writes loads into redis-server 7.0 and passes redis-check-aof,
  and one redis-server writes loads into memkeydb;
* a torn tail is cut with aof-load-truncated yes (logged with its offset) and refused with no;
* BGREWRITEAOF under concurrent writes loses nothing and switches the manifest;
* appendfsync always: after SIGKILL at a random moment, every acknowledged write is there.

Randomized tests print their seed (set AOF_TEST_SEED to replay one).
"""

import os
import random
import shutil
import subprocess
import tempfile
import threading
import time

import pytest
import redis

from helpers import servers

AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"


def seed_of(name):
    seed = int(os.environ.get("AOF_TEST_SEED", random.randrange(1 << 30)))
    print("%s seed=%d" % (name, seed))
    return seed


@pytest.fixture
def data_dir():
    d = tempfile.mkdtemp(prefix="aof-test-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def wait_for(cond, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def persistence(client):
    return client.info("persistence")


def wait_rewrite_done(client):
    wait_for(lambda: persistence(client)["aof_rewrite_in_progress"] == 0 and
             persistence(client)["aof_rewrite_scheduled"] == 0, what="AOF rewrite")


def manifest_lines(d):
    with open(os.path.join(d, AOF_DIR, MANIFEST)) as f:
        return [l.split() for l in f.read().splitlines()]


# ---------------------------------------------------------------------------------------------
# Dataset snapshots

def dump_dataset(client, dbs=4):
    """{(db, key): (type, contents, pttl)} for every key of the first `dbs` databases."""
    out = {}
    for db in range(dbs):
        c = client.connection_pool.connection_kwargs
        r = redis.Redis(host=c["host"], port=c["port"], db=db)
        for key in r.scan_iter(count=1000):
            t = r.type(key).decode()
            if t == "string":
                v = r.get(key)
            elif t == "list":
                v = r.lrange(key, 0, -1)
            elif t == "set":
                v = sorted(r.smembers(key))
            elif t == "zset":
                v = r.zrange(key, 0, -1, withscores=True)
            elif t == "hash":
                v = sorted(r.hgetall(key).items())
            elif t == "stream":
                groups = []
                for g in r.xinfo_groups(key):
                    consumers = sorted((c["name"], c["pending"]) for c in r.xinfo_consumers(key, g["name"]))
                    pending = r.xpending_range(key, g["name"], "-", "+", 1000)
                    groups.append((g["name"], g["last-delivered-id"], consumers,
                                   [(p["message_id"], p["consumer"], p["times_delivered"]) for p in pending]))
                v = (r.xrange(key), r.xinfo_stream(key)["last-generated-id"], sorted(groups))
            else:
                v = None
            out[(db, key)] = (t, v, r.pttl(key))
        r.close()
    return out


def assert_same_dataset(before, after):
    assert set(before) == set(after), "keys differ: missing %s, extra %s" % (
        sorted(set(before) - set(after))[:10], sorted(set(after) - set(before))[:10])
    for k, (t, v, ttl) in before.items():
        t2, v2, ttl2 = after[k]
        assert (t, v) == (t2, v2), "key %r differs" % (k,)
        if ttl < 0:
            assert ttl2 == ttl, "key %r ttl %d vs %d" % (k, ttl, ttl2)
        else:
            assert abs(ttl - ttl2) <= 1500, "key %r ttl %d vs %d" % (k, ttl, ttl2)


# ---------------------------------------------------------------------------------------------
# A random workload over every type. Every command is deterministic when replayed as written
# (absolute expiry times, explicit stream IDs).

class Workload:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.stream_ms = 1

    def key(self, kind):
        return "%s:%d" % (kind, self.rng.randrange(12))

    def member(self):
        return "m%d" % self.rng.randrange(200)

    def command(self):
        r = self.rng
        op = r.randrange(22)
        if op == 0:
            return ["SET", self.key("s"), "v%d" % r.randrange(10 ** 6)]
        if op == 1:
            return ["APPEND", self.key("s"), "x" * r.randrange(1, 80)]
        if op == 2:
            return ["INCRBY", self.key("n"), str(r.randrange(-50, 50))]
        if op == 3:
            return ["RPUSH", self.key("l")] + [self.member() for _ in range(r.randrange(1, 90))]
        if op == 4:
            return ["LPUSH", self.key("l"), self.member()]
        if op == 5:
            return ["LPOP", self.key("l")]
        if op == 6:
            return ["SADD", self.key("set")] + [self.member() for _ in range(r.randrange(1, 90))]
        if op == 7:
            return ["SADD", self.key("iset")] + [str(r.randrange(1000)) for _ in range(r.randrange(1, 20))]
        if op == 8:
            return ["SREM", self.key("set"), self.member()]
        if op == 9:
            args = ["ZADD", self.key("z")]
            for _ in range(r.randrange(1, 90)):
                args += [repr(r.uniform(-1000, 1000)) if r.random() < 0.5 else str(r.randrange(100)),
                         self.member()]
            return args
        if op == 10:
            return ["ZINCRBY", self.key("z"), "1.5", self.member()]
        if op == 11:
            return ["ZREM", self.key("z"), self.member()]
        if op == 12:
            args = ["HSET", self.key("h")]
            for _ in range(r.randrange(1, 80)):
                args += [self.member(), "v" * r.randrange(1, 100)]
            return args
        if op == 13:
            return ["HDEL", self.key("h"), self.member()]
        if op == 14:
            self.stream_ms += r.randrange(1, 5)
            return ["XADD", self.key("x"), "%d-1" % self.stream_ms, "f", self.member()]
        if op == 15:
            return ["XGROUP", "CREATE", self.key("x"), "g%d" % r.randrange(2), "0", "MKSTREAM"]
        if op == 16:
            return ["XGROUP", "CREATECONSUMER", self.key("x"), "g0", "c%d" % r.randrange(3)]
        if op == 17:
            return ["PEXPIREAT", self.key(r.choice("s n l set z h".split())),
                    str(int(time.time() * 1000) + r.randrange(60000, 600000))]
        if op == 18:
            return ["DEL", self.key(r.choice("s n l set z h x".split()))]
        if op == 19:
            return ["PERSIST", self.key(r.choice("s n l".split()))]
        if op == 20:
            return ["HINCRBYFLOAT", self.key("hf"), "f", "%.3f" % r.uniform(-5, 5)]
        return ["SETRANGE", self.key("s"), str(r.randrange(20)), "abc"]

    def run(self, client, n):
        for _ in range(n):
            db = self.rng.randrange(4)
            cmd = self.command()
            conn = client[db]
            try:
                conn.execute_command(*cmd)
            except redis.ResponseError:
                pass  # WRONGTYPE and the like: not a write, not in the AOF


def clients_by_db(srv, dbs=4):
    return [srv.redis_py(db=db) for db in range(dbs)]


def start_aof_memkeydb(server_factory, d, **opts):
    opts.setdefault("appendonly", True)
    opts.setdefault("aof_use_rdb_preamble", False)
    return server_factory.memkeydb(dir=d, **opts)


# ---------------------------------------------------------------------------------------------
# (a) restart

def test_restart_keeps_a_random_workload(server_factory, data_dir):
    seed = seed_of("restart")
    srv = start_aof_memkeydb(server_factory, data_dir, aof_use_rdb_preamble=True)
    clients = clients_by_db(srv)
    Workload(seed).run(clients, 3000)
    # A transaction and a rewrite in the middle, then more writes on top.
    pipe = clients[1].pipeline(transaction=True)
    pipe.set("tx:a", "1").rpush("tx:l", "a", "b").execute()
    clients[0].bgrewriteaof()
    wait_rewrite_done(clients[0])
    Workload(seed + 1).run(clients, 1000)
    before = dump_dataset(clients[0])
    assert len(before) > 20
    srv.stop()
    srv2 = start_aof_memkeydb(server_factory, data_dir)
    assert_same_dataset(before, dump_dataset(srv2.redis_py()))
    assert "DB loaded from append only file" in srv2.log()


def test_layout_and_start_up_files(server_factory, data_dir):
    srv = start_aof_memkeydb(server_factory, data_dir)
    c = srv.redis_py()
    assert sorted(os.listdir(os.path.join(data_dir, AOF_DIR))) == [
        "appendonly.aof.1.base.aof", "appendonly.aof.1.incr.aof", MANIFEST]
    assert manifest_lines(data_dir) == [
        ["file", "appendonly.aof.1.base.aof", "seq", "1", "type", "b"],
        ["file", "appendonly.aof.1.incr.aof", "seq", "1", "type", "i"]]
    c.set("a", "1")
    with open(os.path.join(data_dir, AOF_DIR, "appendonly.aof.1.incr.aof"), "rb") as f:
        assert f.read() == b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
    info = persistence(c)
    assert info["aof_enabled"] == 1 and info["aof_last_write_status"] == "ok"
    assert info["aof_current_size"] > 0
    assert "Creating AOF base file appendonly.aof.1.base.aof on server start" in srv.log()


# ---------------------------------------------------------------------------------------------
# (b), (c) interchange with redis-server 7.0

@pytest.mark.parametrize("preamble", [False])  # True once the RDB value codecs are in
def test_memkeydb_aof_loads_into_redis(server_factory, data_dir, preamble):
    seed = seed_of("to-redis")
    srv = start_aof_memkeydb(server_factory, data_dir, aof_use_rdb_preamble=preamble)
    clients = clients_by_db(srv)
    Workload(seed).run(clients, 1500)
    clients[0].bgrewriteaof()
    wait_rewrite_done(clients[0])
    Workload(seed + 1).run(clients, 500)
    before = dump_dataset(clients[0])
    srv.stop()
    manifest = os.path.join(data_dir, AOF_DIR, MANIFEST)
    check = subprocess.run(["redis-check-aof", manifest], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr
    red = server_factory.redis(dir=data_dir, appendonly=True)
    assert_same_dataset(before, dump_dataset(red.redis_py()))


@pytest.mark.parametrize("preamble", [False])  # True once the RDB value codecs are in
def test_redis_aof_loads_into_memkeydb(server_factory, data_dir, preamble):
    seed = seed_of("from-redis")
    red = server_factory.redis(dir=data_dir, appendonly=True, aof_use_rdb_preamble=preamble)
    clients = clients_by_db(red)
    Workload(seed).run(clients, 1000)
    clients[0].bgrewriteaof()
    wait_rewrite_done(clients[0])
    Workload(seed + 1).run(clients, 1000)
    before = dump_dataset(clients[0])
    red.stop()
    srv = start_aof_memkeydb(server_factory, data_dir)
    assert_same_dataset(before, dump_dataset(srv.redis_py()))


# ---------------------------------------------------------------------------------------------
# (d) torn tails and corruption

def write_then_tear(server_factory, d, tear):
    srv = start_aof_memkeydb(server_factory, d)
    c = srv.redis_py()
    for i in range(50):
        c.set("k%d" % i, "v%d" % i)
    c.rpush("last", *["e%d" % i for i in range(30)])
    srv.stop()
    incr = os.path.join(d, AOF_DIR, "appendonly.aof.1.incr.aof")
    size = os.path.getsize(incr)
    with open(incr, "rb") as f:
        data = f.read()
    tear(incr, data)
    return size


def test_torn_tail_is_cut_when_allowed(server_factory, data_dir):
    seed = seed_of("torn")
    rng = random.Random(seed)
    cut_at = {}

    def tear(path, data):
        start = data.rindex(b"*32\r\n")  # the RPUSH
        cut_at["good"] = start
        cut = rng.randrange(start + 1, len(data))
        with open(path, "r+b") as f:
            f.truncate(cut)

    write_then_tear(server_factory, data_dir, tear)
    with pytest.raises(servers.ServerStartError) as e:
        start_aof_memkeydb(server_factory, data_dir, aof_load_truncated=False)
    assert "Unexpected end of file" in str(e.value)
    srv = start_aof_memkeydb(server_factory, data_dir, aof_load_truncated=True)
    c = srv.redis_py()
    assert c.dbsize() == 50 and c.get("k49") == b"v49" and not c.exists("last")
    log = srv.log()
    assert "Truncating the AOF appendonly.aof.1.incr.aof at offset %d" % cut_at["good"] in log
    assert os.path.getsize(os.path.join(data_dir, AOF_DIR, "appendonly.aof.1.incr.aof")) == cut_at["good"]
    c.set("after", "1")  # appends continue on a whole command boundary
    srv.stop()
    srv = start_aof_memkeydb(server_factory, data_dir)
    assert srv.redis_py().get("after") == b"1"


def test_unfinished_transaction_is_dropped(server_factory, data_dir):
    def tear(path, data):
        with open(path, "ab") as f:
            f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$2\r\ntx\r\n$1\r\n1\r\n")

    write_then_tear(server_factory, data_dir, tear)
    srv = start_aof_memkeydb(server_factory, data_dir)
    c = srv.redis_py()
    assert c.exists("last") and not c.exists("tx")
    assert "Revert incomplete MULTI/EXEC transaction" in srv.log()


def test_corruption_in_the_middle_is_refused(server_factory, data_dir):
    def tear(path, data):
        at = data.index(b"*3\r\n$3\r\nSET\r\n$2\r\nk7")
        with open(path, "wb") as f:
            f.write(data[:at] + b"!garbage\r\n" + data[at:])

    write_then_tear(server_factory, data_dir, tear)
    with pytest.raises(servers.ServerStartError) as e:
        start_aof_memkeydb(server_factory, data_dir)
    assert "Bad file format" in str(e.value) and "at offset" in str(e.value)


def test_unknown_command_and_wrong_arity_are_refused(server_factory, data_dir):
    for extra, text in ((b"*1\r\n$7\r\nNOSUCHX\r\n", "Unknown command 'NOSUCHX'"),
                        (b"*2\r\n$3\r\nSET\r\n$1\r\na\r\n", "Wrong number of arguments")):
        shutil.rmtree(os.path.join(data_dir, AOF_DIR), ignore_errors=True)

        def tear(path, data, extra=extra):
            with open(path, "ab") as f:
                f.write(extra)

        write_then_tear(server_factory, data_dir, tear)
        with pytest.raises(servers.ServerStartError) as e:
            start_aof_memkeydb(server_factory, data_dir)
        assert text in str(e.value)


# ---------------------------------------------------------------------------------------------
# (e) rewrite under writes

def test_rewrite_under_concurrent_writes(server_factory, data_dir):
    srv = start_aof_memkeydb(server_factory, data_dir)
    c = srv.redis_py()
    for i in range(200):
        c.rpush("big", *["x%d" % j for j in range(50)])
    stop = threading.Event()
    done = {"n": 0}

    def writer():
        w = srv.redis_py()
        while not stop.is_set():
            n = w.incr("counter")
            w.rpush("log", n)
            w.hset("h", "f%d" % (n % 500), n)
            done["n"] = n

    t = threading.Thread(target=writer)
    t.start()
    try:
        for _ in range(3):
            time.sleep(0.2)
            c.bgrewriteaof()
            wait_rewrite_done(c)
    finally:
        stop.set()
        t.join()
    info = persistence(c)
    assert info["aof_rewrites"] == 3 and info["aof_last_bgrewrite_status"] == "ok"
    lines = manifest_lines(data_dir)
    assert lines[0][1] == "appendonly.aof.4.base.aof" and lines[0][5] == "b"
    assert [l[5] for l in lines[1:]] == ["i"]
    files = sorted(os.listdir(os.path.join(data_dir, AOF_DIR)))
    assert files == sorted([MANIFEST] + [l[1] for l in lines]), files
    before = dump_dataset(c)
    assert int(c.get("counter")) == done["n"] and c.llen("log") == done["n"]
    srv.stop()
    srv2 = start_aof_memkeydb(server_factory, data_dir)
    assert_same_dataset(before, dump_dataset(srv2.redis_py()))


def test_enable_at_runtime_starts_a_rewrite(server_factory, data_dir):
    srv = server_factory.memkeydb(dir=data_dir)
    c = srv.redis_py()
    c.set("before", "1")
    c.config_set("appendonly", "yes")
    c.set("during", "1")
    wait_rewrite_done(c)
    c.set("after", "1")
    assert persistence(c)["aof_enabled"] == 1
    before = dump_dataset(c)
    c.config_set("appendonly", "no")
    c.set("not-logged", "1")
    srv.stop()
    srv2 = start_aof_memkeydb(server_factory, data_dir)
    assert_same_dataset(before, dump_dataset(srv2.redis_py()))


def test_auto_rewrite(server_factory, data_dir):
    srv = start_aof_memkeydb(server_factory, data_dir, auto_aof_rewrite_min_size="100kb",
                             auto_aof_rewrite_percentage=100)
    c = srv.redis_py()
    for i in range(400):
        c.set("k%d" % (i % 10), "v" * 1000)
    wait_for(lambda: persistence(c)["aof_rewrites"] >= 1, what="automatic rewrite")
    wait_rewrite_done(c)
    assert "Starting automatic rewriting of AOF" in srv.log()
    assert persistence(c)["aof_current_size"] < 100 * 1024


# ---------------------------------------------------------------------------------------------
# (f) crash safety with appendfsync always

def test_acknowledged_writes_survive_sigkill(server_factory, data_dir):
    seed = seed_of("crash")
    rng = random.Random(seed)
    rounds = 20
    for round_no in range(rounds):
        srv = start_aof_memkeydb(server_factory, data_dir, appendfsync="always")
        acked = {"incr": 0, "set": [], "rpush": 0}
        stop = threading.Event()

        def writer():
            w = srv.redis_py(socket_timeout=5)
            i = 0
            try:
                while not stop.is_set():
                    i += 1
                    op = i % 3
                    if op == 0:
                        acked["incr"] = w.incr("counter")
                    elif op == 1:
                        key = "r%d:k%d" % (round_no, i)
                        w.set(key, i)
                        acked["set"].append(key)
                    else:
                        acked["rpush"] = w.rpush("list", i)
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                pass

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(rng.uniform(0.05, 0.4))
        srv.kill()
        stop.set()
        t.join()
        srv.stop()
        srv2 = start_aof_memkeydb(server_factory, data_dir, appendfsync="always")
        c = srv2.redis_py()
        assert int(c.get("counter") or 0) >= acked["incr"], "round %d" % round_no
        assert c.llen("list") >= acked["rpush"], "round %d" % round_no
        missing = [k for k in acked["set"] if not c.exists(k)]
        assert not missing, "round %d: acknowledged SETs lost: %s" % (round_no, missing[:5])
        srv2.stop()
