"""The virus-scanning hook every evidence upload passes (check 24, ASVS 5.4.3).

``ZHENGGAI_AV_SCANNER`` names the scanner class (dotted path). Built in:

* :class:`SignatureScanner` (default): refuses the EICAR anti-virus test signature
  anywhere in the file. It proves the hook works; it is not an anti-virus.
* :class:`ClamdScanner`: asks a ClamAV daemon (``INSTREAM`` over the socket named by
  ``ZHENGGAI_CLAMD_ADDRESS``: a unix socket path or ``host:port``). An unreachable
  daemon refuses the upload (fail closed).

A scanner is a class with ``scan(data: bytes, name: str) -> str | None`` returning the
name of what it found, or ``None`` for a clean file.
"""

from __future__ import annotations

import socket
import struct
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

#: The EICAR test file (https://www.eicar.org), split so that this source is not flagged.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class ScannerUnavailable(Exception):
    """The scanner could not give an answer."""


class Scanner(Protocol):
    def scan(self, data: bytes, name: str) -> str | None: ...


class SignatureScanner:
    signatures = {"Eicar-Test-Signature": EICAR}

    def scan(self, data: bytes, name: str) -> str | None:
        for found, signature in self.signatures.items():
            if signature in data:
                return found
        return None


class ClamdScanner:
    chunk = 64 * 1024

    def __init__(self, address: str | None = None, timeout: float = 30.0) -> None:
        self.address = address or settings.ZHENGGAI_CLAMD_ADDRESS
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("/"):
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: object = self.address
        else:
            host, _, port = self.address.rpartition(":")
            conn = socket.socket(
                socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM
            )
            target = (host.strip("[]"), int(port))
        conn.settimeout(self.timeout)
        try:
            conn.connect(target)
        except OSError:
            conn.close()
            raise
        return conn

    def scan(self, data: bytes, name: str) -> str | None:
        try:
            with self._connect() as conn:
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.chunk):
                    part = data[start : start + self.chunk]
                    conn.sendall(struct.pack("!L", len(part)) + part)
                conn.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    more = conn.recv(4096)
                    if not more:
                        break
                    reply += more
        except (OSError, ValueError) as exc:
            raise ScannerUnavailable(str(exc)) from exc
        text = reply.rstrip(b"\0").decode("utf-8", "replace")
        if text.endswith("OK"):
            return None
        if text.endswith("FOUND"):
            return text.split(":", 1)[-1].removesuffix("FOUND").strip()
        raise ScannerUnavailable(text)


@cache
def _scanner(path: str) -> Scanner:
    return import_string(path)()


def scanner() -> Scanner:
    return _scanner(settings.ZHENGGAI_AV_SCANNER)
