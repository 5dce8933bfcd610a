"""Start and stop redis-server / memkeydb-server instances for tests.

    with start_redis() as r, start_memkeydb(maxmemory="1gb") as m:
        conn = m.connect()            # helpers.resp.RespConnection
        client = m.redis_py()         # redis.Redis (python3-redis), if wanted

Every server:
  * listens on 127.0.0.1 on a free port (found by binding port 0; start-up is
    retried on another port if the port was taken in between);
  * gets its own temporary directory, passed as --dir, holding its log
    (stdout+stderr) in server.log;
  * is started with ``--bind 127.0.0.1 --port P --save "" --appendonly no
    --enable-debug-command yes --dir D`` followed by the caller's options;
  * is considered started once it answers PING with +PONG;
  * is stopped with SHUTDOWN NOSAVE, then SIGTERM and SIGKILL if it has not exited in time,
    and its directory is removed (kept when env KEEP_TEST_DIRS=1).

Options are keyword arguments turned into ``--name value``: underscores become
dashes (``hash_max_listpack_entries=2`` -> ``--hash-max-listpack-entries 2``),
True/False become yes/no, a list/tuple gives several values after one name, and
None drops the option. Names that are not identifiers can be passed with
``**{"some-option": v}``. ``args=[...]`` appends raw arguments and
``config_file=PATH`` puts a config file first, like ``redis-server PATH --opt v``.

Binaries: redis-server from env REDIS_SERVER (default /usr/bin/redis-server),
memkeydb from env MEMKEYDB_SERVER (default <repo>/build/memkeydb-server). A
missing memkeydb binary raises ServerBinaryMissing (tests must fail, not skip).
With env MEMKEYDB_SANITIZED=1, memkeydb gets much longer start/stop timeouts.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence

from .resp import RespConnection

__all__ = [
    "Server", "ServerStartError", "ServerBinaryMissing", "start_server", "start_redis",
    "start_memkeydb", "redis_binary", "memkeydb_binary", "free_port", "sanitized",
]

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_MEMKEYDB = os.path.join(REPO_ROOT, "build", "memkeydb-server")
DEFAULT_REDIS = "/usr/bin/redis-server"


_LIVE = set()  # servers started and not yet stopped


@atexit.register
def _kill_leftovers():
    """Last resort (e.g. an interrupted run): never leave servers or temp dirs behind."""
    for srv in list(_LIVE):
        try:
            srv.proc.kill()
            srv.proc.wait(timeout=5)
        except Exception:
            pass
        if not srv.keep_dir:
            shutil.rmtree(srv.dir, ignore_errors=True)
    _LIVE.clear()


class ServerStartError(RuntimeError):
    pass


class ServerBinaryMissing(ServerStartError):
    pass


def redis_binary() -> str:
    return os.environ.get("REDIS_SERVER") or DEFAULT_REDIS


def memkeydb_binary() -> str:
    return os.environ.get("MEMKEYDB_SERVER") or DEFAULT_MEMKEYDB


def sanitized() -> bool:
    return os.environ.get("MEMKEYDB_SANITIZED", "") not in ("", "0", "no", "false")


def free_port(host: str = "127.0.0.1") -> int:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


def _option_args(options: Dict[str, object]) -> List[str]:
    out: List[str] = []
    for name, value in options.items():
        if value is None:
            continue
        out.append("--" + name.replace("_", "-"))
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is True:
                v = "yes"
            elif v is False:
                v = "no"
            out.append(v.decode() if isinstance(v, bytes) else str(v))
    return out


class Server:
    """A running server process. Use as a context manager or call stop()."""

    def __init__(self, kind: str, binary: str, host: str, port: int, workdir: str,
                 logpath: str, proc: subprocess.Popen, argv: List[str],
                 stop_timeout: float, keep_dir: bool):
        self.sanitizer_report = ""  # set by stop(): sanitizer lines found in the log
        self.kind = kind
        self.binary = binary
        self.host = host
        self.port = port
        self.dir = workdir
        self.logpath = logpath
        self.proc = proc
        self.argv = argv
        self.stop_timeout = stop_timeout
        self.keep_dir = keep_dir
        self.exit_code: Optional[int] = None
        self.died_unexpectedly = False
        self._stopped = False
        self._exit_expected = False
        self._conns: List[RespConnection] = []

    def __repr__(self):
        return "<%s server %s:%d pid %d>" % (self.kind, self.host, self.port, self.proc.pid)

    @property
    def addr(self):
        return (self.host, self.port)

    # -- clients ---------------------------------------------------------
    def connect(self, timeout: float = 30.0) -> RespConnection:
        """A raw RESP connection, closed automatically when the server is stopped."""
        if sanitized() and self.kind == "memkeydb":
            timeout = max(timeout, 120.0)
        c = RespConnection(self.host, self.port, timeout=timeout)
        self._conns.append(c)
        return c

    def redis_py(self, **kwargs):
        """A redis-py client (python3-redis) for this server."""
        import redis  # imported lazily: only tests that want it need it
        kwargs.setdefault("socket_timeout", 120.0 if sanitized() else 30.0)
        return redis.Redis(host=self.host, port=self.port, **kwargs)

    # -- state -----------------------------------------------------------
    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        try:
            with open(self.logpath, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError as e:
            return "(log unavailable: %s)" % e

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def describe(self, lines: int = 60) -> str:
        state = "running" if self.alive() else "exited with code %s" % self.proc.poll()
        return ("---- %s server on port %d (%s), argv: %s\n---- last %d log lines of %s:\n%s\n---- end of log"
                % (self.kind, self.port, state, " ".join(shlex.quote(a) for a in self.argv), lines, self.logpath,
                   self.log_tail(lines)))

    # -- stopping ----------------------------------------------------------
    def expect_exit(self):
        """Declare that the process exiting before stop() is intended (a test that
        sends SHUTDOWN itself, or kills it), so teardown does not report a crash."""
        self._exit_expected = True

    def kill(self, sig: int = signal.SIGKILL) -> int:
        """Send `sig` to the server and wait for it to exit (an intended exit)."""
        self._exit_expected = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=self.stop_timeout)

    def stop(self, print_log: bool = False) -> Optional[int]:
        """SHUTDOWN NOSAVE, then SIGTERM, then SIGKILL, each after a timeout. Idempotent. Returns the
        exit code. Sets died_unexpectedly if the process was gone before we asked."""
        if self._stopped:
            return self.exit_code
        self.sanitizer_report = ""
        self._stopped = True
        for c in self._conns:
            c.close()
        self._conns.clear()
        try:
            if self.proc.poll() is not None:
                self.died_unexpectedly = not self._exit_expected
            else:
                refused = False
                try:
                    with RespConnection(self.host, self.port, timeout=5.0, connect_timeout=2.0) as c:
                        c.send_command("SHUTDOWN", "NOSAVE")
                        try:
                            r = c.read_reply()  # normally the connection just closes
                            refused = r.kind in ("-", "!")  # e.g. SHUTDOWN not implemented
                        except Exception:
                            pass
                except OSError:
                    refused = True
                # then SIGTERM (a clean exit keeps sanitizer reports), then SIGKILL
                for sig, wait in ((None, 0.5 if refused else self.stop_timeout),
                                  (signal.SIGTERM, self.stop_timeout), (signal.SIGKILL, 30)):
                    if sig is not None:
                        self.proc.send_signal(sig)
                    try:
                        self.proc.wait(timeout=wait)
                        break
                    except subprocess.TimeoutExpired:
                        continue
            self.exit_code = self.proc.returncode
            self.sanitizer_report = sanitizer_report(self.log())
            if print_log or self.died_unexpectedly or self.sanitizer_report:
                sys.stderr.write(self.describe() + "\n")
        finally:
            if self.proc.poll() is None:  # belt and braces
                self.proc.kill()
                self.proc.wait()
            _LIVE.discard(self)
            if not self.keep_dir:
                shutil.rmtree(self.dir, ignore_errors=True)
        return self.exit_code

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop(print_log=exc_type is not None)
        if exc_type is None and self.sanitizer_report:
            raise AssertionError("%s: sanitizer report in the server log:\n%s" % (self, self.sanitizer_report))


# Lines AddressSanitizer, LeakSanitizer and UBSan print when they find a problem. A sanitized
# server that reports one fails the test that ran it, even if every reply was right.
_SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def sanitizer_report(log: str) -> str:
    lines = [l for l in log.splitlines() if any(m in l for m in _SANITIZER_MARKERS)]
    return "\n".join(lines[:20])


def start_server(kind: str, binary: str, options: Optional[Dict[str, object]] = None,
                 args: Sequence[str] = (), config_file: Optional[str] = None,
                 start_timeout: Optional[float] = None, stop_timeout: Optional[float] = None,
                 attempts: int = 5, env: Optional[Dict[str, str]] = None) -> Server:
    """Start `binary` like redis-server and wait until it answers PING."""
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise ServerBinaryMissing(
            "%s binary not found or not executable: %s (set %s, or build it first)"
            % (kind, binary, "MEMKEYDB_SERVER" if kind == "memkeydb" else "REDIS_SERVER"))
    slow = sanitized() and kind == "memkeydb"
    if start_timeout is None:
        start_timeout = 120.0 if slow else 15.0
    if stop_timeout is None:
        stop_timeout = 120.0 if slow else 15.0
    keep = os.environ.get("KEEP_TEST_DIRS", "") not in ("", "0")
    options = dict(options or {})
    host = "127.0.0.1"
    last_error = None
    # the caller's values of the base options (e.g. port= to restart a server on its old port)
    overrides = {}
    for k in list(options):
        if k.replace("_", "-") in ("bind", "port", "save", "appendonly", "enable-debug-command", "dir"):
            overrides[k.replace("_", "-")] = options.pop(k)
    for attempt in range(attempts):
        workdir = tempfile.mkdtemp(prefix="%s-test-" % kind)
        logpath = os.path.join(workdir, "server.log")
        base = {"bind": host, "port": free_port(host), "save": "", "appendonly": "no",
                "enable-debug-command": "yes", "dir": workdir}
        base.update(overrides)
        port = int(base["port"])
        argv = [binary]
        if config_file:
            argv.append(config_file)
        argv += _option_args(base) + _option_args(options) + list(args)
        logf = open(logpath, "wb")
        try:
            proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=workdir, env=env, start_new_session=True)
        finally:
            logf.close()
        server = Server(kind, binary, host, port, workdir, logpath, proc, argv, stop_timeout, keep)
        _LIVE.add(server)
        try:
            _wait_ready(server, start_timeout)
            return server
        except ServerStartError as e:
            log = server.log()
            in_use = "Address already in use" in log or "EADDRINUSE" in log
            desc = server.describe()
            server.expect_exit()  # the log goes into the exception, not to stderr as well
            server.stop()
            if in_use and attempt + 1 < attempts:
                last_error = e
                continue
            raise ServerStartError("%s\n%s" % (e, desc)) from None
        except BaseException:
            server.stop(print_log=True)
            raise
    raise ServerStartError("could not start %s: %s" % (kind, last_error))


def _wait_ready(server: Server, timeout: float):
    deadline = time.monotonic() + timeout
    last = "no attempt"
    while time.monotonic() < deadline:
        if not server.alive():
            raise ServerStartError("%s exited during start-up with code %s"
                                   % (server.kind, server.proc.returncode))
        try:
            with RespConnection(server.host, server.port, timeout=2.0, connect_timeout=1.0) as c:
                r = c.execute("PING")
                if r == ("+", b"PONG"):
                    return
                last = "PING answered %r" % (r,)
        except (OSError, EOFError) as e:
            last = "%s: %s" % (type(e).__name__, e)
        except Exception as e:  # protocol garbage while starting
            last = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.02)
    raise ServerStartError("%s did not answer PING within %.0fs (last: %s)" % (server.kind, timeout, last))


def start_redis(config_file: Optional[str] = None, args: Sequence[str] = (), **options) -> Server:
    """Start the reference redis-server (7.0.15)."""
    return start_server("redis", redis_binary(), options, args=args, config_file=config_file)


def start_memkeydb(config_file: Optional[str] = None, args: Sequence[str] = (), env=None, **options) -> Server:
    """Start memkeydb-server (binary from env MEMKEYDB_SERVER)."""
    return start_server("memkeydb", memkeydb_binary(), options, args=args, config_file=config_file, env=env)
