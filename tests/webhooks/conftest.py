"""Receivers on 127.0.0.1 for the webhook tests: the example receiver (which verifies each
signature itself), one that always fails, one that answers slowly, one that redirects.

Every receiver is a real HTTP server on a port the OS picks; the app under test allows
127.0.0.1 through WEBHOOK_ALLOWED_HOSTS, exactly as a deployment would allow a private host.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.webhooks.address_guard import allowed_hosts
from portal.webhooks.endpoints import NewSecret, register_endpoint
from tests.conftest import new_user

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook_receiver.py"


def load_example() -> ModuleType:
    """examples/webhook_receiver.py as a module (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("webhook_receiver_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "WEBHOOK_TIMEOUT_SECONDS": 2,
    }


@dataclass
class Receiver:
    """A running receiver: its URL and what it received (verified events, raw requests)."""

    url: str
    events: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _serve(server: ThreadingHTTPServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def verifying_receiver() -> Iterator[Callable[[str], Receiver]]:
    """`verifying_receiver(secret)`: the example receiver, started on 127.0.0.1."""
    example = load_example()
    started: list[Iterator[None]] = []

    def start(secret: str) -> Receiver:
        receiver = Receiver(url="")

        def on_event(event: dict[str, Any], headers: dict[str, str]) -> None:
            with receiver.lock:
                receiver.events.append(event)
                receiver.headers.append(headers)

        server = example.make_server(secret, "127.0.0.1", 0, on_event)
        receiver.url = f"http://127.0.0.1:{server.server_port}/hooks"
        serving = _serve(server)
        next(serving)
        started.append(serving)
        return receiver

    yield start
    for serving in started:
        next(serving, None)


def _answering(status: int, delay: float = 0.0, location: str = "") -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.server.receiver.requests += 1  # type: ignore[attr-defined]
            self.rfile.read(int(self.headers.get("content-length") or 0))
            if delay:
                time.sleep(delay)
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def answering_receiver() -> Iterator[Callable[..., Receiver]]:
    """`answering_receiver(status, delay=0, location="")`: answers every POST the same way."""
    started: list[Iterator[None]] = []

    def start(status: int, delay: float = 0.0, location: str = "") -> Receiver:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _answering(status, delay, location))
        receiver = Receiver(url=f"http://127.0.0.1:{server.server_port}/hooks")
        server.receiver = receiver  # type: ignore[attr-defined]
        serving = _serve(server)
        next(serving)
        started.append(serving)
        return receiver

    yield start
    for serving in started:
        next(serving, None)


@pytest.fixture
def admin(app) -> User:
    return new_user(Role.ADMIN, email="ada@flywheel.example", name="Ada Admin")


def register(admin: User, url: str, *types: str) -> NewSecret:
    """Register an endpoint for `types` (default: every referral event) and commit."""
    chosen = types or ("referral.submitted", "referral.stage_changed")
    created = register_endpoint(admin, url, chosen, "", allowed_hosts("127.0.0.1"))
    db.session.commit()
    return created
