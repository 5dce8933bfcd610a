"""RDB files end to end: SAVE/BGSAVE and restart, files moving both ways between redis-server 7.0
and memkeydb, redis-check-rdb, save points, SHUTDOWN SAVE/NOSAVE, DEBUG RELOAD, LASTSAVE and
INFO persistence, `redis-cli --rdb`, refusal of corrupt files at start-up, MISCONF after a
failed BGSAVE, and crash safety (kill -9 during BGSAVE).

Value types memkeydb cannot load yet (their RDB codec has not landed) are skipped with that
reason; every string encoding is always covered.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from helpers import servers  # noqa: E402

REDIS_CHECK_RDB = "/usr/bin/redis-check-rdb"
REDIS_CLI = "/usr/bin/redis-cli"


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="mkdb-rdb-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def info(r, section="persistence"):
    return r.info(section)


def wait_bgsave(r, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if info(r)["rdb_bgsave_in_progress"] == 0:
            return
        time.sleep(0.05)
    raise AssertionError("BGSAVE did not finish")


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --- datasets -----------------------------------------------------------------------------

def fill_strings(r):
    """Every string encoding, TTLs, binary data, several databases."""
    p = r.pipeline(transaction=False)
    p.set("int", 12345)
    p.set("negint", -99999999999)
    p.set("bigint", "123456789012345678901234567890")
    p.set("embstr", "hello")
    p.set("raw", "r" * 100)
    p.set("compressible", "abc" * 1000)
    p.set("binary", bytes(range(256)) * 3)
    p.set("empty", "")
    p.set("ttl", "v", ex=1000)
    p.set("ttl_ms", "w" * 50, px=500000)
    for i in range(500):
        p.set("k:%d" % i, ("value-%d-" % i) * (i % 40))
    p.execute()
    r.execute_command("SELECT", 5)
    r.set("in5", "five")
    r.set("ttl5", "x", ex=2000)
    r.execute_command("SELECT", 0)


def fill_collections(r, kinds):
    """Each collection type in both of its encodings (small and large)."""
    if "hash" in kinds:
        r.hset("hash:lp", mapping={"a": "1", "b": "two"})
        r.hset("hash:ht", mapping={"f%d" % i: "v%d" % i for i in range(600)})
    if "set" in kinds:
        r.sadd("set:intset", *range(10))
        r.sadd("set:ht", *["m%d" % i for i in range(600)])
    if "zset" in kinds:
        r.zadd("zset:lp", {"a": 1, "b": 2.5})
        r.zadd("zset:sl", {"m%d" % i: i / 3 for i in range(300)})
    if "list" in kinds:
        r.rpush("list:small", "a", "b", 1, 2)
        r.rpush("list:big", *["e%d" % i for i in range(2000)])
    if "stream" in kinds:
        for i in range(150):
            r.xadd("stream", {"f": i, "g": "x" * (i % 7)}, id="1-%d" % (i + 1))
        r.xgroup_create("stream", "grp", id="1-10")
        r.xreadgroup("grp", "alice", {"stream": ">"}, count=3)
    if "hll" in kinds:
        r.pfadd("hll:sparse", "a", "b", "c")
        r.pfadd("hll:dense", *["e%d" % i for i in range(5000)])


def value_of(r, key, kind):
    if kind == "string":
        return r.get(key)
    if kind == "hash":
        return sorted(r.hgetall(key).items())
    if kind == "set":
        return sorted(r.smembers(key))
    if kind == "zset":
        return r.zrange(key, 0, -1, withscores=True)
    if kind == "list":
        return r.lrange(key, 0, -1)
    if kind == "stream":
        groups = [(g["name"], g["last-delivered-id"], g["pending"]) for g in r.xinfo_groups(key)]
        return (r.xrange(key), groups, r.xinfo_stream(key)["last-generated-id"])
    return r.dump(key)


def dataset(r):
    """{(db, key): (type, value, ttl_s)} of every database."""
    out = {}
    for db in range(16):
        r.execute_command("SELECT", db)
        for key in r.scan_iter(count=1000):
            kind = r.type(key).decode()
            ttl = r.pttl(key)
            out[(db, key)] = (kind, value_of(r, key, kind), ttl)
    r.execute_command("SELECT", 0)
    return out


def assert_same(a, b):
    assert a.keys() == b.keys(), (sorted(set(a) ^ set(b)))[:10]
    for k in a:
        ka, va, ta = a[k]
        kb, vb, tb = b[k]
        assert (ka, va) == (kb, vb), k
        if ta < 0 or tb < 0:
            assert ta == tb, k
        else:
            assert abs(ta - tb) <= 1500, (k, ta, tb)


def memkeydb_loads(kind, redis_srv, mk_srv):
    """Whether memkeydb can read `kind` from Redis's RDB bytes: RESTORE of a DUMP."""
    r, m = redis_srv.redis_py(), mk_srv.redis_py()
    r.flushall()
    fill_collections(r, {kind})
    key = next(iter(r.scan_iter()))
    payload = r.dump(key)
    r.flushall()
    try:
        m.restore("probe:" + kind, 0, payload, replace=True)
    except Exception:
        return False
    finally:
        m.delete("probe:" + kind)
    return True


