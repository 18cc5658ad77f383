"""The README's production block ("Deploying past one machine"), parsed so a test can run it.

The block is plain shell: `export NAME=VALUE ...` lines, then one command per line, with an
optional `< FILE` for standard input. Anything else (pipes, `&&`, `;`, `>`, `&`) is refused with
README.md:LINE, so the block stays something a test can run exactly as an operator would.
`on_loopback` swaps in the test's own services; README.md lists what it replaces.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SECTION = "## Deploying past one machine"
SHELL_PUNCTUATION = set("();<>|&")

# The settings the test replaces with its own loopback services (documented in README.md).
REPLACED_SETTINGS = (
    "SECRET_KEY",
    "BASE_URL",
    "DATABASE_URL",
    "RATELIMIT_STORAGE_URI",
    "SMTP_HOST",
    "SMTP_PORT",
)


class BlockError(ValueError):
    """The README's production block is missing or holds something the test cannot run."""


@dataclass(frozen=True)
class Command:
    """One command of the block: its README line, its words and the file it reads as stdin."""

    line: int
    argv: tuple[str, ...]
    stdin: str | None = None

    @property
    def program(self) -> str:
        return Path(self.argv[0]).name

    @property
    def is_service(self) -> bool:
        """gunicorn and `flask outbox run` keep running until they are stopped."""
        if self.program == "gunicorn":
            return True
        outbox_run = self.program == "flask" and self.argv[1:3] == ("outbox", "run")
        return outbox_run and "--once" not in self.argv

    def option(self, *names: str) -> str | None:
        """The value given to one of the option `names` (`-w 4`, `--workers=4`), if any."""
        for index, word in enumerate(self.argv):
            if word in names and index + 1 < len(self.argv):
                return self.argv[index + 1]
            for name in names:
                if name.startswith("--") and word.startswith(f"{name}="):
                    return word.partition("=")[2]
        return None

    def __str__(self) -> str:
        text = shlex.join(self.argv)
        return f"{text} < {self.stdin}" if self.stdin else text


@dataclass(frozen=True)
class DeployBlock:
    """The exported settings and the commands, in README order."""

    env: dict[str, str] = field(default_factory=dict)
    commands: tuple[Command, ...] = ()

    def find(self, program: str, *words: str) -> Command:
        """The first command running `program` with `words` right after it."""
        for command in self.commands:
            if command.program == program and command.argv[1 : 1 + len(words)] == words:
                return command
        raise BlockError(f"README.md: the production block no longer runs {program} {words}")


def read_block(readme: Path = README) -> tuple[int, str]:
    """The first ```sh block under SECTION: the README line it starts on, and its text."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    try:
        start = lines.index(SECTION)
    except ValueError:
        raise BlockError(f"README.md has no {SECTION!r} section") from None
    for number in range(start + 1, len(lines)):
        if lines[number].startswith("## "):
            break
        if lines[number].strip() == "```sh":
            end = lines.index("```", number + 1)
            return number + 2, "\n".join(lines[number + 1 : end])
    raise BlockError(f"README.md: no ```sh block under {SECTION!r}")


def _logical_lines(text: str, first_line: int) -> list[tuple[int, str]]:
    """Lines with backslash continuations joined, each with its README line number."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for offset, raw in enumerate(text.splitlines()):
        number = first_line + offset
        start, text_so_far = pending if pending else (number, "")
        text_so_far += raw
        if raw.endswith("\\"):
            pending = (start, text_so_far[:-1] + " ")
            continue
        pending = None
        joined.append((start, text_so_far))
    return joined


def _words(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def parse_block(text: str, first_line: int) -> DeployBlock:
    """Settings and commands of the block; BlockError with README.md:LINE for shell it refuses."""
    env: dict[str, str] = {}
    commands: list[Command] = []
    for number, line in _logical_lines(text, first_line):
        words = _words(line)
        if not words:
            continue
        if words[0] == "export":
            for word in words[1:]:
                name, equals, value = word.partition("=")
                if not equals or not name.isidentifier():
                    raise BlockError(f"README.md:{number}: export NAME=VALUE, got {word!r}")
                env[name] = value
            continue
        stdin = None
        if len(words) > 2 and words[-2] == "<":
            stdin, words = words[-1], words[:-2]
        for word in words:
            if set(word) <= SHELL_PUNCTUATION:
                raise BlockError(
                    f"README.md:{number}: {word!r} is shell syntax the production test does not "
                    "run; write one plain command per line (`< FILE` for standard input)"
                )
        commands.append(Command(number, tuple(words), stdin))
    return DeployBlock(env, tuple(commands))


@dataclass(frozen=True)
class Loopback:
    """This machine's stand-ins for the operator's hosts: what `on_loopback` puts in."""

    secret_key: str
    http_port: int
    database_url: sa.URL
    redis_db: int
    smtp_port: int
    password_file: Path
    bin_dir: Path
    redis_port: int = 6379


def _with_bind(argv: tuple[str, ...], address: str) -> tuple[str, ...]:
    words = list(argv)
    for index, word in enumerate(words):
        if word in {"-b", "--bind"} and index + 1 < len(words):
            words[index + 1] = address
        elif word.startswith("--bind="):
            words[index] = f"--bind={address}"
    return tuple(words)


def on_loopback(block: DeployBlock, here: Loopback) -> DeployBlock:
    """The block with REPLACED_SETTINGS, gunicorn's bind address, stdin files and `.venv/bin/`
    pointing at this machine; every other setting and word stays as the README has it."""
    missing = [name for name in REPLACED_SETTINGS if name not in block.env]
    if missing:
        raise BlockError(f"README.md: the production block no longer sets {', '.join(missing)}")
    env = dict(block.env)
    base_scheme = env["BASE_URL"].partition("://")[0]
    redis_scheme = env["RATELIMIT_STORAGE_URI"].partition("://")[0]
    readme_db = sa.make_url(env["DATABASE_URL"])
    env.update(
        SECRET_KEY=here.secret_key,
        BASE_URL=f"{base_scheme}://127.0.0.1:{here.http_port}",
        DATABASE_URL=here.database_url.set(drivername=readme_db.drivername).render_as_string(
            hide_password=False
        ),
        RATELIMIT_STORAGE_URI=f"{redis_scheme}://127.0.0.1:{here.redis_port}/{here.redis_db}",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(here.smtp_port),
    )
    for name, value in env.items():
        if "$" in value:
            raise BlockError(
                f"README.md: {name} uses shell expansion the production test cannot run"
            )
    commands = []
    for command in block.commands:
        argv = command.argv
        if argv[0].startswith(".venv/bin/"):
            argv = (str(here.bin_dir / command.program), *argv[1:])
        if command.program == "gunicorn":
            argv = _with_bind(argv, f"127.0.0.1:{here.http_port}")
        stdin = str(here.password_file) if command.stdin else None
        commands.append(replace(command, argv=argv, stdin=stdin))
    return DeployBlock(env, tuple(commands))
