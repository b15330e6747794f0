"""Issue 16: with many companies, the per-company jobs are grouped into shards of a configurable number of
companies (Snakemake's `group: "shard"` and `--group-components shard=N`), so that a cluster run has one
submission per shard, not one per company and rule; and the pipeline built through the SLURM profile on a
one-node cluster (tools/slurm_one_node.sh) gives the same bytes as a local build."""
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT
from pipeline import copy_repo, snakemake

FICTITIOUS = ("acme", "bolt")        # bolt: acme's made-up statements under another name


def two_company_copy(dest):
    """A copy of the repository whose companies are the fictitious set (no Xiaomi data)."""
    work = copy_repo(dest)
    shutil.rmtree(work / "data/raw/xiaomi")
    for name in FICTITIOUS:
        target = work / "data/raw" / name
        shutil.copytree(ROOT / "tests/fixtures/acme/raw/acme", target)
        for f in target.rglob("figures.csv"):
            f.write_text(f.read_text(encoding="utf-8").replace("\nacme,", f"\n{name},"), encoding="utf-8")
    cfg = yaml.safe_load((work / "workflow/config.yaml").read_text())
    cfg["companies"] = {n: {"name": f"{n.capitalize()} (fictitious, made-up data)", "currency": "RMB",
                            "fiscal_years": {"first": 2021, "last": 2023}} for n in FICTITIOUS}
    cfg["paper"]["company"] = "acme"
    (work / "workflow/config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    return work


def group_jobs(work, size: int) -> int:
    r = snakemake(work, "-n", "-j", "10", "--executor", "slurm", "--group-components", f"shard={size}",
                  "--default-resources", "mem_mb=1000", "runtime=10",
                  "--quiet", "host")                 # the job blocks, which the default profile hides
    assert r.returncode == 0, r.stderr[-3000:]
    return len(re.findall(r"Group job shard", r.stdout + r.stderr))


def test_companies_are_grouped_into_shards_of_the_configured_size(tmp_path):
    work = two_company_copy(tmp_path)
    # every per-company rule is in the group, the rules that join companies (the paper) are not
    rules = "".join(p.read_text() for p in (ROOT / "workflow/rules").glob("*.smk"))
    blocks = {b.split(":")[0]: b for b in re.split(r"^rule ", rules, flags=re.M)[1:]}
    per_company = {name for name, b in blocks.items() if "{company}" in b}
    grouped = {name for name, b in blocks.items() if re.search(r'group:\s*"shard"', b)}
    assert len(per_company) == 9 and per_company == grouped
    assert group_jobs(work, 1) == 2          # two shards of one company each
    assert group_jobs(work, 2) == 1          # one shard holding both
    profile = yaml.safe_load((ROOT / "profiles/slurm/config.yaml").read_text())
    assert profile["group-components"] == ["shard=50"]


def slurm_ready() -> bool:
    if shutil.which("sbatch") is None or shutil.which("sinfo") is None:
        return False
    r = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    return r.returncode == 0 and "idle" in r.stdout


@pytest.mark.slurm
@pytest.mark.skipif(not slurm_ready(), reason="no Slurm cluster (sudo tools/slurm_one_node.sh stands one up)")
def test_slurm_build_in_two_shards_is_byte_identical_to_a_local_build(tmp_path):
    local = two_company_copy(tmp_path / "local")
    r = snakemake(local)
    assert r.returncode == 0, r.stderr[-3000:]
    cluster = two_company_copy(tmp_path / "cluster")
    r = snakemake(cluster, "--workflow-profile", "profiles/slurm", "--group-components", "shard=1",
                  "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "1",
                  timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    log = r.stdout + r.stderr
    assert len(re.findall(r"Group job shard", log)) == 2 and "submitted with SLURM jobid" in log
    ours = (cluster / "reports/manifest.tsv").read_text(encoding="utf-8")
    assert ours == (local / "reports/manifest.tsv").read_text(encoding="utf-8")
    assert "data/processed/bolt/eva.csv" in ours
