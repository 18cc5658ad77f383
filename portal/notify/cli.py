"""`flask outbox …`: run the mail sender, see what is queued, requeue dead messages."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.notify.backends import MailConfigError
from portal.notify.delivery import deliver_due, requeue_dead, status_counts

outbox_cli = AppGroup("outbox", help="The transactional e-mail outbox.")


@contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """While running, SIGTERM (kill, systemd, containers) stops the loop between messages."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_forever(batch_size: int | None, poll_seconds: float, stop: threading.Event) -> None:
    logger = current_app.logger
    while not stop.is_set():
        try:
            report = deliver_due(batch_size)
        except SQLAlchemyError:
            # The database may be restarting: keep the runner alive and try again later.
            db.session.rollback()
            pause = max(poll_seconds, 1.0)
            logger.exception("outbox run: database error, retrying in %ss", pause)
            stop.wait(pause)
            continue
        if report.processed:
            click.echo(report.summary())
        limit = batch_size or current_app.config["OUTBOX_BATCH_SIZE"]
        if report.processed < limit:
            # A full batch means there is probably more due: go again without waiting.
            stop.wait(poll_seconds)


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Process one batch, print a summary and exit.")
@click.option("--batch-size", type=click.IntRange(min=1), help="Default: OUTBOX_BATCH_SIZE.")
def run_command(once: bool, batch_size: int | None) -> None:
    """Send due messages through MAIL_BACKEND; without --once, poll every OUTBOX_POLL_SECONDS."""
    if current_app.logger.level == logging.NOTSET:
        current_app.logger.setLevel(logging.INFO)
    try:
        if once:
            click.echo(deliver_due(batch_size).summary())
            return
        poll_seconds = float(current_app.config["OUTBOX_POLL_SECONDS"])
        stop = threading.Event()
        click.echo(
            f"outbox: sending with the {current_app.config['MAIL_BACKEND']!r} backend, "
            f"polling every {poll_seconds:g}s (Ctrl-C stops)"
        )
        with _stop_on_sigterm(stop):
            _run_forever(batch_size, poll_seconds, stop)
    except MailConfigError as error:
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt:
        db.session.rollback()
    click.echo("outbox: stopped")


@outbox_cli.command("status")
def status_command() -> None:
    """Print how many messages are pending (and due now), sent and dead."""
    counts = status_counts()
    click.echo(
        f"pending {counts['pending']} (due now {counts['due']}), "
        f"sent {counts['sent']}, dead {counts['dead']}"
    )


@outbox_cli.command("requeue")
@click.argument("message_ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Requeue every dead message.")
def requeue_command(message_ids: tuple[int, ...], all_dead: bool) -> None:
    """Give dead messages (by id, or --all-dead) a fresh set of attempts."""
    if not message_ids and not all_dead:
        raise click.UsageError("name message ids or pass --all-dead")
    count = requeue_dead(None if all_dead else message_ids)
    db.session.commit()
    click.echo(f"requeued {count}")