def start_mk(server_factory, workdir, **opts):
    return server_factory.memkeydb(dir=workdir, **opts)


def check_rdb(path):
    out = subprocess.run([REDIS_CHECK_RDB, path], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "RDB looks OK" in out.stdout, out.stdout + out.stderr
    return out.stdout


# --- tests --------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["save", "bgsave"])
def test_save_then_restart_is_identical(server_factory, workdir, how):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    fill_strings(r)
    before = dataset(r)
    if how == "save":
        assert r.save()
    else:
        assert r.bgsave()
        wait_bgsave(r)
        assert info(r)["rdb_last_bgsave_status"] == "ok"
    assert info(r)["rdb_changes_since_last_save"] == 0
    m.stop()
    m2 = start_mk(server_factory, workdir)
    r2 = m2.redis_py()
    assert_same(before, dataset(r2))
    assert info(r2)["rdb_last_load_keys_loaded"] == len(before)
    assert "Done loading RDB, keys loaded: %d" % len(before) in m2.log()


def test_redis_file_loads_into_memkeydb(server_factory, workdir):
    redis_dir = tempfile.mkdtemp(prefix="redis-rdb-", dir=workdir)
    red = server_factory.redis(dir=redis_dir)
    probe = server_factory.memkeydb()
    kinds = {k for k in ("hash", "set", "zset", "list", "stream", "hll")
             if memkeydb_loads(k, red, probe)}
    probe.stop()
    rr = red.redis_py()
    rr.flushall()
    fill_strings(rr)
    fill_collections(rr, kinds)
    expected = dataset(rr)
    assert rr.save()
    shutil.copy(os.path.join(redis_dir, "dump.rdb"), os.path.join(workdir, "dump.rdb"))
    m = start_mk(server_factory, workdir)
    assert_same(expected, dataset(m.redis_py()))
    missing = {"hash", "set", "zset", "list", "stream", "hll"} - kinds
    if missing:
        pytest.skip("strings checked; memkeydb cannot load %s yet (value codec not landed)"
                    % ", ".join(sorted(missing)))


def test_memkeydb_file_accepted_by_redis(server_factory, workdir):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    fill_strings(r)
    expected = dataset(r)
    assert r.save()
    out = check_rdb(os.path.join(workdir, "dump.rdb"))
    assert "keys read" in out
    redis_dir = tempfile.mkdtemp(prefix="redis-load-", dir=workdir)
    shutil.copy(os.path.join(workdir, "dump.rdb"), os.path.join(redis_dir, "dump.rdb"))
    red = server_factory.redis(dir=redis_dir)
    assert_same(expected, dataset(red.redis_py()))


def test_checksum_off_and_compression_off(server_factory, workdir):
    m = start_mk(server_factory, workdir, rdbchecksum=False, rdbcompression=False)
    r = m.redis_py()
    fill_strings(r)
    expected = dataset(r)
    assert r.save()
    path = os.path.join(workdir, "dump.rdb")
    with open(path, "rb") as f:
        assert f.read()[-8:] == b"\0" * 8
    check_rdb(path)
    m.stop()
    m2 = start_mk(server_factory, workdir)
    assert_same(expected, dataset(m2.redis_py()))


def test_save_points_fire(server_factory, workdir):
    m = start_mk(server_factory, workdir, save="1 3")
    r = m.redis_py()
    r.set("a", 1)
    r.set("b", 2)
    time.sleep(2.5)
    assert info(r)["rdb_saves"] == 0  # 2 changes: under the save point
    r.set("c", 3)
    deadline = time.time() + 10
    while info(r)["rdb_saves"] == 0 and time.time() < deadline:
        time.sleep(0.1)
    wait_bgsave(r)
    i = info(r)
    assert i["rdb_saves"] == 1 and i["rdb_changes_since_last_save"] == 0
    assert "3 changes in 1 seconds. Saving..." in m.log()
    assert info(r, "stats")["total_forks"] >= 1
    assert os.path.exists(os.path.join(workdir, "dump.rdb"))


def test_shutdown_save_and_nosave(server_factory, workdir):
    path = os.path.join(workdir, "dump.rdb")
    m = start_mk(server_factory, workdir)
    c = m.connect()
    c.execute("SET", "k", "v1")
    m.expect_exit()
    c.send_command("SHUTDOWN", "SAVE")
    m.proc.wait(timeout=30)
    assert os.path.exists(path)
    saved = sha(path)
    # Save points configured, but NOSAVE: the file stays as it was.
    m2 = start_mk(server_factory, workdir, save="3600 1")
    r2 = m2.redis_py()
    assert r2.get("k") == b"v1"
    r2.set("k", "v2")
    m2.expect_exit()
    m2.connect().send_command("SHUTDOWN", "NOSAVE")
    m2.proc.wait(timeout=30)
    assert sha(path) == saved
    # Save points configured, plain SHUTDOWN: saved.
    m3 = start_mk(server_factory, workdir, save="3600 1")
    r3 = m3.redis_py()
    r3.set("k", "v3")
    m3.expect_exit()
    m3.connect().send_command("SHUTDOWN")
    m3.proc.wait(timeout=30)
    m4 = start_mk(server_factory, workdir)
    assert m4.redis_py().get("k") == b"v3"


def test_debug_reload(server_factory, workdir):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    fill_strings(r)
    before = dataset(r)
    digest = r.execute_command("DEBUG", "DIGEST")
    assert r.execute_command("DEBUG", "RELOAD") == b"OK"
    assert r.execute_command("DEBUG", "DIGEST") == digest
    assert_same(before, dataset(r))
    # NOSAVE: back to the file as saved, dropping later writes.
    r.set("later", 1)
    assert r.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert r.get("later") is None
    # NOFLUSH without MERGE: every key of the file is a duplicate.
    with pytest.raises(Exception, match="Error trying to load the RDB dump"):
        r.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH")
    r.execute_command("DEBUG", "RELOAD", "NOSAVE")
    r.set("embstr", "changed")
    r.set("extra", 1)
    assert r.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == b"OK"
    assert r.get("embstr") == b"hello" and r.get("extra") == b"1"
    with pytest.raises(Exception, match="only supports the MERGE, NOFLUSH and NOSAVE"):
        r.execute_command("DEBUG", "RELOAD", "BOGUS")
    # A corrupt file: refused, and the dataset in memory is kept.
    before = dataset(r)
    path = os.path.join(workdir, "dump.rdb")
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[: len(data) - 30])
    with pytest.raises(Exception, match="Error trying to load the RDB dump"):
        r.execute_command("DEBUG", "RELOAD", "NOSAVE")
    assert_same(before, dataset(r))
    assert "Short read or OOM loading DB" in m.log()


