"""A small webhook receiver: verifies Standard Webhooks signatures and prints each event.

    WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py --port 8765

Register http://127.0.0.1:8765/ as an endpoint (with WEBHOOK_ALLOWED_HOSTS=127.0.0.1, since
webhooks go only to public addresses otherwise), paste the secret the portal showed, and run
`flask webhooks deliver`. Each verified event is printed as one JSON line; a message whose
signature does not verify (wrong secret, changed body, timestamp older than 5 minutes) gets
401 and is not printed. The tests start `make_server` on 127.0.0.1 and send it real requests.

Standard library plus the `standardwebhooks` package (pip install standardwebhooks).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

MAX_BODY = 1024 * 1024

Printer = Callable[[dict[str, Any], dict[str, str]], None]


def print_event(event: dict[str, Any], headers: dict[str, str]) -> None:
    """Print the verified event as one JSON line."""
    line = {"webhook-id": headers.get("webhook-id"), "type": event.get("type"), "event": event}
    print(json.dumps(line, sort_keys=True), flush=True)


def make_server(
    secret: str, host: str = "127.0.0.1", port: int = 0, on_event: Printer = print_event
) -> ThreadingHTTPServer:
    """An HTTP server (not started) that verifies each POST with `secret` and hands it on."""
    webhook = Webhook(secret)

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY:
                self._answer(413)
                return
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                event = webhook.verify(body, headers)
            except WebhookVerificationError:
                self._answer(401)
                return
            on_event(event, headers)
            self._answer(204)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the printed events are the output

    return ThreadingHTTPServer((host, port), Receiver)


def start_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve in a daemon thread (for tests); `server.shutdown()` stops it."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    secret = os.environ.get("WEBHOOK_SECRET", "")
    if not secret.startswith("whsec_"):
        print("Set WEBHOOK_SECRET to the endpoint's whsec_... secret.", file=sys.stderr)
        return 2
    server = make_server(secret, args.host, args.port)
    print(f"listening on http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
