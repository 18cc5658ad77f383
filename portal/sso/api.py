"""The single sign-on feature's door: what other code (pages, demo data) may use."""

from __future__ import annotations

from portal.sso.models import SsoProvider
from portal.sso.settings import ProviderInput, SettingsRefused, provider_for, save_provider

__all__ = [
    "ProviderInput",
    "SettingsRefused",
    "SsoProvider",
    "provider_for",
    "save_provider",
    "sso_enabled",
]


def sso_enabled(organization_id: int | None) -> bool:
    """Whether the organisation (None: the partner team) signs in through its provider."""
    provider = provider_for(organization_id)
    return provider is not None and provider.enabled
