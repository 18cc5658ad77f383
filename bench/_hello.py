"""The floor bench/throughput.py compares the portal with: a bare Flask hello-world, served by
the same gunicorn with the same workers in the same run."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
