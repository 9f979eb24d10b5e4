"""The house rules (DESIGN §1–§2, docs/contributing.md), checked on the source itself so that a new
chapter cannot quietly break them: apps import only downwards, models do not depend on the API
framework, no module grows past ~600 lines, and the shared toolbox has no copies."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# DESIGN §2, lowest layer first. The three top apps are peers: none imports another.
LAYERS = [
    ("marketplace",),
    ("compliance",),
    ("shops",),
    ("catalog",),
    ("logistics",),
    ("promotions",),
    ("orders",),
    ("aftersales", "crm", "analytics"),
]
LAYER_OF = {app: index for index, apps in enumerate(LAYERS) for app in apps}
MAX_MODULE_LINES = 600


def _modules():
    for app in LAYER_OF:
        base = ROOT / app
        for path in sorted(base.rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            if app == "marketplace" and relative.parts[1] not in ("core", "accounts"):
                continue  # settings and URLconfs assemble every app by design
            yield app, relative, path


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_apps_import_only_from_the_layers_below_them():
    wrong = []
    for app, relative, path in _modules():
        for line, module in _imports(path):
            target = module.split(".")[0]
            if target in LAYER_OF and target != app and LAYER_OF[target] >= LAYER_OF[app]:
                wrong.append(f"{relative}:{line} imports {module}")
    assert wrong == []


def test_models_do_not_depend_on_the_api_framework():
    wrong = []
    for _, relative, path in _modules():
        is_model_module = relative.name == "models.py" or "models" in relative.parts[:-1]
        if not is_model_module:
            continue
        for line, module in _imports(path):
            if module.split(".")[0] in ("rest_framework", "drf_spectacular", "django_filters"):
                wrong.append(f"{relative}:{line} imports {module}")
    assert wrong == []


def test_no_module_is_over_600_lines():
    long = [
        f"{relative} ({lines} lines)"
        for _, relative, path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


@pytest.mark.parametrize(
    ("pattern", "owner"),
    [
        (r"^class ReadOnly\w*\(admin\.", "marketplace/core/admin.py"),
        (r"^(RETRY|RETRY_POLICY)\s*=", "marketplace/core/tasks.py"),
        (r"^def (money|price)\(", "marketplace/core/templatetags/money.py"),
        (r"^CURRENCY_SYMBOLS\s*=", "marketplace/core/money.py"),
        (r"^def (create|remove|create_schedules)\(apps, schema_editor\)", None),
        (r"CREATE (OR REPLACE )?FUNCTION \w+_refuse_change", None),
        (r"^class DomainErrorFormMixin", None),
    ],
)
def test_the_toolbox_has_no_copies(pattern, owner):
    regex = re.compile(pattern, re.MULTILINE)
    found = []
    for app in LAYER_OF:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative != owner and regex.search(path.read_text(encoding="utf-8")):
                found.append(relative)
    assert found == []


def test_pages_show_refusals_through_the_one_helper():
    """Views, forms and admin use `marketplace.core.pages.refusals` instead of their own
    `except DomainError` blocks (services and the API's exception handler may catch it)."""
    wrong = []
    for _, relative, path in _modules():
        is_page = (
            relative.name in ("admin.py", "forms.py", "views.py")
            or "views" in relative.parts[:-1]
            or "admin" in relative.parts[:-1]
        )
        if is_page and re.search(r"except \(?DomainError", path.read_text(encoding="utf-8")):
            wrong.append(str(relative))
    assert wrong == []
