"""The staff pages: the organisation page's standing section, recording facts, the queue."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.db_types import utcnow
from portal.extensions import db
from portal.standing.evaluation import evaluate_all
from portal.standing.models import AttestedFactRecord, TierReview
from tests.conftest import sign_in
from tests.standing.conftest import attest, silver_partner


def facts_of(org_id: int) -> list[AttestedFactRecord]:
    return list(
        db.session.scalars(
            sa.select(AttestedFactRecord).where(AttestedFactRecord.organization_id == org_id)
        )
    )


def test_the_organisation_page_shows_the_standing_and_what_the_next_tier_needs(
    app, client, staff_user
) -> None:
    org, _admin = silver_partner("Silverline")
    attest(org, "qbr-attended", utcnow().date() - timedelta(days=10))
    sign_in(client, staff_user)
    page = client.get(f"/staff/orgs/{org.id}").get_data(as_text=True)
    assert "Tier standing" in page
    assert "Qualifies for</dt><dd>Silver" in page
    assert "For Gold" in page
    assert "Three certified people: 1 of 3" in page
    # The any_of group in words: each option against its target.
    assert "Five won deals a year: 0 of 5 · USD 100,000 won in a year: USD 0.00 of USD" in page
    assert "A quarterly business review in the last six months" not in page  # met: not missing
    assert f'action="/staff/orgs/{org.id}/facts"' in page


def test_the_standing_page_lists_every_tier(app, client, staff_user) -> None:
    org, _admin = silver_partner("Silverline")
    sign_in(client, staff_user)
    page = client.get(f"/staff/orgs/{org.id}/standing").get_data(as_text=True)
    for tier in ("registered", "silver", "gold"):
        assert f'id="tier-{tier}-heading"' in page
    assert "Two referrals a year" in page and "2 of 2" in page
    assert "not yet recorded" in page  # the QBR
    assert "No facts recorded yet." in page


def test_staff_record_a_fact_and_it_counts(app, client, staff_user) -> None:
    org, _admin = silver_partner("Silverline")
    sign_in(client, staff_user)
    on = utcnow().date() - timedelta(days=3)
    response = client.post(
        f"/staff/orgs/{org.id}/facts",
        data={"fact": "qbr-attended", "attested_on": on.isoformat(), "note": "QBR in Leeds"},
    )
    assert response.status_code == 302
    (record,) = facts_of(org.id)
    assert (record.fact, record.attested_on, record.note, record.recorded_by_id) == (
        "qbr-attended", on, "QBR in Leeds", staff_user.id,
    )  # fmt: skip
    page = client.get(f"/staff/orgs/{org.id}/standing").get_data(as_text=True)
    assert "QBR in Leeds" in page
    assert f"recorded {on.strftime('%d %b %Y')}, counts until" in page
    assert "Sam Staff recorded &#39;Quarterly business review attended&#39;" in page
    audit = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "tier.fact_recorded")
    )
    assert audit.actor_id == staff_user.id and audit.organization_id == org.id


def test_a_fact_needs_a_known_fact_a_past_date_and_a_note(app, client, staff_user) -> None:
    org, _admin = silver_partner("Silverline")
    sign_in(client, staff_user)
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    cases = [
        ({"fact": "qbr-attended", "attested_on": tomorrow, "note": "x"}, "cannot be in the future"),
        ({"fact": "qbr-attended", "attested_on": "1999-12-31", "note": "x"}, "from 2000-01-01 on"),
        (
            {"fact": "qbr-attended", "attested_on": "31/12/2025", "note": "x"},
            "Enter the date it happened",
        ),
        ({"fact": "qbr-attended", "attested_on": "2026-01-01", "note": "  "}, "Add a note"),
        ({"fact": "made-up", "attested_on": "2026-01-01", "note": "x"}, "Not a valid choice"),
        ({"fact": "qbr-attended", "attested_on": "2026-01-01", "note": "x" * 2001}, "2000 char"),
    ]
    for data, message in cases:
        response = client.post(f"/staff/orgs/{org.id}/facts", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert facts_of(org.id) == []


def test_user_text_is_escaped_on_the_standing_pages(app, client, staff_user) -> None:
    org, _admin = silver_partner('<img src=x onerror="alert(1)">')
    sign_in(client, staff_user)
    client.post(
        f"/staff/orgs/{org.id}/facts",
        data={"fact": "qbr-attended", "attested_on": "2026-01-05", "note": "<script>x()</script>"},
    )
    evaluate_all_for_review(org)
    for url in (f"/staff/orgs/{org.id}/standing", f"/staff/orgs/{org.id}", "/staff/tiers"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>x()</script>" not in page and "<img src=x" not in page, url


def evaluate_all_for_review(org) -> None:
    """Put the organisation in the queue: on registered, it qualifies for silver."""
    from portal.content_runtime import current_content

    org.tier = "registered"
    db.session.commit()
    evaluate_all(current_content().program, utcnow())


def test_a_decision_needs_a_reason(app, client, staff_user) -> None:
    org, _admin = silver_partner("Climber", tier="registered")
    evaluate_all_for_review(org)
    review = db.session.scalar(sa.select(TierReview))
    sign_in(client, staff_user)
    response = client.post(f"/staff/tiers/reviews/{review.id}/approve", data={"reason": " "})
    assert response.status_code == 422
    assert "Say why, for the organisation&#39;s history." in response.get_data(as_text=True)
    assert review.status == "open" and org.tier == "registered"


def test_a_decided_review_cannot_be_decided_again(app, client, staff_user) -> None:
    org, _admin = silver_partner("Climber", tier="registered")
    evaluate_all_for_review(org)
    review = db.session.scalar(sa.select(TierReview))
    sign_in(client, staff_user)
    client.post(f"/staff/tiers/reviews/{review.id}/decline", data={"reason": "Not yet"})
    response = client.post(f"/staff/tiers/reviews/{review.id}/approve", data={"reason": "Oops"})
    assert response.status_code == 422
    assert "This review is already declined." in response.get_data(as_text=True)
    assert org.tier == "registered"


def test_a_review_for_a_tier_changed_since_cannot_be_approved(app, client, staff_user) -> None:
    org, _admin = silver_partner("Climber", tier="registered")
    evaluate_all_for_review(org)
    review = db.session.scalar(sa.select(TierReview))
    sign_in(client, staff_user)
    client.post(f"/staff/orgs/{org.id}/tier", data={"tier": "gold"})
    response = client.post(f"/staff/tiers/reviews/{review.id}/approve", data={"reason": "Yes"})
    assert response.status_code == 422
    assert "Climber is on Gold now, not Registered" in response.get_data(as_text=True)
    assert org.tier == "gold"


def test_the_queue_says_when_tiers_were_last_evaluated(app, client, staff_user) -> None:
    sign_in(client, staff_user)
    page = client.get("/staff/tiers").get_data(as_text=True)
    assert "Tiers have not been evaluated yet" in page
    assert "No tier changes are waiting." in page
    evaluate_all_for_review(silver_partner("Climber")[0])
    page = client.get("/staff/tiers").get_data(as_text=True)
    assert "Tiers were last evaluated on" in page and "(1 organisations)" in page
    assert "Waiting for a decision (1)" in page


def test_an_unknown_review_is_not_found(app, client, staff_user) -> None:
    sign_in(client, staff_user)
    assert client.post("/staff/tiers/reviews/999999/approve", data={"reason": "x"}).status_code == (
        404
    )
