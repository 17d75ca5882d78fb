"""E-mail addresses: trimmed, domain lower-cased, basic shape checked."""

from __future__ import annotations

import re

from docket.normalize._text import as_text, empty_reason
from docket.normalize.result import Result, fail, ok

# The local part keeps its case (RFC 5321); it may hold anything but space, '@' and controls.
_LOCAL = re.compile(r"[^\s@<>(),;:\"\[\]\\\x00-\x1f\x7f]{1,64}")
# Domains are ASCII (internationalised domains arrive as punycode 'xn--…').
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")


def normalize_email(raw: object) -> Result[str]:
    """' Wei.Zhang@Example.COM ' → 'Wei.Zhang@example.com'; 'mailto:' and <…> removed."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    if text[:7].casefold() == "mailto:":
        text = text[7:].strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if text.count("@") != 1:
        return fail("an e-mail address has exactly one '@'")
    local, domain = text.split("@")
    domain = domain.lower().rstrip(".")
    if not _LOCAL.fullmatch(local):
        return fail("invalid characters or length before the '@'")
    if len(domain) > 253 or not _DOMAIN.fullmatch(domain):
        return fail("the part after '@' is not a domain name")
    return ok(f"{local}@{domain}")


__all__ = ["normalize_email"]
