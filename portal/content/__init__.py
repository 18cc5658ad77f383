"""The content engine: CONTENT_DIR (Markdown + YAML) → an immutable, validated ContentIndex.

Pure Python: no Flask, no database. `portal.content_runtime` is the Flask glue.
"""

from portal.content.files import content_fingerprint
from portal.content.loader import load_content
from portal.content.model import ContentError, ContentIndex, ContentProblem

__all__ = ["ContentError", "ContentIndex", "ContentProblem", "content_fingerprint", "load_content"]
