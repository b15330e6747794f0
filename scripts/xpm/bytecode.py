"""Bytecode caching when the machine sets PYTHONDONTWRITEBYTECODE (issue 16).

uv's `compile-bytecode` would recompile the whole environment (6,786 files) on every `uv run`. Instead, the
Snakefile (1) clears PYTHONDONTWRITEBYTECODE for the jobs, which then cache what they import, and (2) calls
`cache_loaded_modules` in the Snakemake process itself, which writes the .pyc of every module already imported
that has none yet: the first run pays for compiling once, later runs (a no-op included) start from the cache.
"""
from __future__ import annotations

import importlib.util
import os
import py_compile
import sys


def cache_loaded_modules() -> int:
    """Compile the loaded modules that have no cached bytecode; return how many were written."""
    n = 0
    for m in list(sys.modules.values()):
        src = getattr(m, "__file__", None)
        if not src or not src.endswith(".py"):
            continue
        try:
            pyc = importlib.util.cache_from_source(src)
        except (NotImplementedError, ValueError):
            continue
        if os.path.exists(pyc):
            continue
        try:
            py_compile.compile(src, cfile=pyc, doraise=True)
            n += 1
        except (py_compile.PyCompileError, OSError):
            continue
    return n
