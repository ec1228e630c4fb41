"""The test lanes themselves: on a machine without Chromium the page tests are skipped with the
reason (the README's commands pass on a fresh machine), and in CI that skip is a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow  # a pytest of its own per case


def run_page_test(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    """One page test in a pytest of its own, on a machine with no Chromium anywhere."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TARJAMA_TEST_CHROMIUM"] = str(tmp_path / "no-chromium")
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(tmp_path / "no-playwright-browsers")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/test_browser.py::test_empty_box_is_unclear"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_without_chromium_the_page_tests_are_skipped_with_the_reason(tmp_path: Path) -> None:
    res = run_page_test(tmp_path, ci=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 skipped" in res.stdout and "no Chromium for the page tests" in res.stdout, res.stdout
    assert "python -m playwright install chromium" in res.stdout


def test_in_ci_a_skipped_page_test_fails(tmp_path: Path) -> None:
    res = run_page_test(tmp_path, ci=True)
    assert res.returncode == 1, res.stdout + res.stderr
    # the skip comes from the fixture, so the test errors at setup: a failure all the same
    assert "1 error" in res.stdout and "CI runs the page tests" in res.stdout, res.stdout
