"""Signals that let one feature react to another without importing its tables.

Onboarding listens for these to tick computed steps and activate the organisation.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# send(sender=None, organization_id=int, user=User, path_id=str)
certification_issued = _signals.signal("certification-issued")

# send(sender=None, organization_id=int, referral=Referral)
referral_submitted = _signals.signal("referral-submitted")

# send(sender=None, organization_id=int, user=User, kit_id=str, file=str)
kit_downloaded = _signals.signal("kit-downloaded")
