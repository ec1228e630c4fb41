"""Type-check the installed package `tarjama` as it installs, with mypy.

The stage folders (sources/, glossary/, translate/, catalog/, evaluation/, training/) install
as `tarjama.<folder>` through `package-dir` in pyproject.toml, and the modules import each
other by those names: `mypy -p tarjama` run in the repository would see only tarjama/ and
take every stage for a missing import. So the package is laid out as it installs, one symlink
per module, in build/mypy-tree/ (read from pyproject.toml, so the layout cannot drift), mypy
checks it there with the repository's configuration, and the output names the repository's
files. The folder stays put between runs: mypy's cache (build/mypy-cache) records each
module's path, and replays a cached module's errors with it. It fails unless it checked every
module of every package.

Usage: python .ci/typecheck.py [extra mypy options]
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tomllib
from pathlib import Path

from mypy import api

REPO = Path(__file__).resolve().parent.parent
TREE = Path("build") / "mypy-tree"  # relative to REPO, so that mypy prints short paths


def layout(root: Path) -> dict[Path, Path]:
    """Symlink each package's modules under ``root`` as they install; the links and the files."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    dirs: dict[str, str] = setuptools["package-dir"]
    links: dict[Path, Path] = {}
    for package in setuptools["packages"]:
        # the nearest package-dir entry above the package names its folder (as setuptools finds it)
        base = max((p for p in dirs if package == p or package.startswith(p + ".")), key=len)
        folder = REPO / dirs[base] / Path(*package[len(base) :].split(".")[1:])
        target = root / Path(*package.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for module in sorted(folder.glob("*.py")):
            (target / module.name).symlink_to(module)
            links[target / module.name] = module
    return links


def main(argv: list[str]) -> int:
    os.chdir(REPO)
    shutil.rmtree(TREE, ignore_errors=True)  # a module removed from the repository goes too
    links = layout(TREE)
    stdout, stderr, status = api.run(["--config-file", "pyproject.toml", *argv, *map(str, sorted(links))])
    # the links' paths back to the repository's files
    for link, module in sorted(links.items(), key=lambda kv: -len(str(kv[0]))):
        stdout = stdout.replace(f"{link}:", f"{module.relative_to(REPO)}:")
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    summary = re.search(r"(?:in|checked) (\d+) source files?", stdout)
    checked = int(summary.group(1)) if summary else 0
    print(f"mypy: {len(links)} modules of {len(set(links.values()))} files laid out, {checked} checked")
    if checked != len(links):
        print("mypy: not every module was checked", file=sys.stderr)
        return status or 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
