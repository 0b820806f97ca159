"""The code's layering, checked: dependencies run downhill (blueprints → services → shared
rules and models), so that the search, the services and the templates can each be read and
changed on their own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.apps import ROOT

PACKAGE = ROOT / "knowledgebase"
BLUEPRINTS = ("admin", "api", "auth", "public")
# Modules below the services: the search and the small shared modules it and the services use.
BELOW_SERVICES = [*sorted((PACKAGE / "search").glob("*.py")), *sorted((PACKAGE / "field_kinds").glob("*.py")),
                  *(PACKAGE / name for name in ("inputs.py", "urls.py", "freshness.py", "procurement_codes.py",
                                                "orgnr.py", "forms.py", "content_types.py"))]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_search_and_shared_rules_import_no_service_or_blueprint():
    upward = ("knowledgebase.services", *(f"knowledgebase.{area}" for area in BLUEPRINTS))
    found = {str(path.relative_to(ROOT)): sorted(name for name in _imports(path) if name.startswith(upward))
             for path in BELOW_SERVICES}
    assert {path: names for path, names in found.items() if names} == {}


def test_services_name_no_endpoint():
    endpoint = re.compile(r"""(url_for|external_url)\(\s*["'](admin|public|api|auth)\.""")
    found = [str(path.relative_to(ROOT)) for path in (PACKAGE / "services").rglob("*.py")
             if endpoint.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_public_templates_do_not_link_into_the_editorial_area():
    admin_link = re.compile(r"""url_for\(\s*["']admin\.""")
    public = [*(ROOT / "templates" / "public").rglob("*.html"), *(ROOT / "templates" / "_macros").rglob("*.html"),
              ROOT / "templates" / "base.html"]
    assert [str(p.relative_to(ROOT)) for p in public if admin_link.search(p.read_text(encoding="utf-8"))] == []


def test_view_modules_register_no_app_wide_template_helpers():
    app_wide = re.compile(r"\.app_(template_global|template_filter|context_processor)\b")
    views = [p for area in BLUEPRINTS for p in (PACKAGE / area).glob("*.py")]
    assert [str(p.relative_to(ROOT)) for p in views if app_wide.search(p.read_text(encoding="utf-8"))] == []


def test_blueprint_packages_only_gather_their_views():
    """Each area's ``__init__`` imports its view modules and the blueprint, nothing else, and
    no import comes after code (the pattern that dodges an import cycle)."""
    for area in BLUEPRINTS:
        tree = ast.parse((PACKAGE / area / "__init__.py").read_text(encoding="utf-8"))
        body = [node for node in tree.body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
        kinds = {type(node).__name__ for node in body}
        assert kinds <= {"Import", "ImportFrom", "Assign"}, (area, kinds)
        assert all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in body[:-1]), area
