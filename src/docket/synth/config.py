"""Noise rates and the summary of a generated world."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class NoiseConfig:
    """Noise rates. Each is a probability per person-mention row (or per person where noted).

    The defaults are documented in docs/synth.md; `docs_table()` renders them.
    """

    homophone: float = 0.03  # one character replaced by a homophone (炜 for 伟)
    lookalike: float = 0.01  # one character replaced by a look-alike (玉 for 王)
    traditional: float = 0.03  # whole name in traditional characters
    id_transpose: float = 0.005  # two adjacent digits swapped (check digit then usually wrong)
    id_mistype: float = 0.005  # one sequence digit mistyped
    id_recheck: float = 0.5  # share of mistyped IDs whose check digit was recomputed (look valid)
    id_missing: float = 0.02  # ID field empty (telecom, hotels, rail, banks, vehicles)
    phone_missing: float = 0.15  # contact phone empty
    address_missing: float = 0.05  # address empty (telecom, vehicles)
    phone_format: float = 0.3  # phone written '+86 138 1234 5678' or '86-13812345678'
    duplicate_registration: float = 0.005  # person registered twice in the registry (per person)
    relative_phone: float = 0.05  # adult's phone registered under a household member (per phone)
    child_phone_by_parent: float = 0.7  # minor's phone registered under a parent (per phone)
    other_id: float = 0.01  # telecom: cert_no of a household member next to the customer's name
    no_cert: float = 0.03  # telecom: old SIM without certificate on file
    common_name: float = 0.03  # adults given one of the 20 most frequent full names (per person)
    migrant_share: float = 0.15  # households registered in another city than where they live
    pinyin_order: float = 0.02  # air: GIVEN/SURNAME instead of SURNAME/GIVEN
    pinyin_split: float = 0.1  # air: given-name syllables separated by a space
    umlaut_variant: float = 0.5  # air: ü written U or V instead of the passport YU
    plate_misread: float = 0.02  # plate camera: one character misread

    @staticmethod
    def docs_table() -> str:
        """The rates as a markdown table (name, default, meaning)."""
        import inspect

        src = inspect.getsource(NoiseConfig).splitlines()
        rows = ["| rate | default | meaning |", "|---|---|---|"]
        for f in fields(NoiseConfig):
            line = next(s for s in src if s.strip().startswith(f"{f.name}:"))
            meaning = line.split("#", 1)[1].strip() if "#" in line else ""
            rows.append(f"| `{f.name}` | {f.default} | {meaning} |")
        return "\n".join(rows)


@dataclass
class SynthSummary:
    """What `generate` wrote."""

    out: Path
    people: int
    seed: int
    start: date
    days: int
    rows: dict[str, int] = field(default_factory=dict)  # file stem → data rows
    mentions: int = 0
    stories: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def source_rows(self) -> int:
        """All rows of all source files."""
        return sum(self.rows.values())
