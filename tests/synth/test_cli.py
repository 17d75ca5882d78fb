"""`docket synth` as a user runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_synth_writes_a_world_and_refuses_a_non_empty_directory(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "w"
    r = cli("synth", "--people", "50", "--seed", "4", "--out", str(out), "--days", "10")
    assert r.code == 0, r.stderr
    assert (out / "sources" / "registry.csv").exists() and (out / "truth" / "mentions.csv").exists()
    assert "source rows" in r.stderr
    again = cli("synth", "--people", "50", "--out", str(out))
    assert again.code == 2 and "not empty" in again.stderr and "--force" in again.stderr
    (out / "keep.txt").write_text("mine")
    forced = cli("synth", "--people", "60", "--out", str(out), "--force")
    assert forced.code == 0, forced.stderr
    assert (out / "keep.txt").read_text() == "mine"


def test_bad_arguments_are_named(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    for args, word in (
        (("--people", "0"), "--people"),
        (("--days", "0"), "--days"),
        (("--seed", "-1"), "--seed"),
        (("--start", "2026-02-30"), "--start"),
        (("--out", str(tmp_path / "file.txt")), "not a directory"),
    ):
        r = cli("synth", "--out", str(tmp_path / "x"), *args)
        assert r.code == 2 and word in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr


def test_every_option_is_documented() -> None:
    import typer.main

    from docket.cli import app

    doc = (Path(__file__).resolve().parents[2] / "docs" / "synth.md").read_text(encoding="utf-8")
    command = typer.main.get_command(app).commands["synth"]  # type: ignore[attr-defined]
    for param in command.params:
        for opt in param.opts:
            assert f"`{opt}" in doc, f"{opt} of docket synth is not in docs/synth.md"
