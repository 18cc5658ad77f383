"""The directory feature's public door: what other features may import from it.

- listing.py: who is listed, the search and its documented order, the figures' refresh;
- profiles.py: a partner's proposed change, staff's approval or rejection, leaving;
- contact.py: the contact form's checks and `hand_over`, where a contact becomes a lead.
"""

from __future__ import annotations

from portal.directory.contact import hand_over
from portal.directory.listing import listing_by_slug, refresh_counts
from portal.directory.models import DirectoryContact

__all__ = ["DirectoryContact", "hand_over", "listing_by_slug", "refresh_counts"]
