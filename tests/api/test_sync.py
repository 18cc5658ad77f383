"""A CRM's sync: `updated_since` and the cursor together, while the partner team works.

Pages come in id order and never shift; a referral changed during a walk is read once in it
(or not at all, if its id was passed) and again by the next sync since the walk began; the
instant itself is included, so a sync that starts where the last one began misses nothing.
"""

from __future__ import annotations

from datetime import timedelta

from portal.db_types import utcnow
from tests.api.helpers import bearer, token_for

URL = "/api/v1/referrals"


def _walk(client, headers, **query) -> list[dict]:
    """Every page of the list, following next_cursor."""
    items: list[dict] = []
    after = None
    while True:
        args = {**query, "limit": 2, **({"after": after} if after else {})}
        page = client.get(URL, query_string=args, headers=headers).get_json()
        items += page["items"]
        after = page["next_cursor"]
        if after is None:
            return items


def test_a_sync_walk_is_stable_while_referrals_change(
    client, admin_user, staff_user, partner_user, other_partner, make_referral
) -> None:
    old = utcnow() - timedelta(days=10)
    referrals = [make_referral(partner_user, now=old) for _ in range(3)]
    referrals += [make_referral(other_partner) for _ in range(3)]
    reader = bearer(token_for(admin_user, "referrals:read"))
    writer = bearer(token_for(admin_user, "inbox:write"))
    last_sync = utcnow() - timedelta(days=1)

    # A walk of what changed since the last sync: the three recent ones, in id order.
    began = utcnow()
    first = client.get(
        URL, query_string={"updated_since": last_sync.isoformat(), "limit": 2}, headers=reader
    ).get_json()
    assert [i["reference"] for i in first["items"]] == [r.reference for r in referrals[3:5]]
    # Meanwhile staff give an old referral (below the cursor) and a recent one an owner.
    for changed in (referrals[0], referrals[5]):
        assigned = client.put(
            f"{URL}/{changed.reference}/owner",
            json={"owner_email": staff_user.email},
            headers=writer,
        )
        assert assigned.status_code == 200
    rest = client.get(
        URL,
        query_string={
            "updated_since": last_sync.isoformat(),
            "limit": 2,
            "after": first["next_cursor"],
        },
        headers=reader,
    ).get_json()
    assert [i["reference"] for i in rest["items"]] == [referrals[5].reference]
    assert rest["next_cursor"] is None
    assert rest["items"][0]["owner_first_name"] == "Sam"

    # The next sync, since the walk began, reads both changes once each, oldest id first.
    again = _walk(client, reader, updated_since=began.isoformat())
    assert [i["reference"] for i in again] == [referrals[0].reference, referrals[5].reference]
    assert all(item["last_changed_at"] >= began.isoformat()[:19] for item in again)


def test_the_instant_is_included_and_pages_do_not_overlap(
    client, admin_user, partner_user, make_referral
) -> None:
    moment = utcnow() - timedelta(hours=2)
    made = [make_referral(partner_user, now=moment) for _ in range(5)]
    reader = bearer(token_for(admin_user, "referrals:read"))
    since = _walk(client, reader, updated_since=moment.isoformat())
    assert [i["reference"] for i in since] == [r.reference for r in made]
    later = moment + timedelta(microseconds=1)
    assert _walk(client, reader, updated_since=later.isoformat()) == []
    everything = _walk(client, reader)
    assert len({i["reference"] for i in everything}) == len(everything) == 5
    naive = client.get(URL, query_string={"updated_since": "2026-12-01T00:00:00"}, headers=reader)
    assert naive.status_code == 422  # an instant needs its offset
