"""Kit rules without a request: audience, filtering, events, the co-branding context."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role
from portal.audit.models import ActivityEvent
from portal.content import load_content
from portal.content.library import Audience
from portal.content.model import ContentIndex
from portal.extensions import db
from portal.kits.service import (
    cobrand_context,
    kit_for,
    kits_for,
    org_has_kit_download,
    record_download,
    record_template_use,
    render_template_for,
    visible_to,
)
from tests.conftest import FIXTURE_CONTENT
from tests.kits.conftest import build_kit, make_template


@pytest.fixture(scope="module")
def fixture_index() -> ContentIndex:
    return load_content(FIXTURE_CONTENT)


@pytest.fixture
def index(fixture_index: ContentIndex, tmp_path) -> ContentIndex:
    """The fixture program with hand-built kits of every audience shape."""
    kits = [
        build_kit(tmp_path, "open", title="Webinar in a box", tags=("events",)),
        build_kit(
            tmp_path,
            "resellers",
            title="Reseller price sheet",
            kind="one-pager",
            summary="List prices.",
            audience=Audience(("reseller",), 0, None),
        ),
        build_kit(
            tmp_path,
            "silver",
            title="Silver e-mails",
            kind="email",
            summary="E-mails for silver partners.",
            audience=Audience((), 1, "silver"),
        ),
        build_kit(
            tmp_path,
            "gold-resellers",
            title="Gold reseller case study",
            kind="case-study",
            audience=Audience(("reseller", "alliance"), 2, "gold"),
        ),
    ]
    return replace(fixture_index, kits={k.id: k for k in kits})


@pytest.mark.parametrize(
    ("partner_type", "tier", "expected"),
    [
        ("referral", "registered", ["open"]),
        ("referral", "silver", ["open", "silver"]),
        ("reseller", "registered", ["open", "resellers"]),
        ("reseller", "gold", ["gold-resellers", "open", "resellers", "silver"]),
        ("alliance", "gold", ["gold-resellers", "open", "silver"]),
        # A tier the program no longer lists counts as the entry tier.
        ("reseller", "platinum", ["open", "resellers"]),
    ],
)
def test_kits_for_follows_the_audience(
    index: ContentIndex, make_org, make_user, partner_type: str, tier: str, expected: list[str]
) -> None:
    user = make_user(Role.PARTNER_USER, make_org(partner_type=partner_type, tier=tier))
    assert sorted(k.id for k in kits_for(user, index)) == expected
    for kit in index.kits.values():
        assert (kit_for(user, index, kit.id) is not None) == (kit.id in expected)


def test_kits_are_partner_material_and_unknown_ids_are_none(
    index: ContentIndex, staff_user, partner_user
) -> None:
    assert kits_for(staff_user, index) == []  # staff pages never serve kits
    assert kit_for(partner_user, index, "no-such-kit") is None


def test_a_user_without_an_organisation_sees_nothing(index: ContentIndex, make_user) -> None:
    user = make_user(Role.PARTNER_USER, None)
    assert kits_for(user, index) == []
    assert not visible_to(user, index.kits["open"], index.program)


@pytest.mark.parametrize(
    ("kind", "q", "expected"),
    [
        ("webinar", "", ["open"]),
        ("one-pager", "", ["resellers"]),
        (None, "PRICE", ["resellers"]),
        (None, "events", ["open"]),  # a tag
        (None, "webinar box", ["open"]),  # every word, anywhere
        (None, "webinar prices", []),
        ("email", "webinar", []),
        (None, "  ", ["resellers", "open"]),  # by title
    ],
)
def test_kits_for_filters_by_kind_and_words(
    index: ContentIndex, make_org, make_user, kind: str | None, q: str, expected: list[str]
) -> None:
    user = make_user(Role.PARTNER_USER, make_org(partner_type="reseller"))
    assert [k.id for k in kits_for(user, index, kind=kind, q=q)] == expected


def test_kits_are_listed_by_title(index: ContentIndex, staff_user) -> None:
    titles = [k.title for k in kits_for(staff_user, index)]
    assert titles == sorted(titles, key=str.casefold)


def test_a_download_is_an_event_of_the_organisation(
    app: Flask, index: ContentIndex, partner_user, partner_org, other_org
) -> None:
    kit = index.kits["open"]
    assert not org_has_kit_download(partner_org.id)
    event = record_download(partner_user, kit, kit.files[0])
    db.session.commit()
    assert (event.kind, event.subject) == ("kit_download", "open/slides.pdf")
    assert (event.user_id, event.organization_id) == (partner_user.id, partner_org.id)
    assert org_has_kit_download(partner_org.id)
    assert not org_has_kit_download(other_org.id)


def test_template_use_is_recorded_by_how(app: Flask, index: ContentIndex, partner_user) -> None:
    kit = index.kits["open"]
    template = make_template()
    record_template_use(partner_user, kit, template, "copy")
    record_template_use(partner_user, kit, template, "download")
    db.session.commit()
    events = db.session.execute(
        sa.select(ActivityEvent.kind, ActivityEvent.subject).order_by(ActivityEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("template_copy", "open/invite"),
        ("template_download", "open/invite"),
    ]
    assert not org_has_kit_download(partner_user.organization_id)


def test_cobrand_context_carries_only_public_fields(
    index: ContentIndex, make_org, make_user
) -> None:
    org = make_org(name="Acme & Co", website="https://acme.example")
    user = make_user(Role.PARTNER_USER, org, name="Pat Lee", job_title="Alliances lead")
    context = cobrand_context(user, index.kits["open"], index.program)
    assert context.variables() == {
        "partner": {"name": "Acme & Co", "website": "https://acme.example"},
        "user": {"name": "Pat Lee", "title": "Alliances lead"},
        "kit": {"title": "Webinar in a box", "summary": "Run a joint webinar."},
        "program": {"vendor": "Testwind", "name": "Testwind Partner Program"},
    }


def test_render_template_for_escapes_only_html_templates(
    index: ContentIndex, make_org, make_user
) -> None:
    user = make_user(Role.PARTNER_USER, make_org(name="<b>Acme</b> & Co"))
    kit = index.kits["open"]
    text = make_template(body="From {{ partner.name }}")
    html = make_template(body="<p>From {{ partner.name }}</p>", fmt="html")
    assert render_template_for(user, kit, text, index.program) == "From <b>Acme</b> & Co"
    assert (
        render_template_for(user, kit, html, index.program)
        == "<p>From &lt;b&gt;Acme&lt;/b&gt; &amp; Co</p>"
    )
