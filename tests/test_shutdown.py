"""The end of a process (xpm.shutdown): the scheduler's pending rate-limit timers are cancelled, not waited for, and
a job exits without the final garbage collection."""
import threading
import time

from xpm.shutdown import cancel_pending_timers


def test_pending_timers_are_cancelled_and_never_fire():
    fired = []
    timer = threading.Timer(30, lambda: fired.append("fired"))
    timer.start()
    t = time.perf_counter()
    assert cancel_pending_timers() == 1
    timer.join(5)
    assert not timer.is_alive() and time.perf_counter() - t < 5
    assert fired == [] and cancel_pending_timers() == 0


def test_a_job_exits_with_its_objects_frozen_after_its_other_exit_handlers_ran(tmp_path):
    """setup_logging (every entry script's first call) registers the freeze once; it runs before the handlers
    registered earlier (the logging module's flush), which still run: the log is complete."""
    import subprocess
    import sys
    from pathlib import Path

    scripts = Path(__file__).resolve().parents[1] / "scripts"
    log = tmp_path / "job.log"
    code = ("import atexit, gc\n"
            "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
            "from xpm.io import setup_logging\n"
            f"log = setup_logging({str(log)!r}); setup_logging({str(log)!r})\n"
            "print('frozen while running:', gc.get_freeze_count() > 0)\n"
            "log.info('last line')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONPATH": str(scripts)})
    assert r.stdout.splitlines() == ["frozen while running: False", "frozen at exit: True"]
    assert log.read_text(encoding="utf-8") == "INFO last line\n"
