"""The plain rules: domain lists and claims, the secret box, the pending flow in the session."""

from __future__ import annotations

import pytest

from portal.sso.domains import (
    DOMAINS_INPUT_MAX,
    MAX_DOMAINS,
    Claim,
    DomainProblem,
    claim_problem,
    parse_domains,
)
from portal.sso.oidc import Flow, SignInFailed, check_return, flow_from
from portal.sso.secret_box import reveal, seal


def test_domains_are_read_in_any_separator_once_and_lower_case() -> None:
    text = "Acme.example, @eu.acme.example\nacme.example  sales.acme.example."
    assert parse_domains(text) == ["acme.example", "eu.acme.example", "sales.acme.example"]


@pytest.mark.parametrize(
    "text",
    [
        "localhost",
        "exa mple..com",
        "-acme.example",
        "acmé.example",
        "a" * 300 + ".com",
        " ".join(f"d{n}.example" for n in range(MAX_DOMAINS + 1)),
        "x" * (DOMAINS_INPUT_MAX + 1),
    ],
)
def test_what_is_no_domain_list_is_refused(text: str) -> None:
    with pytest.raises(DomainProblem):
        parse_domains(text)


def _claim(domain: str, **facts: object) -> Claim | str:
    return claim_problem(
        domain,
        by_staff=bool(facts.get("by_staff", False)),
        claimant_email=str(facts.get("email", "alex@acme.example")),
        website=str(facts.get("website", "")),
        used_elsewhere=list(facts.get("used", [])),  # type: ignore[call-overload]
        claimed_elsewhere=bool(facts.get("claimed", False)),
    )


def test_who_may_claim_which_domain() -> None:
    assert _claim("acme.example") == Claim("acme.example", "admin_email")
    assert _claim("acme.com", website="https://www.acme.com/about") == Claim("acme.com", "website")
    assert _claim("partner.example", by_staff=True) == Claim("partner.example", "staff")
    assert "could not be verified" in str(_claim("partner.example"))
    assert "public mail domain" in str(_claim("gmail.com", by_staff=True))
    assert "public mail domain" in str(_claim("outlook.com", email="me@outlook.com"))
    assert "another organisation" in str(_claim("acme.example", claimed=True))
    assert "(Globex)" in str(_claim("acme.example", used=["Globex"], by_staff=True))


def test_the_secret_is_sealed_and_only_its_key_opens_it() -> None:
    sealed = seal("client-secret", "key one")
    assert "client-secret" not in sealed
    assert reveal(sealed, "key one") == "client-secret"
    assert reveal(sealed, "key two") is None
    assert reveal("", "key one") is None
    assert reveal("not a token", "key one") is None


def test_a_pending_flow_is_read_back_only_when_whole() -> None:
    flow = Flow(1, "state", "nonce", "verifier", 1000, "/learn")
    assert flow_from(flow.as_session()) == flow
    assert flow_from(None) is None
    assert flow_from({"provider_id": 1}) is None
    assert flow_from({**flow.as_session(), "state": 5}) is None
    assert flow_from({**flow.as_session(), "extra": 1}) is None
    assert check_return(flow, "state", 1500) == flow
    for pending, state, now in (
        (None, "state", 1000),
        (flow, "other", 1000),
        (flow, "state", 2000),
    ):
        with pytest.raises(SignInFailed):
            check_return(pending, state, now)
