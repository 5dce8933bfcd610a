#!/usr/bin/python3
"""RDB persistence, memkeydb against redis-server 7.0: memory during BGSAVE, save time, load time.

One run measures both servers, one after the other (never both holding the dataset at once, so
the machine's memory is not the limit), with the same settings and the same dataset:

  dataset   strings of mixed sizes (64 B .. 16 KiB, random incompressible bytes) until --gb of
            values are loaded, plus some collections (hashes, sets, sorted sets, lists) when the
            server can persist them (memkeydb: probed by RESTOREing Redis's DUMP of each type;
            a type it cannot load yet is left out of both servers, with a note);
  steady    parent RSS and PSS once the load is done and the loading connection closed;
  BGSAVE    started while redis-benchmark runs SET on its own key range (key:__rand_int__,
            --write-clients connections, 256-byte values) for the whole save; every 20 ms the
            parent's and the child's RSS and PSS (/proc/<pid>/smaps_rollup) are summed; the peak
            of each sum is compared with the steady state;
  save      wall time from BGSAVE to rdb_bgsave_in_progress:0, and the file's size;
  load      the server restarted on the file: wall time until it answers PING, and the time it
            logged ("DB loaded from disk: X seconds").

rdbcompression is off for both (the values are random: LZF would only burn time), so the save is
bound by walking the dataset and writing it. Results: memkeydb/redis ratios, printed and written
to bench/results/persistence-<timestamp>.{md,csv}. Not part of CI.

  /usr/bin/python3 bench/persistence.py               # 2 GB
  /usr/bin/python3 bench/persistence.py --gb 0.2      # quick
"""

import argparse
import csv
import datetime
import io
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
from helpers.servers import (memkeydb_binary, redis_binary, start_memkeydb, start_redis,  # noqa: E402
                             start_server)

sys.path.insert(0, HERE)
from common import proc_kb  # noqa: E402

SIZES = [64, 256, 1024, 4096, 16384]
COLLECTION_KINDS = ["hash", "set", "zset", "list"]


def rss(pid):
    return proc_kb(pid, "VmRSS") * 1024


