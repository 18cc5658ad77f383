"""Content images as a partner's browser fetches them: cached by version, nothing recorded."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.content_runtime import current_content
from portal.signals import kit_downloaded


def test_a_versioned_image_is_cached_for_a_year_and_ticks_nothing(
    app: Flask, login, partner_user: User
) -> None:
    client = login(partner_user)
    with app.app_context():
        image = current_content().images["images/flow.png"]
    downloads: list[object] = []

    def record(sender: object, **kwargs: object) -> None:
        downloads.append(kwargs)

    with kit_downloaded.connected_to(record):
        response = client.get(image.url)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cache = response.cache_control
    assert (cache.private, cache.max_age, cache.immutable) == (True, 31536000, True)
    assert downloads == []  # not a kit download: no onboarding step can tick from it


def test_an_unversioned_image_is_cached_briefly_and_revalidated(
    app: Flask, login, partner_user: User
) -> None:
    client = login(partner_user)
    first = client.get("/content-images/images/flow.png?v=old")
    assert first.cache_control.max_age == 300
    again = client.get(
        "/content-images/images/flow.png", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_only_listed_images_are_served(login, partner_user: User) -> None:
    client: FlaskClient = login(partner_user)
    for url in (
        "/content-images/program.yml",
        "/content-images/images/../program.yml",
        "/content-images/learning/basics/01-welcome.md",
        "/content-images/images/missing.png",
    ):
        assert client.get(url).status_code == 404, url
