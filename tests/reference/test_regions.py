"""The GB/T 2260 reference table."""

from __future__ import annotations

from stdnum import numdb

from docket.reference import regions


def test_levels_and_counts() -> None:
    rows = regions().to_pylist()
    levels = [r["level"] for r in rows]
    assert levels.count("province") == 31
    assert 95 <= levels.count("prefecture") <= 120
    assert {r["code"]: r["name"] for r in rows}["440305"] == "南山区"
    assert regions().column_names == [
        "code",
        "name",
        "level",
        "parent_code",
        "latitude",
        "longitude",
    ]


def test_children_point_at_their_parents_and_prefectures_have_coordinates() -> None:
    rows = regions().to_pylist()
    by_code = {r["code"]: r for r in rows}
    assert len(by_code) == len(rows)
    for r in rows:
        assert len(r["code"]) == 6 and r["code"].isdigit()
        if r["level"] == "province":
            assert r["parent_code"] is None and r["code"].endswith("0000")
        else:
            parent = by_code[r["parent_code"]]
            assert parent["level"] == {"prefecture": "province", "county": "prefecture"}[r["level"]]
            assert r["code"].startswith(parent["code"][: 2 if r["level"] == "prefecture" else 4])
        if r["level"] == "prefecture":
            assert 18 < r["latitude"] < 50 and 80 < r["longitude"] < 130


def test_every_code_is_known_to_python_stdnum() -> None:
    loc = numdb.get("cn/loc")
    for r in regions().to_pylist():
        info = {k: v for _, p in loc.info(r["code"]) for k, v in p.items()}
        assert "county" in info, r["code"]
        if r["level"] == "county":
            assert r["name"] in info["county"], (r["code"], r["name"], info["county"])
