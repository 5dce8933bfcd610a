"""Helpers shared by the tiered-memory tests: reading the DRAM share, waiting for the
controller to reach a target, and loading data through a raw pipelined socket."""

from __future__ import annotations

import os
import time

from helpers.resp import encode_command

KMEM_ENV = dict(os.environ, MEMKIND_DAX_KMEM_NODES="0")
TOLERANCE = 0.02


def info(conn, section="tiers"):
    return conn.info(section)


def dram_share(conn):
    i = info(conn, "memory")
    dram, far = int(i["used_memory_dram"]), int(i["used_memory_pmem"])
    return dram / (dram + far)


def wait_for_share(conn, target, timeout):
    """Polls until the DRAM share is within TOLERANCE of target and the controller holds.
    Returns (seconds taken, last share)."""
    start = time.monotonic()
    share = dram_share(conn)
    while time.monotonic() - start < timeout:
        share = dram_share(conn)
        state = info(conn)["controller_state"]
        if abs(share - target) <= TOLERANCE and state in ("holding", "steering"):
            return time.monotonic() - start, share
        time.sleep(0.1)
    return None, share


def pipeline(sock, commands, batch=2000):
    """Sends commands in pipelined batches, reading all replies; returns the replies' first bytes."""
    kinds = []
    for start in range(0, len(commands), batch):
        chunk = commands[start:start + batch]
        sock.sendall(b"".join(encode_command(c) for c in chunk))
        want = len(chunk)
        buf = b""
        got = 0
        while got < want:
            data = sock.recv(1 << 20)
            assert data, "connection closed"
            buf += data
            # Replies here are simple (+OK, :n) or short errors: count CRLF-terminated lines.
            lines = buf.split(b"\r\n")
            buf = lines.pop()
            for line in lines:
                kinds.append(line[:1])
                got += 1
    return kinds
