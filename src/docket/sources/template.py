"""Record-key templates: ``"{train_no}-{date}-{seat}"`` names columns in braces.

A template without braces is a plain column name. ``{{`` and ``}}`` stand for
literal braces. `parse` never guesses: unbalanced braces raise ValueError.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Column:
    name: str


Part = Literal | Column


def parse(template: str) -> tuple[Part, ...]:
    """Split a template into literal text and column references. Raises ValueError."""
    if "{" not in template and "}" not in template:
        if not template.strip():
            raise ValueError("empty record key")
        return (Column(template),)
    parts: list[Part] = []
    buf: list[str] = []
    i, n = 0, len(template)
    while i < n:
        ch = template[i]
        if ch == "{" and template.startswith("{{", i):
            buf.append("{")
            i += 2
        elif ch == "}" and template.startswith("}}", i):
            buf.append("}")
            i += 2
        elif ch == "{":
            end = template.find("}", i + 1)
            if end < 0:
                raise ValueError(f"unclosed '{{' at position {i}")
            name = template[i + 1 : end]
            if not name.strip() or "{" in name:
                raise ValueError(f"empty or nested column reference at position {i}")
            if buf:
                parts.append(Literal("".join(buf)))
                buf = []
            parts.append(Column(name))
            i = end + 1
        elif ch == "}":
            raise ValueError(f"unmatched '}}' at position {i}")
        else:
            buf.append(ch)
            i += 1
    if buf:
        parts.append(Literal("".join(buf)))
    if not any(isinstance(p, Column) for p in parts):
        raise ValueError("a record-key template must name at least one {column}")
    return tuple(parts)


def render(parts: tuple[Part, ...]) -> str:
    """The template text for `parts` (inverse of `parse`)."""
    if len(parts) == 1 and isinstance(parts[0], Column) and not _needs_braces(parts[0].name):
        return parts[0].name
    out = []
    for p in parts:
        if isinstance(p, Literal):
            out.append(p.text.replace("{", "{{").replace("}", "}}"))
        else:
            out.append("{" + p.name + "}")
    return "".join(out)


def _needs_braces(name: str) -> bool:
    return "{" in name or "}" in name or not name.strip()


def columns(parts: tuple[Part, ...]) -> list[str]:
    """The column names a template refers to, in order, without repeats."""
    seen: dict[str, None] = {}
    for p in parts:
        if isinstance(p, Column):
            seen.setdefault(p.name)
    return list(seen)
