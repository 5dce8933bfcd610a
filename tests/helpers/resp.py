"""A minimal raw RESP2/RESP3 client, written for byte-exact reply comparison.

Unlike redis-py it hides nothing: every reply is returned as a ``Reply``
namedtuple ``(kind, value)`` whose ``kind`` is the RESP type byte, so a
simple string ``+OK`` and a bulk string ``$2 OK`` are different values, an
error keeps its full message, and the three kinds of null stay apart:

    kind  value                               wire form
    '+'   bytes                               +OK                (simple string)
    '-'   bytes (whole message)               -ERR ...           (error)
    ':'   int                                 :42                (integer)
    '$'   bytes, or None for the null bulk    $3 foo / $-1       (bulk string)
    '*'   tuple of Reply, or None             *2 ... / *-1       (array / null array)
    '_'   None                                _                  (RESP3 null)
    '%'   tuple of (Reply, Reply) pairs       %1 ...             (RESP3 map)
    '~'   tuple of Reply                      ~2 ...             (RESP3 set)
    ','   bytes (text exactly as sent)        ,1.5               (RESP3 double)
    '#'   bool                                #t / #f            (RESP3 boolean)
    '>'   tuple of Reply                      >3 ...             (RESP3 push)
    '='   (format bytes, content bytes)       =7 txt:abc         (RESP3 verbatim)
    '('   bytes                               (12345...          (RESP3 big number)
    '!'   bytes                               !5 ERR x           (RESP3 blob error)
    '|'   (attributes tuple, Reply)           |1 ...             (RESP3 attribute + the reply it annotates)

Replies are tuples all the way down, so they compare with ``==`` and can be
hashed or sorted.

    conn = RespConnection("127.0.0.1", port)
    conn.execute("SET", "k", b"\\x00v")          -> Reply('+', b'OK')
    conn.pipeline([["GET", "k"], ["INCR", "k"]]) -> [Reply('$', b'\\x00v'), Reply('-', b'ERR value ...')]
    conn.send_raw(b"PING\\r\\n"); conn.read_reply()  (inline command)
    conn.call("GET", "k")  -> b'\\x00v'  (plain Python value, raises RespError on an error reply)
"""

from __future__ import annotations

import socket
from collections import namedtuple
from typing import Iterable, List, Sequence

__all__ = [
    "Reply", "RespError", "ProtocolError", "ConnectionClosed", "RespConnection",
    "encode_command", "to_py", "fmt", "is_error",
]


class Reply(namedtuple("Reply", "kind value")):
    __slots__ = ()

    def __repr__(self):  # compact, readable in assertion messages
        return "Reply(%r, %r)" % (self.kind, self.value)


class RespError(Exception):
    """An error reply, raised by RespConnection.call()."""


class ProtocolError(Exception):
    """The server sent something that is not valid RESP."""


class ConnectionClosed(ConnectionError):
    """The server closed the connection."""


def _arg(a) -> bytes:
    if isinstance(a, bytes):
        return a
    if isinstance(a, (bytearray, memoryview)):
        return bytes(a)
    if isinstance(a, str):
        return a.encode("utf-8", "surrogateescape")
    if isinstance(a, bool):
        return b"1" if a else b"0"
    if isinstance(a, (int, float)):
        return repr(a).encode() if isinstance(a, float) else str(a).encode()
    raise TypeError("cannot encode argument %r" % (a,))


def encode_command(args: Sequence) -> bytes:
    """Encode one command as a RESP multibulk request."""
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        b = _arg(a)
        parts.append(b"$%d\r\n" % len(b))
        parts.append(b)
        parts.append(b"\r\n")
    return b"".join(parts)


_SINGLE_LINE = {b"+"[0]: "+", b"-"[0]: "-", b","[0]: ",", b"("[0]: "("}
_AGGREGATE = {b"*"[0]: "*", b"~"[0]: "~", b">"[0]: ">"}