def test_lastsave_and_info_fields(server_factory, workdir):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    i = info(r)
    for field in ("loading", "async_loading", "rdb_bgsave_in_progress", "rdb_last_bgsave_status",
                  "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec", "rdb_last_cow_size",
                  "rdb_saves", "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded",
                  "current_fork_perc", "current_save_keys_processed", "current_save_keys_total"):
        assert field in i, field
    assert i["rdb_last_bgsave_time_sec"] == -1 and i["rdb_saves"] == 0
    c = m.connect()
    lastsave = lambda: c.execute("LASTSAVE").value  # noqa: E731
    assert lastsave() == i["rdb_last_save_time"]
    r.set("a", 1)
    before = lastsave()
    time.sleep(1.1)
    r.execute_command("BGSAVE")
    wait_bgsave(r)
    i = info(r)
    assert lastsave() > before
    assert i["rdb_saves"] == 1 and i["rdb_last_bgsave_status"] == "ok"
    assert i["rdb_last_bgsave_time_sec"] >= 0
    s = info(r, "stats")
    assert s["total_forks"] == 1 and s["latest_fork_usec"] > 0
    assert lastsave() == i["rdb_last_save_time"]
    with pytest.raises(Exception, match="syntax error"):
        r.execute_command("BGSAVE", "NOW")


