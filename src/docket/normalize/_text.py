"""Shared text clean-up for the normalisers (private)."""

from __future__ import annotations

import unicodedata

# Separators people type inside identifiers: spaces of all kinds, dashes, dots, middle dots.
_SEPARATORS = dict.fromkeys(map(ord, " \t\r\n\u00a0\u3000-‐‑‒–—―.·•・_/\\"), None)


def as_text(raw: object) -> str | None:
    """`raw` as NFKC text (full-width digits and letters folded), stripped; None when empty.

    Anything that is not text is turned into text first, so a stray int or float never raises.
    """
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    text = raw if isinstance(raw, str) else str(raw)
    text = unicodedata.normalize("NFKC", text).strip()
    return text or None


def strip_separators(text: str) -> str:
    """Remove whitespace, dashes, dots and middle dots."""
    return text.translate(_SEPARATORS)


def strip_accents(text: str) -> str:
    """NFKD, then drop combining marks: 'Zhāng Wěi' → 'Zhang Wei', 'Lü' → 'Lu'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def empty_reason(raw: object) -> str:
    """The reason given for a missing value."""
    return "missing" if raw is None else "empty"
