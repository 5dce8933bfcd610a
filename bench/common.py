"""What every benchmark script here shares: /proc readings, a pipelined loader, redis-benchmark
runs, the machine's description, and the result files.

The scripts measure memkeydb and redis-server side by side in one run and report ratios; none of
this is used by the tests.
"""

import csv
import datetime
import io
import os
import platform
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
sys.path.insert(0, os.path.join(REPO, "tests"))
from helpers.servers import memkeydb_binary, redis_binary  # noqa: E402

# A far tier on this machine's only NUMA node (see the Makefile): ratio mode runs the real
# KMEM DAX code path on ordinary DRAM.
KMEM_ENV = dict(os.environ, MEMKIND_DAX_KMEM_NODES="0")


# ---- /proc ---------------------------------------------------------------------------------


def cpu_seconds(pid):
    """CPU time of the whole process, all its threads, in seconds.

    Summed from each thread's schedstat (nanoseconds); utime+stime from /proc/<pid>/stat ticks
    at 10 ms, too coarse for a one-second run. A thread that ended during the run drops out of
    the sum, so callers compare readings of long-lived servers only.
    """
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1e9


def proc_kb(pid, field, path="status"):
    """A `Field:  N kB` line of /proc/<pid>/<path>, in kB (0 if absent)."""
    try:
        with open(f"/proc/{pid}/{path}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass  # the process (a forked child) has gone
    return 0


def rss_bytes(pid):
    return proc_kb(pid, "VmRSS") * 1024


def info(srv, section):
    with srv.connect() as c:
        return c.info(section)


def used_memory(srv):
    return int(info(srv, "memory")["used_memory"])


def settle(srv, limit=60):
    """Waits (up to `limit` s) for memkeydb's tier controller to hold or give up (or to be off);
    returns the last INFO tiers."""
    deadline = time.monotonic() + limit
    while True:
        t = info(srv, "tiers")
        if t.get("controller_state") in ("holding", "unreachable", "off") or time.monotonic() > deadline:
            return t
        time.sleep(0.2)


# ---- loading -------------------------------------------------------------------------------


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def pipeline(port, commands, batch=2000):
    """Sends encoded commands (an iterable of bytes) in batches and waits for their replies.

    Every command here must have a one-line reply (+OK, :n or an error); an error reply stops
    the load. Returns the number of commands sent.
    """
    s = socket.create_connection(("127.0.0.1", port))
    sent = 0
    try:
        buf, count = [], 0
        for cmd in commands:
            buf.append(cmd)
            count += 1
            if count == batch:
                _send_batch(s, buf, count)
                sent += count
                buf, count = [], 0
        if count:
            _send_batch(s, buf, count)
            sent += count
    finally:
        s.close()
    return sent


def _send_batch(s, buf, count):
    s.sendall(b"".join(buf))
    got, prev = 0, b"\n"  # the byte before this chunk: a "\r\n" may be split across reads
    while got < count:
        data = s.recv(1 << 20)
        if not data:
            raise RuntimeError("server closed the connection while loading")
        chunk = prev + data
        if b"\n-" in chunk:
            raise RuntimeError("error reply while loading: %r" % chunk[:200])
        got += chunk.count(b"\r\n")
        prev = data[-1:]


def string_commands(n, value_size, first=0):
    """SET key:<12 digits> for keys first..first+n-1 (the key names loadgen draws from)."""
    value = b"v" * value_size
    head = b"*3\r\n$3\r\nSET\r\n$16\r\nkey:"
    tail = b"\r\n$%d\r\n%s\r\n" % (value_size, value)
    for i in range(first, first + n):
        yield head + b"%012d" % i + tail


def load_strings(port, n, value_size, first=0):
    pipeline(port, string_commands(n, value_size, first))


# ---- redis-benchmark -----------------------------------------------------------------------


def run_benchmark(port, pid, test, pipeline_depth, requests, clients, keyspace, data_size,
                  command=None):
    """One redis-benchmark run of `test` (or of a custom `command` list); returns
    ({csv title: req/s}, server CPU microseconds per request over the run)."""
    cmd = ["redis-benchmark", "-p", str(port), "-n", str(requests), "-c", str(clients),
           "-P", str(pipeline_depth), "-r", str(keyspace), "-d", str(data_size), "--csv", "-q"]
    cmd += command if command else ["-t", test]
    cpu0 = cpu_seconds(pid)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900).stdout
    cpu1 = cpu_seconds(pid)
    results = {}
    for row in list(csv.reader(io.StringIO(out)))[1:]:
        if len(row) >= 2:
            results[row[0]] = float(row[1])
    if not results:
        raise RuntimeError(f"redis-benchmark printed no result for {' '.join(cmd)}: {out!r}")
    return results, (cpu1 - cpu0) / (requests * len(results)) * 1e6


# ---- describing the run --------------------------------------------------------------------


def _first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=REPO).stdout
        return out.strip().splitlines()[0] if out.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine():
    """Lines naming the machine and the versions a result was measured on."""
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [
        f"Machine: {platform.node()}, {model}, {os.cpu_count()} cores, {mem_gib:.0f} GiB, "
        f"Linux {platform.release()}",
        f"redis-server: {_first_line([redis_binary(), '--version'])}",
        f"memkeydb: {_first_line([memkeydb_binary(), '--version'])}, commit "
        f"{_first_line(['git', 'rev-parse', '--short', 'HEAD'])}",
        f"memkind: {_first_line(['dpkg-query', '-W', '-f', '${Version}', 'libmemkind0'])}; "
        f"redis-benchmark: {_first_line(['redis-benchmark', '--version'])}",
    ]


def stamp():
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S")


def ratio(mine, theirs):
    return mine / theirs if theirs else float("nan")


def write_results(name, when, title, header_lines, tables, csv_header, csv_rows):
    """Writes bench/results/<name>-<when>.md (title, header lines, then (heading, columns,
    rows) tables) and .csv; returns the markdown path."""
    os.makedirs(RESULTS, exist_ok=True)
    base = os.path.join(RESULTS, f"{name}-{when}")
    with open(base + ".csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(csv_header)
        w.writerows(csv_rows)
    with open(base + ".md", "w") as f:
        f.write(f"# {title}\n\n")
        for line in header_lines:
            f.write(f"{line}  \n")
        for heading, columns, rows in tables:
            f.write(f"\n## {heading}\n\n")
            f.write(markdown_table(columns, rows))
    return base + ".md"


def markdown_table(columns, rows):
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"
