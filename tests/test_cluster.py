"""Many companies on a cluster: every company stage is one job for all companies, and the stages form one group
(`group: "companies"`), so a cluster run submits one job for the whole chain whatever the number of companies; its
memory request fits the node the profile declares, and its time limit follows the work. Built through
profiles/slurm on a one-node cluster (tools/slurm_one_node.sh), five companies give the same bytes as a local build.
"""
import re
import shutil
import subprocess

import pytest

from conftest import ROOT
from pipeline import fictitious_workspace, snakemake

FICTITIOUS = ("acme", "bolt", "cord", "dyna", "echo")     # acme's made-up statements under five names


def fictitious_copy(dest, names=FICTITIOUS):
    return fictitious_workspace(dest, names)


def company_stages() -> dict[str, str]:
    rules = "".join(p.read_text() for p in (ROOT / "workflow/rules").glob("*.smk"))
    return {b.split(":")[0]: b for b in re.split(r"^rule ", rules, flags=re.M)[1:]}


def test_company_stages_are_one_job_each_and_one_group():
    blocks = company_stages()
    grouped = {name for name, b in blocks.items() if re.search(r'group:\s*"companies"', b)}
    assert grouped == {"validate_extracts", "clean_panel", "check_identities", "compute_ratios", "compute_wacc",
                       "compute_eva_scenarios", "compute_eva", "run_trend_tests"}
    assert not any("{company}" in b for b in blocks.values())      # no job per company


def test_five_companies_make_the_same_jobs_as_one(tmp_path):
    work = fictitious_copy(tmp_path / "five")
    r = snakemake(work, "-n", "--executor", "slurm", "--workflow-profile", "profiles/slurm", "--quiet", "host")
    assert r.returncode == 0, r.stderr[-3000:]
    out = r.stdout + r.stderr
    assert len(re.findall(r"Group job companies", out)) == 1
    stats = dict(re.findall(r"^(\w+)\s+(\d+)$", out[out.index("Job stats:"):], flags=re.M))
    assert stats["clean_panel"] == "1" and stats["compute_eva"] == "1"


def slurm_ready() -> bool:
    if shutil.which("sbatch") is None or shutil.which("sinfo") is None:
        return False
    r = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    return r.returncode == 0 and "idle" in r.stdout


@pytest.mark.slurm
@pytest.mark.skipif(not slurm_ready(), reason="no Slurm cluster (sudo tools/slurm_one_node.sh stands one up)")
def test_slurm_build_of_five_companies_in_one_group_job_is_byte_identical_to_a_local_build(tmp_path):
    local = fictitious_copy(tmp_path / "local")
    r = snakemake(local)
    assert r.returncode == 0, r.stderr[-3000:]
    cluster = fictitious_copy(tmp_path / "cluster")
    r = snakemake(cluster, "--workflow-profile", "profiles/slurm", "--slurm-status-command", "squeue",
                  "--slurm-init-seconds-before-status-checks", "1", "--quiet", "host", timeout=1800,
                  own_namespace=False)
    assert r.returncode == 0, r.stderr[-3000:]
    log = r.stdout + r.stderr
    assert len(re.findall(r"Group job companies", log)) == 1 and "submitted with SLURM jobid" in log
    ours = (cluster / "reports/manifest.tsv").read_text(encoding="utf-8")
    assert ours == (local / "reports/manifest.tsv").read_text(encoding="utf-8")
    assert "data/processed/echo/eva.csv" in ours
