"""Snakemake's records of a finished job: each input's checksum computed once, not once per output.

When a job is done, Snakemake writes one metadata record per output file, and for each record it computes the
SHA-256 of every input no larger than --max-checksum-file-size (snakemake.persistence.PersistenceBase.finished;
snakemake/snakemake#4240 proposes hoisting it out of the loop). For rule make_tables (45 outputs, 27 inputs,
2.1 MB) that is 1,215 digests of the same files: 0.2 s on the rebuild's longest chain, with the next job waiting.
`checksum_inputs_once` memoizes the checksums for the duration of one such call: the job is finished, its inputs
do not change while their records are written, and the records are the same (tests/test_checksums.py compares
them with Snakemake's own). Snakemake is not copied or edited: the wrappers call its own methods, and they are
installed only where both methods exist.
"""
from __future__ import annotations

import contextvars
import functools

_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("xpm_checksums", default=None)


def memoize_checksums(persistence_cls: type, iofile_cls: type) -> bool:
    """Wrap `persistence_cls.finished` (async) so that, while it runs, `iofile_cls.checksum` (async) computes each
    (file, arguments) once. False (and nothing changed) if either method is missing or the wrap is in place."""
    finished, checksum = getattr(persistence_cls, "finished", None), getattr(iofile_cls, "checksum", None)
    if finished is None or checksum is None or getattr(finished, "_xpm_memo", False):
        return False

    @functools.wraps(checksum)
    async def checksum_once(self, *args, **kwargs):
        memo = _MEMO.get()
        if memo is None:
            return await checksum(self, *args, **kwargs)
        key = (str(self), args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = await checksum(self, *args, **kwargs)
        return memo[key]

    @functools.wraps(finished)
    async def finished_once(self, *args, **kwargs):
        token = _MEMO.set({})
        try:
            return await finished(self, *args, **kwargs)
        finally:
            _MEMO.reset(token)

    finished_once._xpm_memo = True
    persistence_cls.finished, iofile_cls.checksum = finished_once, checksum_once
    return True


def checksum_inputs_once() -> bool:
    """Install the memo on Snakemake's own classes (the Snakefile calls it). False where Snakemake has no such
    methods (another version): it then runs as it is."""
    try:
        from snakemake.io import _IOFile
        from snakemake.persistence import PersistenceBase
    except ImportError:
        return False
    return memoize_checksums(PersistenceBase, _IOFile)
