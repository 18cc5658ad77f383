"""The address guard: which addresses and URLs webhooks may reach."""

from __future__ import annotations

import ipaddress

import pytest

from portal.webhooks.address_guard import (
    AddressRefused,
    address_problem,
    allowed_hosts,
    literal_problem,
    resolve_target,
)
from portal.webhooks.endpoints import EndpointRefused, check_url

NONE = frozenset[str]()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104  (an address to refuse, not one to bind)
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.1",  # documentation
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2001:0::1",  # Teredo
    ],
)
def test_special_addresses_are_refused(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def _resolver(*addresses: str):
    def resolve(host, port, *args, **kwargs):
        return [
            (10 if ":" in a else 2, 1, 6, "", (a, port, 0, 0) if ":" in a else (a, port))
            for a in addresses
        ]

    return resolve


def test_a_name_with_any_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("socket.getaddrinfo", _resolver("93.184.215.14", "10.0.0.7"))
    with pytest.raises(AddressRefused, match=r"10\.0\.0\.7, a private address"):
        resolve_target("hooks.example.com", 443, NONE)


def test_a_public_name_resolves_to_the_address_connected_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("socket.getaddrinfo", _resolver("93.184.215.14"))
    target = resolve_target("Hooks.Example.com", 443, NONE)
    assert (target.host, target.address, target.port) == ("hooks.example.com", "93.184.215.14", 443)


def test_an_allowed_host_skips_the_check_but_not_the_pinning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("socket.getaddrinfo", _resolver("10.0.0.7"))
    target = resolve_target("crm.internal", 80, allowed_hosts("crm.internal, 127.0.0.1"))
    assert target.address == "10.0.0.7"
    # Allowing one name allows no other name that resolves to the same place.
    with pytest.raises(AddressRefused):
        resolve_target("evil.example", 80, allowed_hosts("crm.internal"))


def test_allowed_hosts_setting_is_read_forgivingly() -> None:
    assert allowed_hosts(" 127.0.0.1,Hooks.Internal [::1] ") == {
        "127.0.0.1",
        "hooks.internal",
        "::1",
    }
    assert allowed_hosts("") == frozenset()


def test_literals_are_checked_at_registration() -> None:
    assert literal_problem("localhost", NONE) == "localhost is this machine"
    assert literal_problem("[::1]", NONE) is not None
    assert literal_problem("169.254.169.254", NONE) is not None
    assert literal_problem("127.0.0.1", allowed_hosts("127.0.0.1")) is None
    assert literal_problem("crm.example.com", NONE) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the endpoint's URL."),
        ("ftp://crm.example.com/x", "Use an https://"),
        ("javascript:alert(1)", "Use an https://"),
        ("file:///etc/passwd", "Use an https://"),
        ("gopher://crm.example.com/", "Use an https://"),
        ("https://", "needs a host"),
        ("https://user:pw@crm.example.com/", "user names and passwords"),
        ("https://crm.example.com/a b", "no spaces"),
        ("https://crm.example.com/\x00", "no spaces"),
        ("https://crm.example.com:99999/", "not a URL"),
        ("https://crm.example.com/#x", "fragment"),
        ("http://127.0.0.1/hooks", "public addresses"),
        ("http://[::1]:8080/hooks", "public addresses"),
        ("http://169.254.169.254/latest/meta-data", "public addresses"),
        ("http://localhost:5000/", "public addresses"),
        ("https://crm.example.com/" + "a" * 2000, "2000 characters"),
    ],
)
def test_urls_refused_at_registration(url: str, message: str) -> None:
    with pytest.raises(EndpointRefused) as refused:
        check_url(url, NONE)
    assert message in refused.value.message


def test_good_urls_pass_trimmed() -> None:
    assert check_url("  https://crm.example.com/hooks?x=1 ", NONE) == (
        "https://crm.example.com/hooks?x=1"
    )
    assert check_url("http://127.0.0.1:8765/", allowed_hosts("127.0.0.1"))
