"""Talking to an identity provider: discovery, its keys and the token endpoint, guarded.

An organisation's admin types the issuer URL, and the portal's server then fetches from it:
without a guard that would let anyone with a partner admin account make the server request
internal addresses. So every URL the server itself fetches must be https and resolve only to
public addresses; hosts in SSO_ALLOWED_HOSTS (tests: their provider on 127.0.0.1) are the
exception, over http too. Redirects are never followed, answers are read up to a size, and each
request has a timeout. (A DNS answer could still change between the check and the connection;
the window is one request long.)

Discovery and keys are cached per issuer for a few minutes: a sign-in reads them twice.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

__all__ = [
    "CACHE_SECONDS",
    "ProviderUnreachable",
    "discovery_url",
    "fetch_json",
    "forget_cache",
    "keys_of",
    "metadata_of",
    "require_allowed",
]

TIMEOUT = (3.05, 10)
MAX_BYTES = 256 * 1024
CACHE_SECONDS = 300


class ProviderUnreachable(RuntimeError):
    """The provider could not be asked (refused address, network, bad answer): in words."""


def discovery_url(issuer: str) -> str:
    """Where an issuer's OpenID configuration lives (OpenID Connect Discovery 1.0)."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _host_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host, f"{host}:{parts.port}" if parts.port else host


def _refused_address(text: str) -> bool:
    address = ipaddress.ip_address(text)
    return not address.is_global or address.is_multicast


def require_allowed(url: str, allowed_hosts: Collection[str], resolve: bool = True) -> None:
    """Refuse a URL the server must not fetch (ProviderUnreachable says why).

    `resolve` False checks the URL without asking DNS (an address written in it still counts):
    for settings saved switched off, which the server does not fetch yet.
    """
    try:
        parts = urlsplit(url)
        host, host_port = _host_key(url)
    except ValueError as exc:
        raise ProviderUnreachable(f"{url[:100]} is not a URL.") from exc
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise ProviderUnreachable(f"{url[:100]} is not an https URL.")
    if host in allowed_hosts or host_port in allowed_hosts:
        return
    if parts.scheme != "https":
        raise ProviderUnreachable(f"{url[:100]} must use https.")
    try:
        literal = _refused_address(host)
    except ValueError:
        literal = False
    if literal:
        raise ProviderUnreachable(f"{host} is a private or local address.")
    if not resolve:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise ProviderUnreachable(f"{host} could not be found.") from exc
    for info in infos:
        if _refused_address(str(info[4][0])):
            raise ProviderUnreachable(f"{host} is a private or local address.")


def fetch_json(url: str, allowed_hosts: Collection[str]) -> dict[str, Any]:
    """GET a JSON object from the provider, guarded, bounded and without redirects."""
    require_allowed(url, allowed_hosts)
    try:
        with requests.get(
            url,
            timeout=TIMEOUT,
            allow_redirects=False,
            stream=True,
            headers={"Accept": "application/json"},
        ) as response:
            if response.status_code != 200:
                raise ProviderUnreachable(f"{url[:100]} answered {response.status_code}.")
            body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise ProviderUnreachable(f"{url[:100]} could not be reached.") from exc
    if len(body) > MAX_BYTES:
        raise ProviderUnreachable(f"{url[:100]} answered with too much data.")
    try:
        data = requests.compat.json.loads(body)
    except ValueError as exc:
        raise ProviderUnreachable(f"{url[:100]} did not answer JSON.") from exc
    if not isinstance(data, dict):
        raise ProviderUnreachable(f"{url[:100]} did not answer a JSON object.")
    return data


@dataclass
class _Entry:
    fetched_at: float
    metadata: dict[str, Any]
    keys: dict[str, Any] = field(default_factory=dict)


_cache: dict[str, _Entry] = {}
_lock = threading.Lock()


def forget_cache() -> None:
    """Drop every cached discovery document and key set (tests, a settings change)."""
    with _lock:
        _cache.clear()


_REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


def metadata_of(issuer: str, allowed_hosts: Collection[str], fresh: bool = False) -> dict[str, Any]:
    """The issuer's discovery document, checked: it names this issuer and its endpoints."""
    with _lock:
        entry = _cache.get(issuer)
    if entry is not None and not fresh and time.monotonic() - entry.fetched_at < CACHE_SECONDS:
        return entry.metadata
    metadata = fetch_json(discovery_url(issuer), allowed_hosts)
    missing = [key for key in _REQUIRED if not isinstance(metadata.get(key), str)]
    if missing:
        raise ProviderUnreachable(f"The provider's configuration lacks {', '.join(missing)}.")
    if metadata["issuer"] != issuer:
        raise ProviderUnreachable(
            f"The provider calls itself {metadata['issuer'][:100]}, not {issuer[:100]}: "
            "enter the issuer exactly as its configuration gives it."
        )
    for key in ("token_endpoint", "jwks_uri"):
        require_allowed(metadata[key], allowed_hosts)
    with _lock:
        _cache[issuer] = _Entry(time.monotonic(), metadata)
    return metadata


def keys_of(issuer: str, allowed_hosts: Collection[str], fresh: bool = False) -> dict[str, Any]:
    """The issuer's key set (JWKS), cached with its metadata; `fresh` fetches it again."""
    metadata = metadata_of(issuer, allowed_hosts)
    with _lock:
        entry = _cache.get(issuer)
    if entry is not None and entry.keys and not fresh:
        return entry.keys
    keys = fetch_json(metadata["jwks_uri"], allowed_hosts)
    if not isinstance(keys.get("keys"), list):
        raise ProviderUnreachable("The provider's key set has no keys.")
    with _lock:
        if issuer in _cache:
            _cache[issuer].keys = keys
    return keys
