"""Mapping files: validated at load, errors name the file and key; special categories refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from docket.errors import MappingError
from docket.sources import template
from docket.sources.mapping import load_mapping, parse_mapping, shipped_mappings
from tests.conftest import run_ingest
from tests.sources.conftest import count, write_mapping

BASE: dict[str, Any] = {
    "name": "people",
    "record_key": "id",
    "person": {"name": "full_name", "birthDate": "dob"},
}


def _with(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ({k: v for k, v in BASE.items() if k != "record_key"}, "record_key", "required"),
        (_with(person={"fullName": "x"}), "person.fullName", "unknown property of Person"),
        (_with(person={"name": {"column": "n", "normalizer": "soundex"}}), "person.name.normalizer",
         "unknown normaliser 'soundex'"),
        (_with(things=[{"kind": "Spaceship", "key": "k"}]), "things[0].kind",
         "unknown thing kind 'Spaceship'"),
        (_with(things=[{"kind": "Phone"}]), "things[0].key", "required"),
        (_with(events=[{"kind": "Call", "parties": {"listener": "person"}}]),
         "events[0].parties.listener", "unknown role of Call"),
        (_with(events=[{"kind": "Stay", "parties": {"place": "person"}}]),
         "events[0].parties.place", "not a person"),
        (_with(format="xlsx"), "format", "unknown format"),
        (_with(record_key="{id"), "record_key", "unclosed"),
        (_with(colour="red"), "colour", "unknown key"),
        (_with(person={"birthDate": {"column": "dob", "format": 5, "on_invalid": "shrug"}}),
         "person.birthDate.on_invalid", "expected 'quarantine' or 'null'"),
    ],
)  # fmt: skip
def test_bad_mapping_errors_name_file_and_key(
    tmp_path: Path, body: dict[str, Any], key: str, words: str
) -> None:
    path = write_mapping(tmp_path, body)
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert err.value.file == str(path)
    assert err.value.key == key
    assert words in str(err.value)


def test_unknown_column_is_reported_at_read_time(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    data = tmp_path / "people.csv"
    data.write_text("id,name,dob\n1,Ann,1990-01-01\n")
    m = load_mapping(write_mapping(tmp_path, BASE))
    with pytest.raises(MappingError) as err:
        run_ingest(con, data, m)
    assert err.value.key == "person.name"
    assert "column 'full_name' is not in" in str(err.value)
    assert "id, name, dob" in str(err.value)
    assert count(con, "sources") == 0


@pytest.mark.parametrize(
    ("person", "key", "category"),
    [
        ({"name": "n", "address": "ethnicity"}, "person.address.column", "ethnic origin"),
        ({"name": "n", "address": "民族"}, "person.address.column", "ethnic origin"),
        ({"name": "n", "address": {"column": "addr", "when": {"religion": "none"}}},
         "person.address.when", "Religious"),
        ({"name": {"column": ["n", "HealthStatus"]}}, "person.name.column", "Health"),
    ],
)  # fmt: skip
def test_special_category_mapping_is_refused_and_nothing_stored(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, person: dict[str, Any], key: str, category: str
) -> None:
    data = tmp_path / "people.csv"
    data.write_text("id,n,addr,ethnicity,民族,religion,HealthStatus\n1,Ann,x,y,z,w,v\n")
    path = write_mapping(tmp_path, _with(person=person))
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert err.value.key == key
    assert category.lower() in str(err.value).lower()
    assert "nothing from this source is ingested" in str(err.value)
    for table in ("mentions", "quarantine", "sources"):
        assert count(con, table) == 0


def test_special_category_as_a_record_key_or_mapping_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="Religious") as err:
        parse_mapping(_with(record_key="{id}-{religion}"), "m.yaml")
    assert err.value.key == "record_key"
    with pytest.raises(MappingError, match="Religious") as err:
        parse_mapping(_with(religion="Catholic"), "m.yaml")
    assert err.value.key == "religion"


def test_shipped_mappings_cover_every_synthetic_source() -> None:
    names = {m.name for m in shipped_mappings()}
    assert names == {
        "registry", "telecom_subscribers", "telecom_cdr", "telecom_towers", "hotel_checkins",
        "rail_tickets", "air_manifests", "bank_accounts", "bank_transfers", "vehicle_registry",
        "plate_sightings", "cameras", "social_accounts",
    }  # fmt: skip
    for m in shipped_mappings():
        assert Path(m.file).stem == m.name
        assert m.legal_basis and m.retention_days


_columns = st.text(
    alphabet=st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), min_size=1
).filter(lambda s: s.strip() != "")
_literals = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1)
_parts = st.lists(
    st.one_of(_columns.map(template.Column), _literals.map(template.Literal)), min_size=1
).filter(lambda ps: any(isinstance(p, template.Column) for p in ps))


def _merge(parts: list[template.Part]) -> tuple[template.Part, ...]:
    """Adjacent literals are one literal once parsed."""
    out: list[template.Part] = []
    for p in parts:
        if out and isinstance(p, template.Literal) and isinstance(out[-1], template.Literal):
            out[-1] = template.Literal(out[-1].text + p.text)
        else:
            out.append(p)
    return tuple(out)


@given(_parts)
def test_record_key_templates_round_trip(parts: list[template.Part]) -> None:
    merged = _merge(parts)
    assert template.parse(template.render(merged)) == merged


@given(st.text())
def test_record_key_parser_never_fails_unexpectedly(text: str) -> None:
    try:
        parts = template.parse(text)
    except ValueError:
        return
    assert any(isinstance(p, template.Column) for p in parts)
    assert template.parse(template.render(parts)) == parts
