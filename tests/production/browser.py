"""A browser behind the HTTPS load balancer, seen from the app servers: plain HTTP on loopback.

The load balancer terminates TLS and adds X-Forwarded-Proto and X-Forwarded-For
(TRUSTED_PROXY_HOPS=1), so the portal sees an HTTPS request from the browser's address. Cookies
are kept by hand because the production session cookie is Secure, which a client speaking plain
HTTP would never send back. Every request opens its own connection, as gunicorn's sync workers
close each one.
"""

from __future__ import annotations

import http.client
import re
import socket
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class HeldRequest:
    """A request sent all but its last byte: the worker that accepted it waits for the rest."""

    def __init__(self, sock: socket.socket, rest: bytes, browser: Browser):
        self._sock = sock
        self._rest = rest
        self._browser = browser

    def finish(self) -> Response:
        """Send the last byte and read the answer."""
        self._sock.sendall(self._rest)
        response = http.client.HTTPResponse(self._sock, method="POST")
        try:
            response.begin()
            return self._browser.keep(response)
        finally:
            response.close()
            self._sock.close()


class Browser:
    """One person's browser: their address, their cookies."""

    def __init__(self, port: int, address: str):
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}

    def _request_bytes(self, method: str, path: str, form: dict[str, str] | None, address: str):
        body = urlencode(form).encode() if form is not None else b""
        host = f"127.0.0.1:{self.port}"
        headers = {
            "Host": host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": address,
            # Flask-WTF checks the referrer of HTTPS form posts, as browsers send it.
            "Referer": f"https://{host}{path}",
            "Connection": "close",
            "Content-Length": str(len(body)),
        }
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = f"{method} {path} HTTP/1.1\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        return (head + "\r\n").encode() + body

    def keep(self, response: http.client.HTTPResponse) -> Response:
        """Remember the cookies the response sets (or clears); return what it says."""
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        text = response.read().decode("utf-8", errors="replace")
        return Response(response.status, response.headers, text)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, address: str = ""
    ) -> Response:
        """Send one request on a connection of its own and read the whole answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(self._request_bytes(method, path, form, address or self.address))
            response = http.client.HTTPResponse(sock, method=method)
            try:
                response.begin()
                return self.keep(response)
            finally:
                response.close()

    def get(self, path: str) -> Response:
        """GET the path."""
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str], address: str = "") -> Response:
        """POST the form (add `csrf_token` to it first)."""
        return self.request("POST", path, form, address)

    def csrf_token(self, path: str) -> str:
        """Open the page and take the CSRF token from its form, as the browser would submit it."""
        page = self.get(path)
        assert page.status == 200, f"GET {path}: {page.status}"
        found = CSRF_INPUT.search(page.text)
        assert found, f"no csrf_token input on {path}"
        return found.group(1)

    def hold_post(self, path: str, form: dict[str, str], address: str) -> HeldRequest:
        """Start a POST and stop one byte short, keeping a sync worker busy until `finish`."""
        data = self._request_bytes("POST", path, form, address)
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock.sendall(data[:-1])
        return HeldRequest(sock, data[-1:], self)
