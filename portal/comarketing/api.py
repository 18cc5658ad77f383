"""The co-marketing feature's public door: what other features may import from it.

- listing.org_history: an organisation's latest co-marketing events, for the staff
  organisation page's history.
- presentation.event_title: how those events are worded.
"""

from __future__ import annotations

from portal.comarketing.listing import HistoryEntry, org_history
from portal.comarketing.presentation import event_title

__all__ = ["HistoryEntry", "event_title", "org_history"]
