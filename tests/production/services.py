"""Processes the production test starts: foreground commands, and services it stops at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

from tests.production.deploy_block import ROOT, Command

T = TypeVar("T")

# What a new operator's shell has besides the block's settings; nothing else is inherited.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def operator_env(settings: dict[str, str]) -> dict[str, str]:
    """A plain environment plus `settings`: no FLASK_APP, no test variables."""
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(settings)
    return env


def wait_for(what: str, check: Callable[[], T | None], timeout: float, log: Callable[[], str]) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds with `log`."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log()}")
        time.sleep(0.05)


class Services:
    """Runs commands from the repository root; every service runs in a session of its own."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env = env
        self.logs = logs
        self.started: list[tuple[Command, subprocess.Popen[bytes], Path]] = []

    def run(self, command: Command, timeout: float = 120) -> str:
        """Run a command that finishes; fail with its output unless it exits 0."""
        with ExitStack() as stack:
            stdin = (
                stack.enter_context(Path(command.stdin).open("rb"))
                if command.stdin
                else subprocess.DEVNULL
            )
            result = subprocess.run(
                command.argv,
                cwd=ROOT,
                env=self.env,
                stdin=stdin,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        output = (result.stdout + result.stderr).decode(errors="replace")
        assert result.returncode == 0, (
            f"README.md:{command.line}: `{command}` exited {result.returncode}:\n{output}"
        )
        return output

    def start(self, command: Command) -> subprocess.Popen[bytes]:
        """Start a service with its output in a log file of its own."""
        log = self.logs / f"{command.line}-{command.program}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((command, process, log))
        return process

    def check_running(self) -> None:
        """Fail with its log when a service has stopped on its own."""
        for command, process, log in self.started:
            if process.poll() is not None:
                raise AssertionError(
                    f"README.md:{command.line}: `{command}` stopped with {process.returncode}:\n"
                    + log.read_text(errors="replace")[-4000:]
                )

    def logs_text(self) -> str:
        """The tail of every service's log, for failure messages."""
        return "\n".join(
            f"--- {command}\n{log.read_text(errors='replace')[-3000:]}"
            for command, _, log in self.started
        )

    def stop_all(self) -> None:
        """SIGTERM each service's process group, then SIGKILL whatever is left after 10 s."""
        for _, process, _ in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process, _ in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
