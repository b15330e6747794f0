"""The end of a Snakemake run: exit when the last job is done, not up to a second later.

Snakemake's scheduler limits job submissions per timespan (`--max-jobs-per-timespan`, default 100 per second).
After each round in which it starts jobs it arms a `threading.Timer` of one timespan that wakes it up again. The
timers are not daemon threads, so the interpreter waits for the last one before it exits: every run that started
a job ended up to one second after its last job (measured 1.2-1.4 s after the last output was written). The
Snakefile's `onsuccess` and `onerror` handlers run after the scheduler has returned, when nothing is left to
wake; they cancel the pending timers here. The limit itself is unchanged while jobs are scheduled. (A shorter
timespan is no way out: `--max-jobs-per-timespan 100/100ms` is read as 100 minutes by Snakemake 9's pattern.)
"""
from __future__ import annotations

import threading


def cancel_pending_timers() -> int:
    """Cancel every `threading.Timer` still waiting in this process; the number cancelled."""
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
    for t in timers:
        t.cancel()
    return len(timers)
