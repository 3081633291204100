"""Protocol probes: one session against a server, as text to compare.

A probe opens one session on 127.0.0.1:PORT, sends each request of its
script and returns {request: reply} as text, with the server's own port
number written as '{port}' (each server of a study listens on a port of its
own; memcached's `stats settings` says which) and every match of the user's
mask regexes replaced by '#' (uptimes, process ids, random cookies).  Two
servers answer alike when their sessions are equal.

    line      the client speaks first: each request is sent with CRLF and its
              reply read (redis, memcached, IRC, a line protocol of one's own)
    greeting  the server speaks first (FTP, SMTP, SSH): its greeting is read,
              then as `line`; with no requests it is a banner probe
    dns       each request NAME/TYPE[/CLASS] is one query over UDP
              (version.bind/TXT/CH, host.example/A)

A reply is read until it equals one of the replies the caller expects (the
fast path of a load loop, which knows what the old and the new release
answer), or until the connection has been quiet for `quiet` seconds.
"""
from __future__ import annotations

import codecs
import random
import re
import socket
import struct
import time
from typing import Iterable, Optional, Sequence

HOST = "127.0.0.1"
KINDS = ("line", "greeting", "dns")
GREETING = "<greeting>"
Session = dict[str, str]


class ProbeError(Exception):
    """A session could not be held: no connection, no reply, connection lost."""


class Probe:
    def __init__(self, kind: str, requests: Sequence[str] = (), masks: Sequence[str] = (),
                 timeout: float = 5.0, quiet: float = 0.3):
        if kind not in KINDS:
            raise ValueError(f"unknown probe {kind!r}: one of {', '.join(KINDS)}")
        if kind != "greeting" and not requests:
            raise ValueError(f"a {kind} probe needs at least one request")
        self.kind, self.timeout, self.quiet = kind, timeout, quiet
        # requests come from a command line: \r, \n, \t escapes are allowed
        self.requests = [codecs.decode(r, "unicode_escape") for r in requests]
        self.masks = [re.compile(m) for m in masks]

    def labels(self) -> list[str]:
        return ([GREETING] if self.kind == "greeting" else []) + list(self.requests)

    def mask(self, text: str, port: int) -> str:
        text = re.sub(rf"(?<!\d){port}(?!\d)", "{port}", text)
        for m in self.masks:
            text = m.sub("#", text)
        return text

    def session(self, port: int, expect: Optional[dict[str, Iterable[str]]] = None) -> Session:
        """One session.  `expect`: {label: acceptable replies}; a reply is
        complete as soon as it equals one of them."""
        expect = expect or {}
        if self.kind == "dns":
            return {r: self._dns(port, r) for r in self.requests}
        out: Session = {}
        try:
            with socket.create_connection((HOST, port), timeout=self.timeout) as s:
                if self.kind == "greeting":
                    out[GREETING] = self._read(s, port, expect.get(GREETING, ()))
                for r in self.requests:
                    s.sendall((r + "\r\n").encode("latin-1"))
                    out[r] = self._read(s, port, expect.get(r, ()))
        except OSError as e:
            raise ProbeError(f"{type(e).__name__}: {e} (after {len(out)} of {len(self.labels())} replies)") from e
        return out

    def ready(self, port: int) -> bool:
        """Whether the server takes sessions yet (a connection, or a DNS answer)."""
        try:
            if self.kind == "dns":
                self._dns(port, self.requests[0], timeout=0.5)
            else:
                socket.create_connection((HOST, port), timeout=0.5).close()
            return True
        except (OSError, ProbeError):
            return False

    def _read(self, s: socket.socket, port: int, expected: Iterable[str]) -> str:
        expected = set(expected)
        buf = b""
        deadline = time.monotonic() + self.timeout
        while True:
            text = self.mask(buf.decode("latin-1"), port)
            if text in expected:
                return text
            now = time.monotonic()
            if now >= deadline:
                if not buf:
                    raise ProbeError(f"no reply in {self.timeout:g} s")
                return text
            # quiet for long enough after some bytes: the reply is complete
            s.settimeout(min(self.quiet if buf else self.timeout, deadline - now))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                if buf:
                    return text
                continue
            if not chunk:
                if not buf:
                    raise ProbeError("connection closed with no reply")
                return self.mask(buf.decode("latin-1"), port)
            buf += chunk

    # ------------------------------------------------------------ DNS

    def _dns(self, port: int, request: str, timeout: Optional[float] = None) -> str:
        name, qtype, qclass = (request.split("/") + ["IN"])[:3]
        qid = random.randrange(1 << 16)
        q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + _dns_name(name)
        q += struct.pack(">HH", _QTYPES[qtype.upper()], _QCLASSES[qclass.upper()])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout or self.timeout)
            try:
                s.sendto(q, (HOST, port))
                while True:
                    data = s.recv(4096)
                    if len(data) >= 12 and struct.unpack(">H", data[:2])[0] == qid:
                        break
            except OSError as e:
                raise ProbeError(f"DNS {request}: {type(e).__name__}: {e}") from e
        return self.mask(_dns_text(data), port)


_QTYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "ANY": 255}
_QCLASSES = {"IN": 1, "CH": 3}
_TYPE_NAMES = {v: k for k, v in _QTYPES.items()}


def _dns_name(name: str) -> bytes:
    return b"".join(bytes([len(p)]) + p.encode() for p in name.strip(".").split(".") if p) + b"\0"


def _read_name(data: bytes, off: int) -> tuple[str, int]:
    labels, end = [], None
    for _ in range(128):
        n = data[off]
        if n >= 0xC0:                       # compression pointer
            end = end or off + 2
            off = ((n & 0x3F) << 8) | data[off + 1]
            continue
        if n == 0:
            return ".".join(labels), end or off + 1
        labels.append(data[off + 1:off + 1 + n].decode("latin-1"))
        off += 1 + n
    raise ProbeError("DNS reply: name compression loops")


def _dns_text(data: bytes) -> str:
    """rcode, flags that matter and every answer record as text (TTL kept:
    mask it when it counts down)."""
    _, flags, qd, an, ns, ar = struct.unpack(">HHHHHH", data[:12])
    off = 12
    for _ in range(qd):
        off = _read_name(data, off)[1] + 4
    lines = [f"rcode={flags & 0xF} aa={flags >> 10 & 1} ra={flags >> 7 & 1} answers={an}"]
    for _ in range(an):
        name, off = _read_name(data, off)
        rtype, rclass, ttl, rdlen = struct.unpack(">HHIH", data[off:off + 10])
        rdata = data[off + 10:off + 10 + rdlen]
        off += 10 + rdlen
        if rtype == 1 and rdlen == 4:
            value = socket.inet_ntop(socket.AF_INET, rdata)
        elif rtype == 28 and rdlen == 16:
            value = socket.inet_ntop(socket.AF_INET6, rdata)
        elif rtype == 16:
            value, i = [], 0
            while i < rdlen:
                value.append(rdata[i + 1:i + 1 + rdata[i]].decode("latin-1"))
                i += 1 + rdata[i]
            value = " ".join(f'"{v}"' for v in value)
        else:
            value = rdata.hex()
        lines.append(f"{name} {_TYPE_NAMES.get(rtype, rtype)} class={rclass} ttl={ttl} {value}")
    return "\n".join(lines)
