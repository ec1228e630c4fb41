"""Minimal Django settings for running Weblate's machinery classes outside Weblate.

Used by `tests/weblate_machinery.py` (DJANGO_SETTINGS_MODULE=tests.weblate_settings). There is no
database: the machinery code never queries one on the paths exercised here (unsaved Language
instances, glossary TSV pre-seeded in the cache, the bot user never asked for). The cache is the
in-process locmem cache, which is where Weblate keeps `/languages` results, translations and the
glossary list; the harness clears it between scenarios.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path


def _weblate_check_list() -> tuple[str, ...]:
    """Weblate's own default CHECK_LIST, read from its source, less the checks that need cairo.

    Checks are what find the markup, format strings and placeholders that the machinery replaces
    with `[X7X]` / `<x id="7"></x>` before sending; using Weblate's list (not a copy) keeps that
    faithful to the installed version. `weblate.checks.render` imports pycairo/PyGObject (system
    libraries) and has no highlight, so it is the one left out.
    """
    spec = importlib.util.find_spec("weblate")
    if spec is None or spec.origin is None:
        return ()
    tree = ast.parse((Path(spec.origin).parent / "checks" / "models.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "CHECK_LIST" for t in node.targets
        ):
            names = ast.literal_eval(node.value)
            return tuple(n for n in names if not n.startswith("weblate.checks.render."))
    return ()


SECRET_KEY = "tarjama-tests-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
# contenttypes/auth: weblate.lang.models imports the admin utilities that need them registered.
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "weblate.lang", "weblate.checks"]
DATABASES: dict[str, dict[str, str]] = {}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHECK_LIST = _weblate_check_list()
# Normally set by weblate.trans (not installed here); the Flags parser imports the autofix loader,
# and no autofix runs on the machinery path.
AUTOFIX_LIST: tuple[str, ...] = ()
# get_site_url() builds the Referer header every machinery request carries from these.
SITE_DOMAIN = "weblate.example"
SITE_TITLE = "Weblate"
ENABLE_HTTPS = True
