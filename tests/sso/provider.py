"""A small OpenID Connect provider for the tests, served for real on 127.0.0.1.

Built from the same kept libraries the portal uses, on the server side: Authlib's PKCE
(RFC 7636) S256 transform checks the code verifier, joserfc signs ID tokens with an RSA key
published as JWKS. It serves discovery, JWKS, an authorize page (a form the person submits,
so a browser can click through it) and the token endpoint (client_secret_basic or _post, the
code single-use, bound to the client, redirect URI and PKCE challenge).

Tests steer it: `provider.person` is who signs in at the authorize page (the form can change
the e-mail), and `provider.tamper` changes the next ID token's claims (a wrong audience, an
expired token, another nonce) to prove the portal refuses them.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import Flask, Response, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from markupsafe import escape
from werkzeug.serving import make_server

CLIENT_ID = "flywheel-portal"
CLIENT_SECRET = "test-client-secret-0123456789"


@dataclass
class Person:
    subject: str
    email: str
    name: str = "Sam Single"
    email_verified: bool | None = True


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    person: Person


@dataclass
class LoopbackProvider:
    issuer: str = ""
    person: Person = field(default_factory=lambda: Person("subject-1", "sam@acme.example"))
    tamper: dict[str, Any] = field(default_factory=dict)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: int = 0

    def reset(self) -> None:
        self.person = Person("subject-1", "sam@acme.example")
        self.tamper = {}
        self.grants.clear()

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant.person.subject,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "email": grant.person.email,
            "name": grant.person.name,
        }
        if grant.person.email_verified is not None:
            claims["email_verified"] = grant.person.email_verified
        for key, value in self.tamper.items():
            if value is None:
                claims.pop(key, None)
            else:
                claims[key] = value
        key = self.tamper.get("_key") or self.key
        claims.pop("_key", None)
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def build_app(provider: LoopbackProvider) -> Flask:
    app = Flask("test_oidc_provider")

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        return jsonify(
            {
                "issuer": provider.issuer,
                "authorization_endpoint": provider.issuer + "/authorize",
                "token_endpoint": provider.issuer + "/token",
                "jwks_uri": provider.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }
        )

    @app.get("/jwks")
    def jwks() -> Response:
        return jsonify({"keys": [provider.key.as_dict(private=False)]})

    @app.get("/authorize")
    def authorize_page() -> str:
        args = request.args
        if args.get("response_type") != "code" or args.get("client_id") != CLIENT_ID:
            abort(400)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            abort(400)
        hidden = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in args.items()
        )
        return (
            "<!doctype html><html lang=en><title>Test identity provider</title>"
            "<h1>Test identity provider</h1><form method=post action=/authorize>"
            f"{hidden}<label>Company e-mail <input name=email "
            f'value="{escape(provider.person.email)}"></label>'
            "<button>Approve sign-in</button></form></html>"
        )

    @app.post("/authorize")
    def authorize() -> Response:
        form = request.form
        person = provider.person
        if form.get("email") and form["email"] != person.email:
            person = Person(person.subject, form["email"], person.name, person.email_verified)
        code = secrets.token_urlsafe(24)
        provider.grants[code] = Grant(
            client_id=form["client_id"],
            redirect_uri=form["redirect_uri"],
            challenge=form["code_challenge"],
            nonce=form.get("nonce", ""),
            person=person,
        )
        query = urlencode({"code": code, "state": form.get("state", "")})
        return redirect(f"{form['redirect_uri']}?{query}")

    def _client() -> tuple[str, str]:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            raw = base64.b64decode(header[6:]).decode()
            client_id, _, secret = raw.partition(":")
            return client_id, secret
        return request.form.get("client_id", ""), request.form.get("client_secret", "")

    @app.post("/token")
    def token() -> tuple[Response, int] | Response:
        provider.token_requests += 1
        client_id, secret = _client()
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return jsonify({"error": "invalid_client"}), 401
        form = request.form
        grant = provider.grants.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return jsonify({"error": "invalid_grant"}), 400
        if form.get("redirect_uri") != grant.redirect_uri or grant.client_id != client_id:
            return jsonify({"error": "invalid_grant"}), 400
        verifier = form.get("code_verifier", "")
        if not verifier or create_s256_code_challenge(verifier) != grant.challenge:
            return jsonify({"error": "invalid_grant", "error_description": "PKCE"}), 400
        return jsonify(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": provider.id_token(grant),
            }
        )

    return app


@contextmanager
def running_provider() -> Iterator[LoopbackProvider]:
    """The provider served on 127.0.0.1 (a free port) in a thread, for as long as needed."""
    provider = LoopbackProvider()
    server = make_server("127.0.0.1", 0, build_app(provider), threaded=True)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=5)
