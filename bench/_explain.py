"""`EXPLAIN ANALYZE` of every statement one request of a page runs (PostgreSQL).

The bench's profile step: the statements a page sends are caught with their parameters
(`before_cursor_execute`), then each SELECT is explained on the same database in a rolled-back
transaction, and its plan printed with the time PostgreSQL spent on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient


def explain_page(
    app: Flask, client: FlaskClient, url: str, show: Callable[[str], None] = print
) -> None:
    """GET `url` once, then print the plan of each SELECT it ran."""
    from portal.extensions import db

    caught: list[tuple[str, Any]] = []

    def catch(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            caught.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", catch)
    try:
        status = client.get(url).status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", catch)
    show(f"\n=== GET {url} -> {status}: {len(caught)} SELECT statements")
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for number, (statement, parameters) in enumerate(caught, start=1):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
            first_line = " ".join(statement.split())[:160]
            show(f"--- {number}. {first_line}\n{plan}")
        raw.rollback()
    finally:
        raw.close()