def pss(pid):
    return proc_kb(pid, "Pss", "smaps_rollup") * 1024


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Pipe:
    """A bare socket pipelining commands and counting (not parsing) the replies."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = []
        self.pending = 0
        self.size = 0

    def add(self, *args):
        cmd = resp(*args)
        self.buf.append(cmd)
        self.size += len(cmd)
        self.pending += 1
        if self.size >= 4 << 20:
            self.flush()

    def flush(self):
        if not self.buf:
            return
        self.s.sendall(b"".join(self.buf))
        self.buf, self.size = [], 0
        data = b""
        # Every reply here is one line (+OK / :n); errors are reported.
        while data.count(b"\r\n") < self.pending:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise RuntimeError("server closed the connection")
            data += chunk
        if b"-" in data[:1] or b"\r\n-" in data:
            raise RuntimeError("error reply while loading: %r" % data[:200])
        self.pending = 0

    def close(self):
        self.flush()
        self.s.close()


def call(port, *args, timeout=600):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(resp(*args))
        data = b""
        while not data.endswith(b"\r\n") or (data[:1] == b"$" and data.count(b"\r\n") < 2):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
        return data


def info(port, section="persistence"):
    text = call(port, "INFO", section).decode(errors="replace")
    out = {}
    for line in text.split("\r\n"):
        if ":" in line and not line.startswith(("#", "$")):
            k, v = line.split(":", 1)
            out[k] = v
    return out


def load_dataset(port, gb, kinds, seed):
    rng = random.Random(seed)
    pool = os.urandom(64 << 20)
    target = int(gb * (1 << 30))
    p = Pipe(port)
    total = n = 0
    while total < target:
        size = SIZES[n % len(SIZES)]
        off = rng.randrange(0, len(pool) - size)
        p.add("SET", "str:%d" % n, pool[off:off + size])
        total += size
        n += 1
    coll = 0
    for i in range(2000):
        if "hash" in kinds:
            p.add("HSET", "hash:%d" % i, *[x for f in range(50) for x in ("f%d" % f, "v%d" % (f * i))])
        if "set" in kinds:
            p.add("SADD", "set:%d" % i, *["m%d" % (f * i) for f in range(50)])
        if "zset" in kinds:
            p.add("ZADD", "zset:%d" % i, *[x for f in range(50) for x in (f, "m%d" % f)])
        if "list" in kinds:
            p.add("RPUSH", "list:%d" % i, *["e%d" % f for f in range(50)])
        coll += len(kinds)
    p.close()
    return n, coll, total


def memkeydb_persists(kind):
    """Whether memkeydb can load `kind` from RDB bytes (its codec has landed)."""
    red, mk = start_redis(), start_memkeydb()
    try:
        key = "probe"
        cmds = {"hash": ("HSET", key, "a", "1"), "set": ("SADD", key, "a"),
                "zset": ("ZADD", key, 1, "a"), "list": ("RPUSH", key, "a")}
        call(red.port, *cmds[kind])
        r = red.redis_py()
        payload = r.dump(key)
        try:
            mk.redis_py().restore(key, 0, payload)
            return True
        except Exception:
            return False
    finally:
        red.stop()
        mk.stop()


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop_flag = False
        self.peak_rss = self.peak_pss = self.peak_child_pss = 0

    def run(self):
        while not self.stop_flag:
            kids = children(self.pid)
            r = rss(self.pid) + sum(rss(k) for k in kids)
            cp = sum(pss(k) for k in kids)
            p = pss(self.pid) + cp
            self.peak_rss = max(self.peak_rss, r)
            self.peak_pss = max(self.peak_pss, p)
            self.peak_child_pss = max(self.peak_child_pss, cp)
            time.sleep(0.02)


def measure(kind, args, kinds, workdir):
    opts = {"dir": workdir, "rdbcompression": "no", "save": ""}
    start = start_redis if kind == "redis" else start_memkeydb
    srv = start(**opts)
    try:
        t0 = time.time()
        keys, colls, value_bytes = load_dataset(srv.port, args.gb, kinds, args.seed)
        load_s = time.time() - t0
        time.sleep(1.0)
        steady_rss, steady_pss = rss(srv.proc.pid), pss(srv.proc.pid)
        bench = subprocess.Popen(
            ["redis-benchmark", "-p", str(srv.port), "-t", "set", "-r", "1000000", "-d", "256",
             "-c", str(args.write_clients), "-n", "100000000", "-q"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        sampler = Sampler(srv.proc.pid)
        sampler.start()
        t0 = time.time()
        reply = call(srv.port, "BGSAVE")
        if not reply.startswith(b"+"):
            raise RuntimeError("%s BGSAVE: %r" % (kind, reply))
        while True:
            time.sleep(0.05)
            i = info(srv.port)
            if i.get("rdb_bgsave_in_progress") == "0":
                break
        save_s = time.time() - t0
        sampler.stop_flag = True
        sampler.join()
        bench.terminate()
        bench.wait()
        i = info(srv.port)
        if i.get("rdb_last_bgsave_status") != "ok":
            raise RuntimeError("%s BGSAVE failed" % kind)
        file_bytes = os.path.getsize(os.path.join(workdir, "dump.rdb"))
        cow = int(i.get("rdb_last_cow_size", 0))
    finally:
        srv.stop()
    # Restart on the file.
    t0 = time.time()
    binary = redis_binary() if kind == "redis" else memkeydb_binary()
    srv = start_server(kind, binary, opts, start_timeout=1800)
    restart_s = time.time() - t0
    m = re.search(r"DB loaded from disk: ([0-9.]+) seconds", srv.log())
    loaded_keys = int(info(srv.port).get("rdb_last_load_keys_loaded", 0))
    srv.stop()
    return {
        "keys": keys, "collections": colls, "value_bytes": value_bytes, "fill_s": load_s,
        "steady_rss": steady_rss, "steady_pss": steady_pss,
        "peak_rss_sum": sampler.peak_rss, "peak_pss_sum": sampler.peak_pss,
        "peak_child_pss": sampler.peak_child_pss, "cow_reported": cow,
        "save_s": save_s, "file_bytes": file_bytes,
        "restart_s": restart_s, "load_logged_s": float(m.group(1)) if m else float("nan"),
        "loaded_keys": loaded_keys,
    }


def versions():
    out = {}
    for name, binary in (("redis", redis_binary()), ("memkeydb", memkeydb_binary())):
        out[name] = subprocess.run([binary, "--version"], capture_output=True,
                                   text=True).stdout.strip()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--gb", type=float, default=2.0, help="GiB of string values (default 2)")
    ap.add_argument("--write-clients", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    kinds = [k for k in COLLECTION_KINDS if memkeydb_persists(k)]
    notes = []
    missing = [k for k in COLLECTION_KINDS if k not in kinds]
    if missing:
        notes.append("Left out of both datasets (memkeydb cannot load them from RDB yet): %s."
                     % ", ".join(missing))
    results = {}
    for kind in ("redis", "memkeydb"):
        workdir = tempfile.mkdtemp(prefix="persist-bench-%s-" % kind)
        try:
            print("%s: loading %.2f GiB ..." % (kind, args.gb), flush=True)
            results[kind] = measure(kind, args, kinds, workdir)
            print("  %s" % results[kind], flush=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    r, m = results["redis"], results["memkeydb"]
    rows = []

    def row(name, key, unit, scale=1.0, fmt="%.2f"):
        rv, mv = r[key] / scale, m[key] / scale
        rows.append((name, fmt % rv, fmt % mv, "%.2f" % (mv / rv) if rv else "n/a", unit))

    for name, key in (("steady RSS", "steady_rss"), ("steady PSS", "steady_pss"),
                      ("peak RSS parent+child during BGSAVE", "peak_rss_sum"),
                      ("peak PSS parent+child during BGSAVE", "peak_pss_sum"),
                      ("peak child PSS", "peak_child_pss"),
                      ("copy-on-write reported (rdb_last_cow_size)", "cow_reported"),
                      ("RDB file", "file_bytes")):
        row(name, key, "MiB", 1 << 20)
    row("BGSAVE time", "save_s", "s")
    row("restart until PING", "restart_s", "s")
    row("load time logged", "load_logged_s", "s", fmt="%.3f")
    for kind, res in results.items():
        rows.append(("peak RSS sum / steady RSS (%s)" % kind, "", "",
                     "%.2f" % (res["peak_rss_sum"] / res["steady_rss"]), "x"))
        rows.append(("peak PSS sum / steady PSS (%s)" % kind, "", "",
                     "%.2f" % (res["peak_pss_sum"] / res["steady_pss"]), "x"))

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = os.path.join(HERE, "results")
    os.makedirs(out_dir, exist_ok=True)
    v = versions()
    md = io.StringIO()
    md.write("# RDB persistence: memkeydb vs redis-server (%s)\n\n" % stamp)
    md.write("Machine: %s, %d CPUs, %s. redis: `%s`; memkeydb: `%s`.\n\n"
             % (platform.node(), os.cpu_count(), platform.platform(), v["redis"], v["memkeydb"]))
    md.write("Dataset: %d strings (%.2f GiB of values, sizes %s bytes) + %d collections; "
             "BGSAVE under redis-benchmark SET (%d clients); rdbcompression no.\n\n"
             % (r["keys"], r["value_bytes"] / (1 << 30), SIZES, r["collections"],
                args.write_clients))
    for n in notes:
        md.write("Note: %s\n\n" % n)
    md.write("| measure | redis | memkeydb | memkeydb/redis | unit |\n|---|---|---|---|---|\n")
    for rw in rows:
        md.write("| %s |\n" % " | ".join(rw))
    md.write("\nCommand: `/usr/bin/python3 bench/persistence.py --gb %g --write-clients %d`\n"
             % (args.gb, args.write_clients))
    with open(os.path.join(out_dir, "persistence-%s.md" % stamp), "w") as f:
        f.write(md.getvalue())
    with open(os.path.join(out_dir, "persistence-%s.csv" % stamp), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["measure", "redis", "memkeydb", "ratio", "unit"])
        w.writerows(rows)
    print(md.getvalue())


if __name__ == "__main__":
    main()
