"""README, CLI help and settings stay in step (datasette's test_docs idea)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from docket import settings
from docket.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, Any]]:
    """Every command and sub-command of `docket`, as (path, command)."""
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, group: Any) -> None:
        for name, cmd in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            out.append((path, cmd))
            if hasattr(cmd, "commands"):
                walk(path, cmd)

    walk("", typer.main.get_command(app))
    return out


def test_every_setting_is_documented_in_the_readme() -> None:
    for name in settings.DOCUMENTED:
        assert name in README, f"{name} is read by docket.settings but not in README.md"


def test_readme_opens_with_what_docket_is_then_the_two_commands() -> None:
    assert README.startswith("# Docket\n\nDocket is ")
    setup = README.index("make demo")
    assert setup < README.index("make test")


def test_every_top_level_command_is_in_the_readme() -> None:
    for path, _ in _commands():
        top = path.split()[0]
        assert f"docket {top}" in README, f"`docket {top}` is missing from README.md"


def test_every_command_has_help_text() -> None:
    for path, cmd in _commands():
        assert (cmd.help or cmd.short_help or "").strip(), f"`docket {path}` has no help"
