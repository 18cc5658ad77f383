"""Credential rules: e-mail syntax, password strength and link tokens (no database)."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

from email_validator import EmailNotValidError, validate_email

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "EmailInUse",
    "InvalidEmail",
    "InvalidToken",
    "WeakPassword",
    "canonical_email",
    "check_password_rules",
    "email_limit_key",
    "hash_token",
    "new_token",
    "normalise_email",
    "password_problem",
]

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class AccountError(ValueError):
    """A request the account rules refuse; the message is written for the person asking."""


class InvalidEmail(AccountError):
    """The text is not an e-mail address."""


class EmailInUse(AccountError):
    """Someone already signs in with this e-mail address."""


class WeakPassword(AccountError):
    """The password breaks a password rule."""


class InvalidToken(AccountError):
    """An invitation or reset link that is unknown, expired or already used."""


# --- e-mail addresses and passwords ----------------------------------------------------------


def canonical_email(raw: str) -> str:
    """The one form of an address that accounts are stored, found and rate-limited by.

    Unicode NFKC (full-width and other compatibility characters become their plain forms),
    surrounding white space removed, lower case. No syntax check: see normalise_email.
    """
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def email_limit_key(raw: str) -> str:
    """The rate-limit key for attempts on an address: its canonical form, hashed.

    Every spelling that finds the same account counts against one budget, known account or
    not; the limit store (Redis) holds no e-mail addresses.
    """
    return hashlib.sha256(canonical_email(raw).encode()).hexdigest()


def normalise_email(raw: str) -> str:
    """The canonical form of an e-mail address after checking its syntax (no DNS lookups)."""
    email = canonical_email(raw)
    if not email:
        raise InvalidEmail("Enter an e-mail address.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(f"Enter a valid e-mail address. {exc}") from exc
    return email


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with a new password, or None when it follows the rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.isdigit():
        return "Use more than digits: add letters or symbols."
    if email and password.strip().lower() == email.strip().lower():
        return "Do not use your e-mail address as your password."
    return None


# --- tokens -------------------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A random URL-safe token and the SHA-256 hex digest that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The stored form of a token: a database leak does not leak usable links."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(password: str, email: str) -> None:
    """Raise WeakPassword with the reason when the password breaks a rule."""
    problem = password_problem(password, email)
    if problem:
        raise WeakPassword(problem)
