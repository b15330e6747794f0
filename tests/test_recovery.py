"""Issue 27: after a kill, an interrupt or a deleted file, the README's steps give the right paper.

README, "When a build fails or is interrupted": after Ctrl-C (once or twice) run the build command again; after the
process was killed (SIGKILL, a closed terminal, a lost machine) run `uv run snakemake --unlock` once, then the build
command. Each test does exactly that in a copy of the repository and compares every published file with the
reference manifest (tools/verify.py)."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from pipeline import ROOT, copy_repo, no_network_env, without_network

pytestmark = pytest.mark.slow


def start(work):
    """The README's build command (Snakemake with the default profile), in its own process group."""
    return subprocess.Popen(without_network() + [sys.executable, "-m", "snakemake", "--cores", "2"], cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=no_network_env(),
                            start_new_session=True)


def run(work, *args):
    return subprocess.run(without_network() + [sys.executable, "-m", "snakemake", "--cores", "2", *args], cwd=work,
                          capture_output=True, text=True, timeout=1200, env=no_network_env())


def wait_for_job(work, proc, rule, since, timeout=600):
    """Wait until the job of `rule` has started in this run (its log written after `since`)."""
    log = work / "logs" / f"{rule}.log"
    end = time.time() + timeout
    while time.time() < end:
        if log.exists() and log.stat().st_mtime >= since:
            return
        if proc.poll() is not None:
            pytest.fail(f"the build ended before {rule} started:\n{proc.stdout.read()[-3000:]}")
        time.sleep(0.05)
    pytest.fail(f"{rule} did not start within {timeout} s")


def verify(work):
    v = subprocess.run([sys.executable, str(ROOT / "tools/verify.py"), "--root", str(work)], capture_output=True,
                       text=True, cwd=work)
    assert v.returncode == 0, v.stdout[-3000:] + v.stderr[-2000:]


def test_a_build_killed_at_three_moments_recovers_with_unlock_and_the_build_command(tmp_path):
    work = copy_repo(tmp_path / "w")
    # early (the raw extracts), in the middle (the EVA stage) and late (the figures, while the paper is prepared)
    for rule in ("validate_extracts", "compute_eva", "make_figures"):
        since = time.time()
        proc = start(work)
        wait_for_job(work, proc, rule, since)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
        u = run(work, "--unlock")
        assert u.returncode == 0, u.stderr[-2000:]
    r = run(work)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    verify(work)


def test_ctrl_c_twice_while_the_paper_renders_then_the_build_command_gives_the_paper(tmp_path, built):
    work = tmp_path / "w"
    shutil.copytree(built, work)
    for f in ("reports/paper.pdf", "reports/paper.html", "reports/paper.docx"):
        (work / f).unlink()
    since = time.time()
    proc = start(work)
    wait_for_job(work, proc, "render_paper", since)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.3)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=120)
    proc.stdout.close()
    # never a mix: the paper's files and the manifest are all there or none of them is
    present = [(work / f).exists() for f in ("reports/paper.pdf", "reports/paper.html", "reports/paper.docx")]
    assert all(present) or not any(present), present
    r = run(work)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    verify(work)


def test_every_kind_of_deleted_published_file_comes_back(tmp_path, built):
    work = tmp_path / "w"
    shutil.copytree(built, work)
    gone = ["reports/paper.pdf", "reports/figures/eva.png", "reports/tables/wacc.md", "reports/manifest.tsv",
            "reports/supplement.html", "data/processed/xiaomi/evidence.csv", "data/processed/apple/eva.csv",
            "data/processed/market/cost_of_capital.csv"]
    for f in gone:
        (work / f).unlink()
    r = run(work)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    assert [f for f in gone if not (work / f).exists()] == []
    verify(work)
