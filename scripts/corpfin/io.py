"""The package's only disk I/O: strict reads and atomic, byte-stable writes.

Entry scripts call these; every other module of the package is pure. Writes go to a temporary
file in the target directory and are renamed into place, so an interrupted or failing job leaves
the previous good output or none, never half a file. Floats are written with a fixed format and
rows are sorted by the caller, so two rebuilds give identical bytes.
"""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:   # pandas is imported where a table is read or written: the paper jobs read none
    import pandas as pd

FLOAT_FORMAT = "%.10g"


def read_text(path: str | os.PathLike) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV written by this pipeline (or a reference table) with no type guessing on text."""
    import pandas as pd

    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def read_reference(path: str | os.PathLike) -> pd.DataFrame:
    """Read a hand-maintained reference table (items, units) as text."""
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a CSV atomically with fixed float formatting and '\\n' line endings."""
    text = df.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    write_text(path, text)


def write_yaml(data: dict, path: str | os.PathLike) -> None:
    write_text(path, yaml.safe_dump(data, sort_keys=True, allow_unicode=True, width=1000))


def setup_logging(log_path: str | os.PathLike) -> logging.Logger:
    """Log to the rule's log file, one logger per job; warnings and errors also go to stderr, where the build
    shows them. Every entry script calls it first."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("corpfin")
    logger.handlers.clear()
    logger.setLevel(logging.INFO)
    fh = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    fh.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(fh)
    sh = logging.StreamHandler()
    sh.setLevel(logging.WARNING)
    sh.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(sh)
    return logger
