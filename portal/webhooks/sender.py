"""One HTTP POST to a webhook endpoint: to the checked address, within a deadline, no redirects.

`http.client` follows no redirects and reads no proxy settings, so the request goes exactly
where the address guard allowed. The connection is opened to the resolved address while
the Host header and the TLS server name (certificate check included) stay the URL's host.
Every read waits at most what is left of the attempt's deadline, so a receiver that
trickles its answer a byte at a time cannot hold a worker past WEBHOOK_TIMEOUT_SECONDS.

Rules only: no Flask, no database.
"""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from portal.webhooks.address_guard import AddressRefused, Target, resolve_target

__all__ = ["AttemptResult", "post"]

ERROR_MAX = 500


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt got: the status code (None when no answer) and how long it took."""

    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the attempt's deadline passed")
    return left


class _DeadlineSocket(socket.socket):
    """A socket whose every read waits at most until the attempt's deadline."""

    deadline: float = 0.0

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(buffer, nbytes, flags)


class _DeadlineSSLSocket(ssl.SSLSocket):
    deadline: float = 0.0

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(buffer, nbytes, flags)


def _connect(target: Target, deadline: float) -> _DeadlineSocket:
    sock = _DeadlineSocket(target.family, socket.SOCK_STREAM)
    sock.deadline = deadline
    try:
        sock.settimeout(_remaining(deadline))
        sock.connect((target.address, target.port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, deadline: float) -> None:
        super().__init__(target.host, target.port)
        self._target, self._deadline = target, deadline

    def connect(self) -> None:
        self.sock = _connect(self._target, self._deadline)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Built once: loading the system's CA certificates takes longer than a local request.
    context = ssl.create_default_context()
    context.sslsocket_class = _DeadlineSSLSocket
    return context


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, deadline: float) -> None:
        context = _tls_context()
        super().__init__(target.host, target.port, context=context)
        self._target, self._deadline, self._tls = target, deadline, context

    def connect(self) -> None:
        raw = _connect(self._target, self._deadline)
        try:
            wrapped = self._tls.wrap_socket(raw, server_hostname=self._target.host)
        except BaseException:
            raw.close()
            raise
        wrapped.deadline = self._deadline  # type: ignore[attr-defined]
        self.sock = wrapped


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:ERROR_MAX]


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    allowed: frozenset[str],
) -> AttemptResult:
    """POST `body` to `url` through the address guard; never raises for a network failure."""
    started = time.monotonic()
    deadline = started + timeout

    def result(code: int | None, error: str | None) -> AttemptResult:
        return AttemptResult(code, int((time.monotonic() - started) * 1000), error)

    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        return result(None, "not an http(s) URL with a host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        target = resolve_target(host, port, allowed)
    except AddressRefused as refused:
        return result(None, f"refused: {refused}"[:ERROR_MAX])
    except (OSError, ValueError, UnicodeError) as error:
        return result(None, _describe(error))
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, deadline)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        code = response.status
        response.read(1024)  # a little of the answer, so the receiver's write completes
    except (OSError, http.client.HTTPException, ValueError) as error:
        return result(None, _describe(error))
    finally:
        connection.close()
    if 300 <= code < 400:
        return result(code, f"HTTP {code}: redirects are not followed")
    return result(code, None if 200 <= code < 300 else f"HTTP {code}")
