"""The OpenID Connect authorization code flow, client side: the request (state, nonce, PKCE)
and the answer (code exchange, ID token verified against the provider's keys).

No Flask here: the views keep the pending `Flow` in the signed session and pass it back.
Authlib builds the authorization URL and exchanges the code (with the PKCE verifier);
joserfc verifies the ID token's signature against the provider's JWKS, and Authlib's
`CodeIDToken` checks its claims: issuer, audience (our client id), expiry, issued-at, nonce,
authorised party, access-token hash.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from portal.sso.provider_http import ProviderUnreachable, keys_of, metadata_of

__all__ = [
    "FLOW_SECONDS",
    "Flow",
    "Identity",
    "SignInFailed",
    "begin",
    "finish",
    "flow_from",
]

# A sign-in must come back from the provider within this time.
FLOW_SECONDS = 600
# Clock difference tolerated between the provider and the portal on exp, iat and nbf.
LEEWAY_SECONDS = 60
SCOPE = "openid email profile"
# Signatures with a public key only: an HMAC token would be signed with the client secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class SignInFailed(Exception):
    """The provider's answer cannot sign anyone in; the message is for the person."""


@dataclass(frozen=True)
class Flow:
    """A sign-in sent to a provider and not yet back: kept in the signed session cookie."""

    provider_id: int
    state: str
    nonce: str
    verifier: str
    started_at: int
    next: str = ""

    def as_session(self) -> dict[str, Any]:
        return asdict(self)


def flow_from(value: Any) -> Flow | None:
    """The Flow the session holds, or None when it holds nothing usable."""
    if not isinstance(value, dict):
        return None
    try:
        flow = Flow(**value)
    except TypeError:
        return None
    fields = (flow.state, flow.nonce, flow.verifier, flow.next)
    if not all(isinstance(text, str) for text in fields) or not isinstance(flow.provider_id, int):
        return None
    return flow


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, from a verified ID token."""

    subject: str
    email: str
    email_verified: bool | None
    name: str


@dataclass(frozen=True)
class ClientSettings:
    """What the flow needs of a provider row (the secret already decrypted)."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    allowed_hosts: Collection[str]


def _session(settings: ClientSettings, metadata: dict[str, Any]) -> OAuth2Session:
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    auth_method = (
        "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    )
    session = OAuth2Session(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scope=SCOPE,
        redirect_uri=settings.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=auth_method,
    )
    session.max_redirects = 0  # the token endpoint answers itself; a redirect is refused
    return session


def begin(
    settings: ClientSettings, provider_id: int, now: int, next_target: str, login_hint: str
) -> tuple[str, Flow]:
    """The provider's authorization URL for a new sign-in, and the Flow to keep meanwhile."""
    metadata = metadata_of(settings.issuer, settings.allowed_hosts)
    flow = Flow(
        provider_id=provider_id,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(48),
        started_at=now,
        next=next_target,
    )
    extra = {"login_hint": login_hint} if login_hint else {}
    with _session(settings, metadata) as session:
        url, _state = session.create_authorization_url(
            metadata["authorization_endpoint"],
            state=flow.state,
            nonce=flow.nonce,
            code_verifier=flow.verifier,
            **extra,
        )
    return url, flow


def check_return(flow: Flow | None, state: str, now: int) -> Flow:
    """The pending flow when the provider's answer belongs to it (state, age), else SignInFailed."""
    if flow is None:
        raise SignInFailed(
            "This sign-in was not started in this browser, or it was already used. "
            "Start again from the sign-in page."
        )
    if not hmac.compare_digest(flow.state.encode(), state.encode()):
        raise SignInFailed(
            "The answer from your identity provider does not match this sign-in. "
            "Start again from the sign-in page."
        )
    if now - flow.started_at > FLOW_SECONDS:
        raise SignInFailed("The sign-in took too long. Start again from the sign-in page.")
    return flow


def finish(settings: ClientSettings, flow: Flow, code: str) -> Identity:
    """Exchange the code (with the PKCE verifier) and verify the ID token it brings."""
    metadata = metadata_of(settings.issuer, settings.allowed_hosts)
    try:
        with _session(settings, metadata) as session:
            token = session.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=flow.verifier,
                timeout=(3.05, 10),
            )
    except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
        raise ProviderUnreachable(
            "Your identity provider did not accept the sign-in code."
        ) from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or len(id_token) > 16_000:
        raise SignInFailed("Your identity provider sent no usable ID token.")
    claims = _verified_claims(settings, metadata, flow, id_token, token.get("access_token"))
    return _identity(claims)


def _decode(id_token: str, keys: dict[str, Any], algorithms: list[str]) -> jwt.Token:
    key_set = KeySet.import_key_set(keys)  # type: ignore[arg-type]  # checked: a "keys" list
    return jwt.decode(id_token, key_set, registry=JWSRegistry(algorithms=algorithms))


def _verified_claims(
    settings: ClientSettings,
    metadata: dict[str, Any],
    flow: Flow,
    id_token: str,
    access_token: Any,
) -> CodeIDToken:
    supported = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in ALGORITHMS if alg in supported] or ["RS256"]
    try:
        try:
            decoded = _decode(
                id_token, keys_of(settings.issuer, settings.allowed_hosts), algorithms
            )
        except InvalidKeyIdError:
            # The provider rotated its keys since we cached them: fetch them once more.
            fresh = keys_of(settings.issuer, settings.allowed_hosts, fresh=True)
            decoded = _decode(id_token, fresh, algorithms)
    except (JoseError, ValueError) as exc:
        raise SignInFailed(
            "The ID token's signature does not match your identity provider's keys."
        ) from exc
    params: dict[str, Any] = {"nonce": flow.nonce, "client_id": settings.client_id}
    if isinstance(access_token, str):
        params["access_token"] = access_token
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": settings.client_id},
            "exp": {"essential": True},
            "nonce": {"essential": True},
            "sub": {"essential": True},
        },
        params,
    )
    try:
        claims.validate(leeway=LEEWAY_SECONDS)
    except JoseError as exc:
        claim = getattr(exc, "claim", "") or exc.error
        raise SignInFailed(
            _CLAIM_WORDS.get(claim, f"The ID token's {claim} is not valid.")
        ) from exc
    return claims


_CLAIM_WORDS = {
    "iss": "The ID token was issued by another provider than the one configured.",
    "aud": "The ID token was issued for another application (its audience is not this portal).",
    "exp": "The ID token has expired. Start again from the sign-in page.",
    "nonce": "The ID token does not belong to this sign-in (its nonce differs).",
    "iat": "The ID token's issue time is not valid.",
    "nbf": "The ID token is not valid yet.",
    "azp": "The ID token was issued to another party.",
}


def _identity(claims: CodeIDToken) -> Identity:
    subject, email = claims.get("sub"), claims.get("email")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInFailed("Your identity provider sent no usable subject.")
    if not isinstance(email, str) or not email or len(email) > 254:
        raise SignInFailed(
            "Your identity provider did not tell us your e-mail address: ask its administrator "
            "to release the email claim to this portal."
        )
    verified = claims.get("email_verified")
    name = claims.get("name")
    return Identity(
        subject=subject,
        email=email,
        email_verified=verified if isinstance(verified, bool) else None,
        name=name[:200] if isinstance(name, str) else "",
    )
