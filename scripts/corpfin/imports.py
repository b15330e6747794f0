"""Which library modules a rule's script depends on: its `corpfin` imports, followed through the library.

The rules declare these files as inputs, so that editing a formula reruns exactly the rules whose scripts import it
(directly or through another module), and never needs a hand-kept list.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "corpfin"


def _imported(path: Path, package_dir: Path) -> set[str]:
    """Names of the package's modules that one file imports (absolute `corpfin.x` or, inside the package, `.x`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            inside = node.level == 1 or (node.level == 0 and node.module and node.module.split(".")[0] == PACKAGE)
            if not inside:
                continue
            base = (node.module or "") if node.level == 1 else node.module.partition(".")[2]
            if base:
                found.add(base.split(".")[0])
            else:                                   # from corpfin import x / from . import x
                found.update(a.name for a in node.names if (package_dir / f"{a.name}.py").exists())
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith(PACKAGE + "."))
    return {m for m in found if (package_dir / f"{m}.py").exists()}


def library_modules(script: Path, package_dir: Path) -> list[str]:
    """The package's module files a script needs, transitively, sorted (the package's __init__.py included)."""
    seen: set[str] = set()
    todo = _imported(script, package_dir)
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo |= _imported(package_dir / f"{m}.py", package_dir) - seen
    return [str(package_dir / f"{m}.py") for m in sorted(seen | {"__init__"})]
