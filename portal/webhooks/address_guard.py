"""Where a webhook may go: never to a private, loopback, link-local or other special address.

A registered URL names a host; the host is resolved once per attempt, every address it
resolves to must be a public (globally routable unicast) one, and the connection is made to
the address that was checked (`portal/webhooks/sender.py`), so a name that answers a public
address to the check and a private one to the connection (DNS rebinding) gains nothing.
Redirects are never followed. A host named in WEBHOOK_ALLOWED_HOSTS (exactly, by name or
literal address) skips the check: for a receiver on the same network, and for the tests'
own receiver on 127.0.0.1.

Rules only: no Flask, no database.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "AddressRefused",
    "Target",
    "address_problem",
    "allowed_hosts",
    "literal_problem",
    "resolve_target",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 ranges that carry an IPv4 address inside: the IPv4 address is what is reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


@dataclass(frozen=True)
class Target:
    """Where to connect: the URL's host name (for Host and TLS) and the checked address."""

    host: str
    port: int
    address: str
    family: int


def allowed_hosts(setting: str | Iterable[str]) -> frozenset[str]:
    """WEBHOOK_ALLOWED_HOSTS (comma- or space-separated, or a list) as lower-case names."""
    names = setting.replace(",", " ").split() if isinstance(setting, str) else setting
    return frozenset(name.strip().lower().strip("[]") for name in names if name.strip())


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why webhooks may not reach this address ("a loopback address"), or None when public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo is not None or address in _NAT64_LOCAL:
            return "a tunnelled address"
        inner = _embedded_ipv4(address)
        if inner is not None:
            return address_problem(inner)
    for problem, applies in (
        ("an unspecified address", address.is_unspecified),
        ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local),
        ("a multicast address", address.is_multicast),
        ("a private address", address.is_private),
        ("a reserved address", address.is_reserved),
    ):
        if applies:
            return problem
    if not address.is_global:  # shared (100.64/10), documentation, benchmarking, ...
        return "a special-purpose address"
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve_target(host: str, port: int, allowed: frozenset[str]) -> Target:
    """Resolve `host` once and check every address; raises AddressRefused or OSError (DNS)."""
    name = host.lower().strip("[]")
    infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    if not infos:
        raise AddressRefused(f"{host} has no address")
    if name not in allowed:
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            problem = address_problem(address)
            if problem is not None:
                raise AddressRefused(
                    f"{host} resolves to {address}, {problem}: webhooks only go to public "
                    "addresses (or hosts listed in WEBHOOK_ALLOWED_HOSTS)"
                )
    family, _, _, _, sockaddr = infos[0]
    return Target(host=name, port=port, address=str(sockaddr[0]), family=family)


def literal_problem(host: str, allowed: frozenset[str]) -> str | None:
    """At registration: why a host that is an address literal or `localhost` is refused."""
    name = host.lower().strip("[]")
    if name in allowed:
        return None
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is this machine"
    literal = _literal(name)
    if literal is None:
        return None
    problem = address_problem(literal)
    return None if problem is None else f"{host} is {problem}"
