"""docs/architecture.md stays true of the package: its folder table names every module, and its
stage list is the order the import contracts enforce."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .conftest import ROOT

ARCHITECTURE = ROOT / "docs" / "architecture.md"


def package_folders() -> dict[str, Path]:
    """Each installed package's folder, from pyproject.toml's package-dir (as setuptools finds them)."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    dirs: dict[str, str] = setuptools["package-dir"]
    folders = {}
    for package in setuptools["packages"]:
        base = max((p for p in dirs if package == p or package.startswith(p + ".")), key=len)
        folders[package] = ROOT / dirs[base] / Path(*package[len(base) :].split(".")[1:])
    return folders


def folder_table() -> dict[str, str]:
    """The folder table's rows: `folder/` → what the row says of it."""
    rows = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        row = re.fullmatch(r"\| `([^`]+/)` \| (.*) \|", line)
        if row:
            rows[row.group(1)] = row.group(2)
    return rows


def test_the_folder_table_names_every_module() -> None:
    rows = folder_table()
    unnamed = []
    for folder in package_folders().values():
        key = folder.relative_to(ROOT).as_posix() + "/"
        assert key in rows, f"docs/architecture.md has no row for {key}"
        unnamed += [
            f"{key}{module.name}"
            for module in sorted(folder.glob("*.py"))
            if module.name not in ("__init__.py", "__main__.py") and f"`{module.name}`" not in rows[key]
        ]
    assert not unnamed, f"modules docs/architecture.md's folder table does not name: {unnamed}"


def test_the_stage_list_is_the_import_contracts_order() -> None:
    """The numbered stages are the layers contract's, top to bottom."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    listed = re.findall(r"^\d+\. `(tarjama\.\w+)`", ARCHITECTURE.read_text(encoding="utf-8"), re.M)
    assert listed == layers
