"""The end of a process: Snakemake's and every job's exit when their work is done, not a second later.

Snakemake's scheduler limits job submissions per timespan (`--max-jobs-per-timespan`, default 100 per second).
After each round in which it starts jobs it arms a `threading.Timer` of one timespan that wakes it up again. The
timers are not daemon threads, so the interpreter waits for the last one before it exits: every run that started
a job ended up to one second after its last job (measured 1.2-1.4 s after the last output was written). The
Snakefile's `onsuccess` and `onerror` handlers run after the scheduler has returned, when nothing is left to
wake; they cancel the pending timers here. The limit itself is unchanged while jobs are scheduled. (A shorter
timespan is no way out: `--max-jobs-per-timespan 100/100ms` is read as 100 minutes by Snakemake 9's pattern.)

When a Python process ends, CPython collects garbage over every object still alive before it frees them: after
Snakemake's own run or a job's imports (pandas, matplotlib, statsmodels) that is 60,000 to several hundred thousand
objects, and 0.1-0.3 s per process (measured: a job with pandas and matplotlib exits 0.21 s after its last line,
0.03 s with the objects frozen; Snakemake 0.29-0.33 s after its `onsuccess` handler, 0.03-0.04 s). The memory goes
back to the system with the process either way. `gc.freeze()` moves the objects out of the collector's reach, so
the final collections have nothing to scan. It runs when the process is done, as an exit handler registered after
those of the modules already imported, so that theirs (the logging module's flush and close) still run after it:
for a job, registered by xpm.io.setup_logging, which every entry script calls first; for Snakemake, by the
Snakefile, so that every run ends so (`onsuccess` is not called when there is nothing to do). Every output is
written and closed by the code that makes it (xpm.io), never left to a finalizer.
"""
from __future__ import annotations

import atexit
import gc
import threading


def cancel_pending_timers() -> int:
    """Cancel every `threading.Timer` still waiting in this process; the number cancelled."""
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
    for t in timers:
        t.cancel()
    return len(timers)


def skip_final_collection() -> None:
    """Freeze every object of this process (gc.freeze): the collections at interpreter exit have nothing to scan.
    For a process that is about to end."""
    gc.freeze()


_registered: list[bool] = []


def skip_final_collection_at_exit() -> None:
    """Register skip_final_collection as an exit handler, once per process. Exit handlers run last-registered first,
    so it runs before those registered earlier (the logging module's flush and close still follow it)."""
    if not _registered:
        atexit.register(skip_final_collection)
        _registered.append(True)
