"""design.md §5: who may import whom, walked with `ast` over every module of the app."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {'app', 'manage', 'settings', 'models', 'services', 'pages', 'components', 'tasks', 'api', 'migrations'}
# layer -> (allowed third-party packages, forbidden first-party modules (prefix match))
RULES: dict[str, tuple[set[str], set[str]]] = {
    # brotli: compression.py; jinja2: quasar.py changes NiceGUI's page template
    'pages': ({'nicegui', 'fastapi', 'starlette', 'brotli', 'jinja2'}, {'models', 'tasks', 'settings'}),
    'api': ({'fastapi', 'starlette', 'pydantic'}, {'models', 'pages', 'components', 'tasks', 'settings'}),
    'components': ({'nicegui'}, {'services', 'models', 'tasks', 'pages'}),
    'services': ({'sqlalchemy', 'bcrypt', 'jinja2', 'fpdf', 'fontTools', 'redis'}, {'pages', 'components', 'tasks'}),
    'tasks': ({'celery', 'redis'}, {'pages', 'components'}),
    'models': ({'sqlalchemy', 'alembic'}, {'services', 'pages', 'components', 'tasks'}),
}
ALLOWED_FIRST_PARTY = {
    'pages': {'models.enums', 'services', 'components'},
    'components': {'models.enums', 'services', 'components'},  # row types only: tests/test_service_domains.py
    'api': {'models.enums', 'services'},
}
FORBIDDEN_THIRD_PARTY = {'services': {'nicegui', 'celery', 'redis'}, 'pages': {'sqlalchemy'}, 'api': {'sqlalchemy'}}


def modules_of(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob('*.py'))


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f'{node.module}.{alias.name}' for alias in node.names)
    return names


def violations(layer: str, path: Path) -> list[str]:
    allowed_third, forbidden = RULES[layer]
    found = []
    for name in imports_of(path):
        top = name.split('.')[0]
        if top in FIRST_PARTY:
            if any(name == f or name.startswith(f'{f}.') for f in forbidden) and not _allowed(layer, name):
                found.append(name)
        elif top not in sys.stdlib_module_names and top not in allowed_third:
            found.append(name)
        elif top in FORBIDDEN_THIRD_PARTY.get(layer, set()):
            found.append(name)
    return sorted(found)


def _allowed(layer: str, name: str) -> bool:
    return any(name == a or name.startswith(f'{a}.') for a in ALLOWED_FIRST_PARTY.get(layer, set()))


@pytest.mark.parametrize('layer', sorted(RULES))
def test_layer_imports_only_what_design_allows(layer: str) -> None:
    bad = {str(path.relative_to(ROOT)): v for path in modules_of(layer) if (v := violations(layer, path))}
    assert bad == {}


def test_enums_module_is_stdlib_only() -> None:
    assert {n.split('.')[0] for n in imports_of(ROOT / 'models' / 'enums.py')} <= set(sys.stdlib_module_names)


def test_settings_module_is_stdlib_only() -> None:
    tops = {n.split('.')[0] for n in imports_of(ROOT / 'settings.py')} - {'__future__'}
    assert tops <= set(sys.stdlib_module_names)


def test_the_checker_catches_a_page_importing_sqlalchemy(tmp_path: Path) -> None:
    bad_page = tmp_path / 'bad.py'
    bad_page.write_text('from sqlalchemy import select\nfrom models import User\nimport settings\n')
    assert violations('pages', bad_page) == ['models', 'models.User', 'settings', 'sqlalchemy', 'sqlalchemy.select']