def test_expired_keys_dropped_on_load(server_factory, workdir):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    r.set("short", 1, px=300)
    r.set("long", 1, ex=100)
    r.save()
    m.stop()
    time.sleep(0.5)
    m2 = start_mk(server_factory, workdir)
    r2 = m2.redis_py()
    i = info(r2)
    assert i["rdb_last_load_keys_loaded"] == 1 and i["rdb_last_load_keys_expired"] == 1
    assert r2.exists("short") == 0 and r2.exists("long") == 1


def test_redis_cli_rdb(server_factory, workdir):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    fill_strings(r)
    out = os.path.join(workdir, "fetched.rdb")
    res = subprocess.run([REDIS_CLI, "-p", str(m.port), "--rdb", out], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "Transfer finished with success" in res.stderr + res.stdout
    check_rdb(out)
    # The server keeps serving, and the fetched file holds the dataset.
    assert r.get("embstr") == b"hello"
    expected = dataset(r)
    r.flushall()
    shutil.copy(out, os.path.join(workdir, "dump.rdb"))
    assert r.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert_same(expected, dataset(r))


@pytest.mark.parametrize("damage", ["truncate", "flip", "checksum"])
def test_corrupt_dump_refused_at_startup(server_factory, workdir, damage):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    fill_strings(r)
    r.save()
    m.stop()
    path = os.path.join(workdir, "dump.rdb")
    data = bytearray(open(path, "rb").read())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[200] ^= 0xFF
    else:
        data[-1] ^= 1
    with open(path, "wb") as f:
        f.write(data)
    saved = sha(path)
    log = os.path.join(workdir, "start.log")
    with open(log, "w") as lf:
        proc = subprocess.run([servers.memkeydb_binary(), "--port", "0", "--dir", workdir,
                               "--unixsocket", os.path.join(workdir, "s.sock"), "--save", ""],
                              stdout=lf, stderr=subprocess.STDOUT, timeout=60)
    text = open(log).read()
    assert proc.returncode != 0, text
    assert "at offset " in text, text
    if damage == "truncate":
        assert "Short read or OOM loading DB. Unrecoverable error, aborting now." in text
    if damage == "checksum":
        assert "wrong RDB checksum" in text
    assert sha(path) == saved


def test_misconf_after_failed_bgsave(server_factory, workdir):
    target = os.path.join(workdir, "doomed")
    os.mkdir(target)
    m = start_mk(server_factory, target, save="3600 1")
    c = m.connect()
    os.rmdir(target)  # the cwd is gone: the child cannot create its file
    assert c.execute("BGSAVE").value == b"Background saving started"
    r = m.redis_py()
    wait_bgsave(r)
    assert info(r)["rdb_last_bgsave_status"] == "err"
    reply = c.execute("SET", "k", "v")
    assert reply.kind == "-" and reply.value.startswith(b"MISCONF "), reply
    assert c.execute("PING").value.startswith(b"MISCONF ")
    assert c.execute("GET", "k").kind != "-"
    assert c.execute("CONFIG", "SET", "stop-writes-on-bgsave-error", "no").value == b"OK"
    assert c.execute("SET", "k", "v").value == b"OK"


def test_kill9_during_bgsave_keeps_old_file(server_factory, workdir):
    m = start_mk(server_factory, workdir)
    r = m.redis_py()
    r.set("old", "dataset")
    r.save()
    path = os.path.join(workdir, "dump.rdb")
    saved = sha(path)
    r.execute_command("DEBUG", "POPULATE", 300000, "key", 200)
    r.bgsave()
    time.sleep(0.05)
    m.kill(signal.SIGKILL)
    time.sleep(0.5)
    assert sha(path) == saved
    check_rdb(path)
    m2 = start_mk(server_factory, workdir)
    r2 = m2.redis_py()
    assert r2.dbsize() == 1 and r2.get("old") == b"dataset"
    # And a BGSAVE whose child is killed: the parent reports the failure, the file stays.
    # (a child killed with its parent above may have left its temp file, as in Redis)
    stale = {f for f in os.listdir(workdir) if f.startswith("temp-")}
    r2.execute_command("DEBUG", "POPULATE", 300000, "key", 200)
    r2.bgsave()
    children = open("/proc/%d/task/%d/children" % (m2.proc.pid, m2.proc.pid)).read().split()
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    wait_bgsave(r2)
    assert info(r2)["rdb_last_bgsave_status"] == "err" or not children
    assert sha(path) == saved
    assert not [f for f in os.listdir(workdir) if f.startswith("temp-") and f not in stale]
