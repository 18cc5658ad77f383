"""Route table for the kits routes (merged into tests/test_access.py ACCESS).

Every partner role may use the fixture kit `webinar-in-a-box` (no audience limits); staff get
403 on partner material. Audience 404s are covered in tests/kits/test_views.py.
"""

from __future__ import annotations

from tests.access_helpers import Route, partners

KIT = "/kits/webinar-in-a-box"

ROUTES: dict[str, Route] = {
    "kits.library": Route("/kits", partners()),
    "kits.kit": Route(KIT, partners()),
    "kits.download": Route(f"{KIT}/files/banner.png", partners()),
    "kits.download_all": Route(f"{KIT}/download-all", partners()),
    "kits.preview": Route(f"{KIT}/previews/slides.pdf", partners()),
    "kits.template": Route(f"{KIT}/templates/invite", partners()),
    "kits.template_download": Route(f"{KIT}/templates/invite/download?format=txt", partners()),
    "kits.template_copied": Route(f"{KIT}/templates/invite/copied", partners("ok"), "POST"),
}
