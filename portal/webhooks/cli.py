"""`flask webhooks deliver`: send due webhook deliveries (like `flask outbox run` for e-mail)."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.webhooks.delivery import deliver_due

webhooks_cli = AppGroup("webhooks", help="Webhook deliveries (Standard Webhooks).")


def _run_forever(batch_size: int | None, poll_seconds: float, stop: threading.Event) -> None:
    logger = current_app.logger
    limit = batch_size or int(current_app.config["WEBHOOK_BATCH_SIZE"])
    while not stop.is_set():
        try:
            report = deliver_due(batch_size)
        except SQLAlchemyError:
            # The database may be restarting: keep the worker alive and try again later.
            db.session.rollback()
            pause = max(poll_seconds, 1.0)
            logger.exception("webhooks deliver: database error, retrying in %ss", pause)
            stop.wait(pause)
            continue
        if report.processed:
            click.echo(report.summary())
        if report.processed < limit:
            stop.wait(poll_seconds)


@webhooks_cli.command("deliver")
@click.option("--once", is_flag=True, help="Process one batch, print a summary and exit.")
@click.option("--batch-size", type=click.IntRange(min=1), help="Default: WEBHOOK_BATCH_SIZE.")
def deliver_command(once: bool, batch_size: int | None) -> None:
    """Send due deliveries; without --once, poll every WEBHOOK_POLL_SECONDS until stopped.

    Safe to run on several machines at once: each delivery is claimed under a row lock.
    """
    if current_app.logger.level == logging.NOTSET:
        current_app.logger.setLevel(logging.INFO)
    if once:
        click.echo(deliver_due(batch_size).summary())
        return
    poll_seconds = float(current_app.config["WEBHOOK_POLL_SECONDS"])
    stop = threading.Event()
    click.echo(f"webhooks: delivering, polling every {poll_seconds:g}s (Ctrl-C stops)")
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        _run_forever(batch_size, poll_seconds, stop)
    except KeyboardInterrupt:
        db.session.rollback()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    click.echo("webhooks: stopped")
