"""design.md §5 inside the service layer: one package per domain under services/, each with a face (__init__.py).
Nobody outside a domain imports its inner modules, domains do not import each other in a circle, the shared kernel
(services/core) imports no domain, and components take only row types from the faces."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / 'services'
KERNEL = 'core'  # shared by every domain: any module of services/ may import its modules
CALLER_LAYERS = ('pages', 'components', 'tasks', 'api')  # outside services/: faces only
MAX_MODULE_LINES = 300


def domains(services: Path = SERVICES) -> list[str]:
    return sorted(init.parent.name for init in services.glob('*/__init__.py'))


def is_module(dotted: str, root: Path = ROOT) -> bool:
    path = root.joinpath(*dotted.split('.'))
    return path.with_suffix('.py').is_file() or (path / '__init__.py').is_file()


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix('').parts)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imports(path: Path, root: Path = ROOT) -> Iterator[tuple[str, str | None]]:
    """(the module an import reaches, the name taken from it or None) for every import, relative ones resolved: a
    name that is itself a module (`from services.requests import rules`) counts as that module."""
    package = module_name(path, root).split('.')
    if path.name != '__init__.py':
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = '.'.join(
                [*package[: len(package) - node.level + 1], node.module or ''] if node.level else [node.module]
            )
            base = base.strip('.')
            for alias in node.names:
                dotted = f'{base}.{alias.name}'
                yield (dotted, None) if is_module(dotted, root) else (base, alias.name)


def reached(module: str) -> tuple[str | None, bool]:
    """(the domain a `services...` module belongs to, whether it is inside that domain rather than its face);
    (None, False) for `services` itself."""
    parts = module.split('.')
    return (parts[1] if len(parts) > 1 else None), len(parts) > 2


def service_violations(path: Path, root: Path = ROOT) -> list[str]:
    """What a module of services/ may not import: another domain's inner module, its own domain's face (a circle
    through a half-initialised package), and, in the kernel, any domain at all."""
    own = module_name(path, root).split('.')[1] if path.parent != root / 'services' else None
    found = []
    for module, _name in imports(path, root):
        if not module.startswith('services.') or own is None:
            continue
        domain, inner = reached(module)
        if domain == KERNEL:
            continue
        if own == KERNEL:
            found.append(f'{module} (the kernel imports no domain)')
        elif domain != own and inner:
            found.append(f'{module} (inside the {domain} domain: use its face, services.{domain})')
        elif domain == own and not inner and path.name != '__init__.py':
            found.append(f'{module} (its own face: import the sibling module instead)')
    return sorted(found)


def caller_violations(path: Path, *, rows_only: bool, root: Path = ROOT) -> list[str]:
    """Pages, components, tasks and the API reach services through `services` and the domain faces only;
    components take row types alone."""
    found = []
    for module, name in imports(path, root):
        if module != 'services' and not module.startswith('services.'):
            continue
        domain, inner = reached(module)
        if inner or domain == KERNEL:
            found.append(f'{module} (not a face)')
        elif rows_only and name is not None and name not in row_types(domain, root):
            found.append(f'{module}.{name} (components take row types only)')
    return sorted(found)


def row_types(domain: str | None, root: Path = ROOT) -> set[str]:
    """The names a domain's rows module defines (`services` itself: the kernel's shared rows)."""
    rows = root / 'services' / (domain or KERNEL) / 'rows.py'
    if not rows.is_file():
        return set()
    tree = ast.parse(rows.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef | ast.FunctionDef)}


def domain_edges(root: Path = ROOT) -> dict[str, set[str]]:
    """Which domains each domain imports (through their faces)."""
    edges: dict[str, set[str]] = {name: set() for name in domains(root / 'services')}
    for domain, reaches in edges.items():
        for path in (root / 'services' / domain).rglob('*.py'):
            for module, _name in imports(path, root):
                other, _inner = reached(module) if module.startswith('services.') else (None, False)
                if other not in (None, domain, KERNEL):
                    reaches.add(other)
    return edges


def first_circle(edges: dict[str, set[str]]) -> list[str]:
    """A path that comes back to where it started ([] when the graph has none)."""
    done: set[str] = set()

    def walk(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for following in sorted(edges.get(node, ())):
            if circle := walk(following, [*path, node]):
                return circle
        done.add(node)
        return []

    return next((circle for start in sorted(edges) if (circle := walk(start, []))), [])


def face_problems(init: Path) -> list[str]:
    """A face holds a docstring, imports and `__all__` naming exactly what it imports: nothing else."""
    tree = ast.parse(init.read_text())
    imported = {
        alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    listed: list[str] = []
    problems = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, 'id', '') for t in node.targets] == ['__all__']:
            listed = list(ast.literal_eval(node.value))
        elif not isinstance(node, ast.Import | ast.ImportFrom) and not (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            problems.append(f'line {node.lineno}: a face holds only imports and __all__')
    if init.parent != SERVICES and init.parent.name == KERNEL:
        return problems  # the kernel's modules are imported as modules; its face names nothing
    if set(listed) != imported:
        problems.append(f'__all__ differs from the imports: {sorted(set(listed) ^ imported)}')
    return problems


# --- the rules, on the real code --------------------------------------------------------------------------------------


def test_every_domain_is_a_package_with_a_face() -> None:
    loose = sorted(path.name for path in SERVICES.glob('*.py') if path.name != '__init__.py')
    assert loose == []
    assert {'requests', 'people', 'identity', 'catalog', 'runtime', KERNEL} <= set(domains())


@pytest.mark.parametrize('init', sorted(SERVICES.glob('**/__init__.py')), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_face_names_what_it_offers_and_nothing_else(init: Path) -> None:
    assert face_problems(init) == []


def test_no_service_module_reaches_inside_another_domain() -> None:
    bad = {str(p.relative_to(ROOT)): v for p in sorted(SERVICES.rglob('*.py')) if (v := service_violations(p))}
    assert bad == {}


@pytest.mark.parametrize('layer', CALLER_LAYERS)
def test_callers_use_faces_and_components_only_rows(layer: str) -> None:
    paths = sorted((ROOT / layer).rglob('*.py'))
    bad = {str(p.relative_to(ROOT)): v for p in paths if (v := caller_violations(p, rows_only=layer == 'components'))}
    assert bad == {}


def test_domains_do_not_import_each_other_in_a_circle() -> None:
    assert first_circle(domain_edges()) == []


@pytest.mark.parametrize('layer', ['services', 'pages', 'components', 'models', 'tasks', 'api'])
def test_no_module_is_over_300_lines(layer: str) -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in (ROOT / layer).rglob('*.py')}
    assert {path: lines for path, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}


def test_a_page_finds_accept_in_the_requests_face() -> None:
    from services import requests  # noqa: PLC0415 (the point is where it comes from)

    assert requests.accept.__module__ == 'services.requests.assignments'


# --- the checker catches what it should -------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny copy of the layout: two domains with an inner module each, the kernel, a page and a component."""
    for folder in ('services', 'services/core', 'services/alpha', 'services/beta', 'pages', 'components'):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    files = {
        'services/__init__.py': '',
        'services/core/__init__.py': '',
        'services/core/clock.py': '',
        'services/alpha/__init__.py': 'from services.alpha.inner import act\n\n__all__ = ["act"]\n',
        'services/alpha/inner.py': 'from services import beta\nfrom services.core import clock\n',
        'services/alpha/rows.py': 'class AlphaRow: ...\n',
        'services/beta/__init__.py': 'from services.beta.inner import act\n\n__all__ = ["act"]\n',
        'services/beta/inner.py': 'from services import alpha\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_checker_catches_a_page_reaching_inside_a_domain(project: Path) -> None:
    page = project / 'pages' / 'bad.py'
    page.write_text(
        'from services.alpha import inner\nfrom services.alpha.inner import act\nfrom services.core import clock\n'
    )
    assert caller_violations(page, rows_only=False, root=project) == [
        'services.alpha.inner (not a face)',
        'services.alpha.inner (not a face)',
        'services.core.clock (not a face)',
    ]


def test_the_checker_lets_components_take_only_rows(project: Path) -> None:
    component = project / 'components' / 'card.py'
    component.write_text('from services.alpha import AlphaRow, act\n')
    assert caller_violations(component, rows_only=True, root=project) == [
        'services.alpha.act (components take row types only)'
    ]


def test_the_checker_catches_a_domain_reaching_inside_another(project: Path) -> None:
    module = project / 'services' / 'alpha' / 'other.py'
    module.write_text('from ..beta import inner\nfrom services.alpha import act\nfrom . import inner as mine\n')
    assert service_violations(module, root=project) == [
        'services.alpha (its own face: import the sibling module instead)',
        'services.beta.inner (inside the beta domain: use its face, services.beta)',
    ]


def test_the_checker_catches_the_kernel_importing_a_domain(project: Path) -> None:
    module = project / 'services' / 'core' / 'bad.py'
    module.write_text('from services import alpha\n')
    assert service_violations(module, root=project) == ['services.alpha (the kernel imports no domain)']


def test_the_checker_catches_a_circle_between_domains(project: Path) -> None:
    assert domain_edges(project) == {'alpha': {'beta'}, 'beta': {'alpha'}, 'core': set()}
    assert first_circle(domain_edges(project)) == ['alpha', 'beta', 'alpha']
    assert first_circle({'a': {'b'}, 'b': {'c'}, 'c': set()}) == []


def test_the_checker_catches_a_face_with_more_than_imports(project: Path) -> None:
    init = project / 'services' / 'alpha' / '__init__.py'
    init.write_text('from services.alpha.inner import act\n\n__all__ = ["act", "gone"]\n\ndef helper(): ...\n')
    assert face_problems(init) == [
        'line 5: a face holds only imports and __all__',
        "__all__ differs from the imports: ['gone']",
    ]
