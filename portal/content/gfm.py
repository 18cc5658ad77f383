"""GitHub-flavoured Markdown to HTML with cmark-gfm, GitHub's own parser (the cmarkgfm wheel).

cmarkgfm's Python helpers (`github_flavored_markdown_to_html`, `render_html`, ...) never free
the parse tree nor the HTML buffer cmark-gfm allocates: every call leaks a few times the size of
the document (2,000 renders of a 23 KB text grew a process by 1.8 GB). So this module calls the
same C functions of the library compiled into that wheel, with the same options and
extensions, and frees both. ctypes releases the GIL during each call; every render has its own
parser, so threads never share state.
"""

from __future__ import annotations

import ctypes

from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

# GitHub's extensions (the set cmarkgfm's github_flavored_markdown_to_html enables).
EXTENSIONS = ("table", "strikethrough", "autolink", "tagfilter", "tasklist")
# Raw HTML is passed through (nh3 sanitises everything afterwards); footnotes as on GitHub.
# Not GITHUB_PRE_LANG: that puts the fence's info string in <pre lang="...">, which would
# announce "rust" as the human language of the code to screen readers; a class it is.
OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES

_P = ctypes.c_void_p


class _Allocator(ctypes.Structure):
    _fields_ = [("calloc", _P), ("realloc", _P), ("free", ctypes.CFUNCTYPE(None, _P))]


def _bind(library: ctypes.CDLL) -> ctypes.CDLL:
    signatures: dict[str, tuple[object, list[object]]] = {
        "cmark_gfm_core_extensions_ensure_registered": (None, []),
        "cmark_init_standard_node_flags": (None, []),
        "cmark_find_syntax_extension": (_P, [ctypes.c_char_p]),
        "cmark_get_default_mem_allocator": (ctypes.POINTER(_Allocator), []),
        "cmark_parser_new": (_P, [ctypes.c_int]),
        "cmark_parser_attach_syntax_extension": (ctypes.c_int, [_P, _P]),
        "cmark_parser_feed": (None, [_P, ctypes.c_char_p, ctypes.c_size_t]),
        "cmark_parser_finish": (_P, [_P]),
        "cmark_parser_get_syntax_extensions": (_P, [_P]),
        "cmark_render_html": (_P, [_P, ctypes.c_int, _P]),
        "cmark_node_free": (None, [_P]),
        "cmark_parser_free": (None, [_P]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library


_lib = _bind(ctypes.CDLL(_cmark.__file__))
# Both touch global state ("call at program startup", says cmark-gfm): done once here, at
# import, never while threads render.
_lib.cmark_gfm_core_extensions_ensure_registered()
_lib.cmark_init_standard_node_flags()
_extensions = tuple(_lib.cmark_find_syntax_extension(name.encode()) for name in EXTENSIONS)
if not all(_extensions):
    raise ImportError(f"cmark-gfm lacks one of the extensions {', '.join(EXTENSIONS)}")
# The HTML buffer comes from the tree's allocator, cmark-gfm's default one.
_free = _lib.cmark_get_default_mem_allocator().contents.free


def gfm_to_html(text: str) -> str:
    """`text` rendered by cmark-gfm as GitHub renders it (raw HTML kept: sanitise the result)."""
    data = text.encode("utf-8", "replace")
    parser = _lib.cmark_parser_new(OPTIONS)
    try:
        for extension in _extensions:
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        _lib.cmark_parser_feed(parser, data, len(data))
        root = _lib.cmark_parser_finish(parser)
        if not root:
            raise MemoryError("cmark-gfm could not parse the document")
        try:
            extensions = _lib.cmark_parser_get_syntax_extensions(parser)
            buffer = _lib.cmark_render_html(root, OPTIONS, extensions)
            if not buffer:
                raise MemoryError("cmark-gfm could not render the document")
            try:
                return ctypes.string_at(buffer).decode("utf-8", "replace")
            finally:
                _free(buffer)
        finally:
            _lib.cmark_node_free(root)
    finally:
        _lib.cmark_parser_free(parser)
