"""The fast lane's reach: run `pytest -m "not slow"` under coverage and fail unless it executes
every module of the package (the stage folders, tarjama/ and its subpackages), named with the
share of its statements it ran. Subprocesses the tests start (`tarjama serve`, `python -m
tarjama`), and pytest-xdist's workers, which run the lane on every core (tests/conftest.py), are
measured too ([tool.coverage.run] patch = subprocess).

Usage: python .ci/lane_coverage.py [extra pytest arguments]
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import coverage

REPO = Path(__file__).resolve().parent.parent


def package_files() -> list[Path]:
    """Every module the package installs, from pyproject.toml's package-dir (as setuptools finds them)."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    dirs: dict[str, str] = setuptools["package-dir"]
    files: list[Path] = []
    for package in setuptools["packages"]:
        base = max((p for p in dirs if package == p or package.startswith(p + ".")), key=len)
        folder = REPO / dirs[base] / Path(*package[len(base) :].split(".")[1:])
        files += sorted(folder.glob("*.py"))
    return files


def main(pytest_args: list[str]) -> int:
    data = REPO / "build" / "lane-coverage"
    data.mkdir(parents=True, exist_ok=True)
    for old in data.glob(".coverage*"):
        old.unlink()
    env_file = data / ".coverage"
    run = [sys.executable, "-m", "coverage", "run", f"--data-file={env_file}", "-m", "pytest"]
    tests = subprocess.run([*run, "-m", "not slow", "-q", "-p", "no:cacheprovider", *pytest_args], cwd=REPO)
    subprocess.run([sys.executable, "-m", "coverage", "combine", "-q", f"--data-file={env_file}"], cwd=REPO)
    cov = coverage.Coverage(data_file=str(env_file))
    cov.load()
    measured = {Path(f).resolve() for f in cov.get_data().measured_files()}
    untouched = []
    print(f"\n{'module':<40} {'statements':>10} {'run':>6}")
    for path in package_files():
        _, statements, _, missing, _ = cov.analysis2(str(path))
        ran = len(statements) - len(missing)
        share = f"{100 * ran / len(statements):.0f}%" if statements else "-"
        print(f"{path.relative_to(REPO).as_posix():<40} {len(statements):>10} {share:>6}")
        if path.resolve() not in measured or (statements and not ran):
            untouched.append(path.relative_to(REPO).as_posix())
    print(f"\nfast lane: {len(package_files()) - len(untouched)} of {len(package_files())} modules executed")
    if untouched:
        print("never executed by the fast lane: " + ", ".join(untouched), file=sys.stderr)
        return 1
    return tests.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
