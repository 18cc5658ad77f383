"""The question pages through the client: ask, answer, read; scoping; subjects both ways."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.questions.models import PartnerQuestion
from tests.questions.helpers import new_question


def _ask(client, **fields):
    data = {"topic": "commissions", "subject": "Payout date", "body": "When?", **fields}
    return client.post("/questions/new", data=data)


def test_partner_asks_staff_answers_partner_reads(app, client, login, partner_user, staff_user):
    login(partner_user)
    asked = _ask(client, subject="When is the Q3 payout?", body="Approved last week.")
    assert asked.status_code == 303
    question = db.session.scalars(sa.select(PartnerQuestion)).one()
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "When is the Q3 payout?" in page and "Waiting for the partner team" in page

    login(staff_user)
    queue = client.get("/staff/questions").get_data(as_text=True)
    assert "When is the Q3 payout?" in queue and "Acme Referrals" in queue
    client.post(f"/staff/questions/{question.id}/note", data={"note": "Finance says 15th."})
    answered = client.post(
        f"/staff/questions/{question.id}/answer",
        data={"body": "It is paid on the 15th.", "outcome": "answered", "worth_faq": "y"},
    )
    assert answered.status_code == 303

    login(partner_user)
    thread = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "It is paid on the 15th." in thread and "Answered" in thread
    assert "Finance says 15th." not in thread
    assert "Sam Staff, partner team" in thread

    login(staff_user)
    faq = client.get("/staff/questions/faq").get_data(as_text=True)
    assert "## When is the Q3 payout?\n\nIt is paid on the 15th." in faq.replace("&#39;", "'")


def test_another_organisations_question_is_not_found_and_never_leaks(
    app, client, login, partner_user, other_partner, staff_user
):
    secret = "Globex margin is 31 percent, do not share"
    theirs = new_question(other_partner, subject="Globex pricing", body=secret)
    ours = new_question(partner_user, subject="Our payout", body="When is it paid?")
    login(staff_user)
    for question in (theirs, ours):
        client.post(
            f"/staff/questions/{question.id}/answer",
            data={"body": f"Answer {question.id}", "outcome": "answered"},
        )
    login(partner_user)
    assert client.get(f"/questions/{theirs.id}").status_code == 404
    assert client.post(f"/questions/{theirs.id}/reply", data={"body": "x"}).status_code == 404
    for url in ("/questions", f"/questions/{ours.id}", "/questions/new", "/"):
        html = client.get(url).get_data(as_text=True)
        assert secret not in html and "Globex pricing" not in html, url
    to_acme = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_email == partner_user.email)
    ).one()
    for body in (to_acme.body_text, to_acme.body_html, to_acme.subject):
        assert secret not in body and "Globex" not in body


def test_a_referral_question_links_both_ways(app, client, login, partner_user, make_referral):
    referral = make_referral(partner_user)
    login(partner_user)
    detail = client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    ask_link = re.search(r'href="(/questions/new\?about=referral[^"]+)"', detail).group(1)
    form = client.get(ask_link.replace("&amp;", "&")).get_data(as_text=True)
    assert f"Referral {referral.reference}" in form
    about = re.search(r'name="about" type="hidden" value="([^"]+)"', form) or re.search(
        r'type="hidden" name="about" value="([^"]+)"', form
    )
    assert about is not None
    created = _ask(client, subject="Who owns this deal?", about=about.group(1))
    thread = client.get(created.headers["Location"]).get_data(as_text=True)
    assert f'href="/referrals/{referral.reference}"' in thread
    detail = client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "Who owns this deal?" in detail


def test_a_subject_the_partner_may_not_see_is_dropped(
    app, client, login, partner_user, other_partner, make_referral
):
    theirs = make_referral(other_partner)
    login(partner_user)
    _ask(client, about=f"referral:{theirs.reference}")
    question = db.session.scalars(sa.select(PartnerQuestion)).one()
    assert question.about_kind is None and question.about_key is None
    _ask(client, about="page:rules")
    latest = db.session.scalars(
        sa.select(PartnerQuestion).order_by(PartnerQuestion.id.desc())
    ).first()
    assert (latest.about_kind, latest.about_key) == ("page", "rules")
    page = client.get("/program/rules").get_data(as_text=True)
    assert "Payout date" in page and "Ask about this" in page


def test_a_blank_question_gets_messages_not_a_row(app, client, login, partner_user):
    login(partner_user)
    response = _ask(client, subject="", body="")
    assert response.status_code == 422
    assert "Say in a line what it is about." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnerQuestion)) == 0


def test_the_queue_tabs_filters_and_csv(app, client, login, partner_user, staff_user):
    waiting = new_question(partner_user, subject="Tier question", topic="program")
    answered = new_question(partner_user, subject="Payout question")
    login(staff_user)
    client.post(
        f"/staff/questions/{answered.id}/answer", data={"body": "Done.", "outcome": "answered"}
    )
    client.post(f"/staff/questions/{waiting.id}/assign", data={"assignee": str(staff_user.id)})
    new_tab = client.get("/staff/questions").get_data(as_text=True)
    assert "Tier question" in new_tab and "Payout question" not in new_tab
    assert "New (1)" in new_tab and "Answered (1)" in new_tab
    answered_tab = client.get("/staff/questions?status=answered").get_data(as_text=True)
    assert "Payout question" in answered_tab and "In time" in answered_tab
    mine = client.get("/staff/questions?assignee=nobody").get_data(as_text=True)
    assert "Tier question" not in mine
    by_topic = client.get("/staff/questions?topic=commissions").get_data(as_text=True)
    assert "Tier question" not in by_topic
    csv_text = client.get("/staff/questions/export.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("question,asked,organisation")
    assert "Tier question" in csv_text and "Sam Staff" in csv_text


def test_the_queue_and_list_read_a_flat_number_of_statements(
    app, client, login, partner_user, staff_user, count_queries
):
    new_question(partner_user)
    login(staff_user)
    with count_queries() as one:
        client.get("/staff/questions")
    login(partner_user)
    with count_queries() as partner_one:
        client.get("/questions")
    for n in range(30):
        new_question(partner_user, subject=f"Question {n}")
    login(staff_user)
    with count_queries() as many:
        assert client.get("/staff/questions").status_code == 200
    login(partner_user)
    with count_queries() as partner_many:
        assert "Older" in client.get("/questions").get_data(as_text=True)
    assert many.count == one.count
    assert partner_many.count == partner_one.count


def test_the_queue_pages_by_cursor_and_ignores_a_tampered_one(
    app, client, login, partner_user, staff_user
):
    for n in range(27):
        new_question(partner_user, subject=f"Question {n:02d}")
    login(staff_user)
    first = client.get("/staff/questions").get_data(as_text=True)
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert "Question 26" in second and "Question 00" not in second
    tampered = client.get("/staff/questions?after=abc").get_data(as_text=True)
    assert "Question 00" in tampered


def test_tab_counts_stop_at_the_cap(app, monkeypatch, client, login, partner_user, staff_user):
    from portal.questions import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    for n in range(3):
        new_question(partner_user, subject=f"Question {n}")
    from portal.db_types import utcnow

    assert listing.status_counts(utcnow())["new"] == 3
    login(staff_user)
    assert "New (2+)" in client.get("/staff/questions").get_data(as_text=True)


def test_the_queue_filters_by_group_and_by_overdue(app, client, login, partner_user, staff_user):
    from datetime import timedelta

    from portal.db_types import utcnow

    new_question(partner_user, subject="Late payout", now=utcnow() - timedelta(hours=9))
    new_question(partner_user, subject="Tier rules", topic="program")
    login(staff_user)
    page = client.get("/staff/questions").get_data(as_text=True)
    assert '1</span> <span class="stat-label">new questions past' in page
    overdue = client.get("/staff/questions?overdue=y").get_data(as_text=True)
    assert "Late payout" in overdue and "Tier rules" not in overdue
    finance = client.get("/staff/questions?group=Partner+finance").get_data(as_text=True)
    assert "Late payout" in finance and "Tier rules" not in finance
    both = client.get("/staff/questions?group=Partner+finance&topic=program")
    assert "No questions here." in both.get_data(as_text=True)
    unknown = client.get("/staff/questions?group=Nobody")
    assert unknown.status_code == 422 and "Tier rules" in unknown.get_data(as_text=True)


def test_a_referral_and_its_commission_show_their_questions_from_one_read(
    app, client, login, partner_user, staff_user, make_won_referral, count_queries
):
    referral, _ = make_won_referral(partner_user, staff_user)
    reference = referral.reference
    login(partner_user)
    _ask(client, subject="Who owns this deal?", about=f"referral:{reference}")
    _ask(client, subject="When is this paid?", about=f"commission:{reference}")
    db.session.expunge_all()
    with count_queries() as counter:
        page = client.get(f"/referrals/{reference}").get_data(as_text=True)

    def card(title: str) -> str:
        start = page.index(title)
        return page[start : page.index("</section>", start)]

    # Each card lists its own subject's question, and the two share one read.
    assert "When is this paid?" in card("Questions about this payout")
    assert "Who owns this deal?" not in card("Questions about this payout")
    assert "Who owns this deal?" in card("Questions about this referral")
    assert "When is this paid?" not in card("Questions about this referral")
    reads = [s for s in counter.statements if "FROM questions" in s]
    assert len(reads) == 1, reads
