"""What a build prints: progress and errors, one line per finished step.

Snakemake's `--quiet rules` (set in profiles/default) hides the job blocks; what is left per job is a timestamp, a
"Finished jobid" line, the scheduler's "Select jobs to execute..." and "Execute N jobs..." lines and the progress
line. `BriefProgress` is a standard `logging.Filter` that the Snakefile adds to Snakemake's logger: it keeps the
progress line ("N of M steps (P%) done"), warnings, errors and everything else, and drops the other three. It reads
the `event` attribute that Snakemake's logger-plugin interface (snakemake_interface_logger_plugins.common.LogEvent)
puts on every record; a record without it is kept, so a future Snakemake shows more, never less. The full detail
stays in each job's log (logs/) and in Snakemake's run log (.snakemake/log/).
"""
from __future__ import annotations

import logging

from snakemake_interface_logger_plugins.common import LogEvent

# per-job events dropped ("Finished jobid ...", "Execute N jobs...")
DROPPED_EVENTS = {LogEvent.JOB_FINISHED, LogEvent.JOB_STARTED}
# scheduler chatter without an event of its own, dropped by its message
SCHEDULER_LINE = "Select jobs to execute..."


class BriefProgress(logging.Filter):
    """Drop per-job chatter (finished-job lines, scheduler rounds); keep progress, warnings and errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        event = getattr(record, "event", None)
        if event is not None:
            return event not in DROPPED_EVENTS
        return record.getMessage() != SCHEDULER_LINE


def wants_brief_output(verbose: bool, quiet: object) -> bool:
    """Brief output only where the run is quiet about rules (the default profile) and not verbose."""
    names = {getattr(q, "name", str(q)).lower() for q in (quiet or ())}
    return not verbose and "rules" in names
