"""The Snakefile's end-of-run hook: the scheduler's pending rate-limit timers are cancelled, not waited for."""
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
