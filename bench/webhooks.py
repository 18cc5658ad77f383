"""Webhook delivery benchmark: record N events for an endpoint, deliver them with W workers.

    .venv/bin/python bench/webhooks.py                           # 1,000 events, SQLite, 1 worker
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        nice -n 10 .venv/bin/python bench/webhooks.py --workers 2

Starts examples/webhook_receiver.py on 127.0.0.1 (it verifies every signature), registers
one endpoint for it, records `--events` events through the sink the features publish to
(`portal.webhooks.recording.record_event`, one transaction each, as a stage change would)
and times `deliver_due` in `--workers` threads (each its own session; several need
PostgreSQL's row locks). Prints recording and delivery rates and the attempts' p50/p95
duration as the deliveries recorded them, then drops the database. Budget: >= 100
deliveries/s on PostgreSQL on loopback (a busy day's referral changes many times over).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._database import create_database  # noqa: E402

BUDGET_PER_SECOND = 100


def _receiver_module() -> Any:
    path = ROOT / "examples" / "webhook_receiver.py"
    spec = importlib.util.spec_from_file_location("webhook_receiver_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    import sqlalchemy as sa

    from portal import create_app
    from portal.accounts.models import Role, User
    from portal.extensions import db
    from portal.webhooks.delivery import deliver_due
    from portal.webhooks.endpoints import register_endpoint
    from portal.webhooks.models import DeliveryStatus, WebhookDelivery
    from portal.webhooks.recording import record_event

    workdir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    database = create_database(os.environ.get("BENCH_DATABASE_URL"), workdir, "webhooks")
    received: list[str] = []
    lock = threading.Lock()
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "bench",
                          "CONTENT_DIR": str(ROOT / "content"), "MAIL_BACKEND": "log",
                          "BASE_URL": "http://portal.bench",
                          "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"})  # fmt: skip
        with app.app_context():
            db.create_all()
            admin = User(email="bench@vendor.example", name="Bench", role=Role.ADMIN)
            db.session.add(admin)
            db.session.flush()
            created = register_endpoint(
                admin,
                "http://127.0.0.1:1/",
                ["referral.stage_changed"],
                "",
                frozenset({"127.0.0.1"}),
            )
            receiver_module = _receiver_module()

            def on_event(event: dict, headers: dict[str, str]) -> None:
                with lock:
                    received.append(headers["webhook-id"])

            server = receiver_module.make_server(created.secret, "127.0.0.1", 0, on_event)
            receiver_module.start_in_thread(server)
            created.endpoint.url = f"http://127.0.0.1:{server.server_port}/"
            db.session.commit()
            started = time.perf_counter()
            for number in range(args.events):
                record_event(
                    "referral.stage_changed",
                    {"referral": {"reference": f"R-{number:06d}"}, "from_status": "accepted",
                     "to_status": "contacted"},
                )  # fmt: skip
                db.session.commit()
            recorded = time.perf_counter() - started

            def worker() -> None:
                with app.app_context():
                    while deliver_due(batch_size=50).processed:
                        pass
                    db.session.remove()

            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(args.workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            delivered_in = time.perf_counter() - started
            durations: list[int] = sorted(
                duration
                for duration in db.session.scalars(
                    sa.select(WebhookDelivery.duration_ms).where(
                        WebhookDelivery.status == DeliveryStatus.DELIVERED
                    )
                )
                if duration is not None
            )
            server.shutdown()
        delivered = len(durations)
        rate = delivered / delivered_in
        p95 = durations[int(0.95 * (len(durations) - 1))] if durations else 0
        # SQLite commits each attempt with an fsync: judged on PostgreSQL only.
        verdict = "ok" if rate >= BUDGET_PER_SECOND or database.dialect == "sqlite" else "FAIL"
        print(f"load average {os.getloadavg()[0]:.2f}; {database.describe()}")
        print(f"{'database':<11}{'events':>8}{'workers':>8}{'record/s':>10}{'deliver/s':>11}"
              f"{'p50 ms':>8}{'p95 ms':>8}{'received':>10}{'dupes':>7}  budget")  # fmt: skip
        print(f"{database.dialect:<11}{args.events:>8,}{args.workers:>8}"
              f"{args.events / recorded:>10.0f}{rate:>11.0f}"
              f"{statistics.median(durations) if durations else 0:>8.0f}{p95:>8}"
              f"{len(received):>10,}{len(received) - len(set(received)):>7}"
              f"  >= {BUDGET_PER_SECOND}/s {verdict}")  # fmt: skip
    finally:
        database.drop()


if __name__ == "__main__":
    main()
