"""The canonical model loads, is consistent, and a broken file names file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docket.errors import ModelError
from docket.schema import load_model, model
from docket.schema.loader import MODEL_DIR


def test_model_declares_the_kinds_the_platform_needs() -> None:
    m = model()
    assert [k.name for k in m.of_group("entity")] == ["Person"]
    things = {k.name for k in m.of_group("thing")}
    assert {"Phone", "BankAccount", "Vehicle", "SocialAccount", "Place"} <= things
    for sub in ("Hotel", "Station", "Airport", "Camera", "CellTower"):
        assert m.is_a(sub, "Place")
    assert {k.name for k in m.of_group("event")} == {"Call", "Stay", "Trip", "Transfer", "Sighting"}


def test_identifier_strength_order() -> None:
    person = model().kind("Person")
    ranked = [ident.properties for ident in person.identifiers]
    assert ranked[0] == ("idNumber",)
    assert ranked[1] == ("passportNumber",)
    assert ranked[-1] == ("name", "birthDate")


def test_every_event_implies_edges_between_its_parties() -> None:
    for kind in model().of_group("event"):
        assert kind.edges, f"{kind.name} implies no edge"
        for edge in kind.edges:
            assert edge.source in kind.parties and edge.target in kind.parties


def test_every_normalizer_named_by_a_type_exists() -> None:
    from docket.normalize import REGISTRY

    for vtype in model().types.values():
        if vtype.normalizer:
            assert vtype.normalizer in REGISTRY, vtype.name


def test_ftm_names_are_real_followthemoney_schemata_and_properties() -> None:
    from followthemoney import model as ftm

    person = ftm.get("Person")
    assert person is not None
    for prop in model().kind("Person").properties.values():
        assert prop.ftm in person.properties, f"Person.{prop.name} → {prop.ftm}"
    for kind in model().kinds.values():
        assert ftm.get(kind.ftm) is not None, f"{kind.name} → {kind.ftm}"


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("ethnicity", "ethnic_origin"),
        ("ethnicGroup", "ethnic_origin"),
        ("民族", "ethnic_origin"),
        ("religion", "religion"),
        ("宗教信仰", "religion"),
        ("health_status", "health"),
        ("fingerprint_template", "biometric"),
        ("trade_union", "trade_union"),
        ("sexual_orientation", "sex_life"),
    ],
)
def test_special_categories_are_recognised_in_column_names(name: str, category: str) -> None:
    found = model().special_category_of(name)
    assert found is not None and found.name == category


@pytest.mark.parametrize("name", ["sex", "gender", "birth_date", "name", "phone", "province"])
def test_ordinary_columns_are_not_special(name: str) -> None:
    assert model().special_category_of(name) is None


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(MODEL_DIR, target)
    return target


def test_broken_yaml_names_the_file_and_line(model_copy: Path) -> None:
    (model_copy / "events.yaml").write_text("Call:\n  label: [unclosed\n", encoding="utf-8")
    with pytest.raises(ModelError) as err:
        load_model(model_copy)
    assert err.value.file.endswith("events.yaml")
    assert "line" in err.value.key


def test_unknown_type_names_file_and_key(model_copy: Path) -> None:
    path = model_copy / "person.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "{type: date, label: Date of birth, column: birth_date}", "{type: dat}"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ModelError) as err:
        load_model(model_copy)
    assert err.value.file.endswith("person.yaml")
    assert err.value.key == "Person.properties.birthDate.type"
    assert "dat" in str(err.value)


def test_edge_to_unknown_party_names_file_and_key(model_copy: Path) -> None:
    path = model_copy / "events.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("{source: caller, target: receiver", "{source: caller, target: callee"),
        encoding="utf-8",
    )
    with pytest.raises(ModelError) as err:
        load_model(model_copy)
    assert err.value.key == "Call.edges[0].target"


def test_missing_file_is_named(model_copy: Path) -> None:
    (model_copy / "special_categories.yaml").unlink()
    with pytest.raises(ModelError, match=r"special_categories\.yaml"):
        load_model(model_copy)