class RespConnection:
    """One blocking TCP connection speaking RESP (either protocol version)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 6379, timeout: float = 30.0,
                 connect_timeout: float = 5.0):
        self.host, self.port = host, port
        self.sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.sock.settimeout(timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buf = bytearray()
        self._pos = 0

    # -- lifetime -------------------------------------------------------
    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def settimeout(self, timeout: float):
        self.sock.settimeout(timeout)

    # -- sending --------------------------------------------------------
    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send_command(self, *args):
        self.sock.sendall(encode_command(args))

    def send_commands(self, commands: Iterable[Sequence]):
        self.sock.sendall(b"".join(encode_command(c) for c in commands))

    # -- receiving ------------------------------------------------------
    def _fill(self):
        try:
            data = self.sock.recv(1 << 20)
        except socket.timeout:
            raise socket.timeout("timed out waiting for a reply from %s:%d" % (self.host, self.port))
        if not data:
            raise ConnectionClosed("connection closed by %s:%d" % (self.host, self.port))
        if self._pos and self._pos >= (len(self._buf) >> 1):
            del self._buf[:self._pos]
            self._pos = 0
        self._buf += data

    def _line(self) -> bytes:
        skip = 0  # bytes after _pos already known to contain no CRLF
        while True:
            i = self._buf.find(b"\r\n", self._pos + skip)
            if i >= 0:
                line = bytes(self._buf[self._pos:i])
                self._pos = i + 2
                return line
            skip = max(0, len(self._buf) - self._pos - 1)
            self._fill()  # may compact the buffer, which keeps _pos-relative offsets

    def _exact(self, n: int) -> bytes:
        while len(self._buf) - self._pos < n + 2:
            self._fill()
        end = self._pos + n
        if self._buf[end:end + 2] != b"\r\n":
            raise ProtocolError("bulk payload of %d bytes not followed by CRLF" % n)
        data = bytes(self._buf[self._pos:end])
        self._pos = end + 2
        return data

    def has_pending_data(self) -> bool:
        return self._pos < len(self._buf)

    def read_reply(self) -> Reply:
        line = self._line()
        if not line:
            raise ProtocolError("empty reply line")
        t = line[0]
        rest = line[1:]
        kind = _SINGLE_LINE.get(t)
        if kind is not None:
            return Reply(kind, rest)
        if t == 58:  # ':'
            return Reply(":", int(rest))
        if t == 36:  # '$'
            n = int(rest)
            if n < 0:
                return Reply("$", None)
            return Reply("$", self._exact(n))
        kind = _AGGREGATE.get(t)
        if kind is not None:
            n = int(rest)
            if n < 0:
                return Reply(kind, None)
            rr = self.read_reply
            return Reply(kind, tuple(rr() for _ in range(n)))
        if t == 95:  # '_'
            return Reply("_", None)
        if t == 37:  # '%'
            n = int(rest)
            rr = self.read_reply
            return Reply("%", tuple((rr(), rr()) for _ in range(n)))
        if t == 35:  # '#'
            if rest == b"t":
                return Reply("#", True)
            if rest == b"f":
                return Reply("#", False)
            raise ProtocolError("bad boolean %r" % line)
        if t == 61:  # '='
            data = self._exact(int(rest))
            if len(data) < 4 or data[3:4] != b":":
                raise ProtocolError("bad verbatim string %r" % data[:16])
            return Reply("=", (data[:3], data[4:]))
        if t == 33:  # '!'
            return Reply("!", self._exact(int(rest)))
        if t == 124:  # '|'
            n = int(rest)
            rr = self.read_reply
            attrs = tuple((rr(), rr()) for _ in range(n))
            return Reply("|", (attrs, rr()))
        raise ProtocolError("unknown reply type byte %r in line %r" % (chr(t), line[:64]))

    def read_replies(self, n: int) -> List[Reply]:
        rr = self.read_reply
        return [rr() for _ in range(n)]

    # -- convenience ----------------------------------------------------
    def execute(self, *args) -> Reply:
        """Send one command, return its raw Reply."""
        self.send_command(*args)
        return self.read_reply()

    def pipeline(self, commands: Sequence[Sequence]) -> List[Reply]:
        """Send N commands in one write, read N replies."""
        commands = list(commands)
        self.send_commands(commands)
        return self.read_replies(len(commands))

    def call(self, *args):
        """Send one command; return the reply as plain Python, raise RespError on errors."""
        r = self.execute(*args)
        if r.kind in ("-", "!"):
            raise RespError(r.value.decode("utf-8", "replace"))
        return to_py(r)

    def info(self, section: str = "default") -> dict:
        """INFO <section> as a dict of field -> value (strings)."""
        text = self.call("INFO", section)
        if isinstance(text, bytes):
            text = text.decode()
        out = {}
        for line in text.splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k] = v
        return out

    def is_closed_by_peer(self, timeout: float = 2.0) -> bool:
        """True if the server closes the connection (EOF) within `timeout` seconds
        without sending anything more."""
        if self.has_pending_data():
            return False
        old = self.sock.gettimeout()
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
        finally:
            try:
                self.sock.settimeout(old)
            except OSError:
                pass
        if data:
            self._buf += data
            return False
        return True


def is_error(r: Reply) -> bool:
    return r.kind in ("-", "!")


def to_py(r: Reply):
    """Convert a Reply into plain Python values (bytes, int, None, list, dict, set, float, bool).
    Errors become RespError instances (not raised)."""
    k, v = r
    if k in ("+", "$", "("):
        return v if k != "(" else int(v)
    if k == ":":
        return v
    if k in ("-", "!"):
        return RespError(v.decode("utf-8", "replace"))
    if k in ("*", ">"):
        return None if v is None else [to_py(x) for x in v]
    if k == "~":
        return [to_py(x) for x in v]
    if k == "%":
        out = {}
        for a, b in v:
            key = to_py(a)
            if isinstance(key, list):
                key = tuple(key)
            out[key] = to_py(b)
        return out
    if k == "_":
        return None
    if k == ",":
        return float(v)
    if k == "#":
        return v
    if k == "=":
        return v[1]
    if k == "|":
        return to_py(v[1])
    raise ValueError("unknown reply kind %r" % (k,))


def _short(b: bytes, limit: int) -> str:
    if len(b) <= limit:
        return repr(b)[1:]
    return "%s...(%d bytes total)" % (repr(b[:limit])[1:], len(b))


def fmt(r, limit: int = 200, indent: str = "") -> str:
    """Human-readable rendering that keeps the reply type visible."""
    if not isinstance(r, Reply):
        return repr(r)
    k, v = r
    if k == "+":
        return "+" + _short(v, limit)
    if k == "-":
        return "(error) " + _short(v, limit)
    if k == "!":
        return "(blob error) " + _short(v, limit)
    if k == ":":
        return "(integer) %d" % v
    if k == "$":
        return "(nil bulk)" if v is None else "$" + _short(v, limit)
    if k == "_":
        return "(null)"
    if k == ",":
        return "(double) " + v.decode("ascii", "replace")
    if k == "(":
        return "(bignum) " + v.decode("ascii", "replace")
    if k == "#":
        return "(true)" if v else "(false)"
    if k == "=":
        return "(verbatim %s) %s" % (v[0].decode("ascii", "replace"), _short(v[1], limit))
    if k in ("*", "~", ">"):
        name = {"*": "array", "~": "set", ">": "push"}[k]
        if v is None:
            return "(nil array)"
        if not v:
            return "(empty %s)" % name
        inner = indent + "  "
        items = list(v)
        shown = items[:50]
        lines = ["%s%d) %s" % (inner, i + 1, fmt(x, limit, inner)) for i, x in enumerate(shown)]
        if len(items) > len(shown):
            lines.append("%s... (%d more)" % (inner, len(items) - len(shown)))
        return "(%s of %d)\n" % (name, len(items)) + "\n".join(lines)
    if k == "%":
        inner = indent + "  "
        lines = ["%s%s => %s" % (inner, fmt(a, limit, inner), fmt(b, limit, inner)) for a, b in v[:50]]
        if len(v) > 50:
            lines.append("%s... (%d more)" % (inner, len(v) - 50))
        return "(map of %d)\n" % len(v) + "\n".join(lines)
    if k == "|":
        return "(attributes %s) %s" % (fmt(Reply("%", v[0]), limit, indent), fmt(v[1], limit, indent))
    return repr(r)
