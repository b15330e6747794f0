"""Users other than the first author: a peer replicating, a researcher adding a year, another company,
a cluster user."""
import re
import shutil
import subprocess
import sys

import pandas as pd
import yaml

from pipeline import ROOT, copy_repo, fictitious_company, snakemake
from corpfin.verify import cell_differences


def test_clean_rebuild_is_byte_identical_to_the_reference_manifest(built):
    r = subprocess.run([sys.executable, str(ROOT / "tools/verify.py"), "--root", str(built)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"(\d+) of \1 files identical", r.stdout)


def test_verify_reports_cell_level_differences(tmp_path, built):
    ref = tmp_path / "ref"
    shutil.copytree(built / "data", ref / "data")
    f = built / "data/processed/xiaomi/ratios.csv"
    changed = tmp_path / "changed"
    shutil.copytree(built, changed, ignore=shutil.ignore_patterns(".snakemake"))
    df = pd.read_csv(changed / "data/processed/xiaomi/ratios.csv")
    i = df.index[(df.ratio == "gross_margin") & (df.fiscal_year == 2024)][0]
    df.loc[i, "value"] = df.loc[i, "value"] + 0.5
    df.to_csv(changed / "data/processed/xiaomi/ratios.csv", index=False)
    r = subprocess.run([sys.executable, str(ROOT / "tools/verify.py"), "--root", str(changed), "--reference", str(ref)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "differs: data/processed/xiaomi/ratios.csv" in r.stdout
    assert f"row {i + 2}, column value" in r.stdout
    assert cell_differences(f, f, 1e-9).empty


def test_cluster_profile_dry_run(tmp_path):
    work = copy_repo(tmp_path)
    r = snakemake(work, "-n", "--workflow-profile", "profiles/slurm")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "render_paper" in r.stdout + r.stderr
    rules = "".join(p.read_text() for p in (ROOT / "workflow/rules").glob("*.smk"))
    n_rules = len(re.findall(r"^rule ", rules, flags=re.M))
    assert len(re.findall(r"^    threads: ", rules, flags=re.M)) == n_rules
    assert rules.count("mem_mb=") >= n_rules


def test_another_company_runs_alone(tmp_path):
    work = copy_repo(tmp_path)
    shutil.rmtree(work / "data/raw/xiaomi")
    shutil.copytree(ROOT / "tests/fixtures/acme/raw/acme", work / "data/raw/acme")
    cfg = yaml.safe_load((work / "workflow/config.yaml").read_text())
    cfg["companies"] = {"acme": fictitious_company("acme")}
    cfg["paper"]["company"] = "acme"
    (work / "workflow/config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    r = snakemake(work)
    assert r.returncode == 0, r.stderr[-4000:]
    assert not (work / "data/processed/xiaomi").exists()
    p = pd.read_csv(work / "data/processed/acme/panel.csv")
    assert p.set_index(["fiscal_year", "item"]).at[(2023, "revenue"), "value"] == 1250.0
    ratios = pd.read_csv(work / "data/processed/acme/ratios.csv").set_index(["ratio", "fiscal_year"])
    assert ratios.at[("gross_margin", 2023), "value"] == 22.0            # 275 / 1250
    assert abs(ratios.at[("current_ratio", 2022), "value"] - 650 / 380) < 1e-9   # 10 significant digits in CSV
    html = (work / "reports/paper.html").read_text(encoding="utf-8")
    assert "Acme (fictitious, made-up data)" in html and "1,250.0" in html


def test_adding_a_fiscal_year_reruns_only_what_depends_on_it(built, tmp_path):
    work = tmp_path / "fy"
    shutil.copytree(built, work, ignore=shutil.ignore_patterns(".snakemake"))
    d = work / "data/raw/xiaomi/2025"
    rows = {"revenue": 400000.0, "cost_of_sales": 310000.0, "gross_profit": 90000.0, "operating_profit": 30000.0,
            "rd_expenses": 30000.0}
    with open(d / "figures.csv", "a", encoding="utf-8") as f:
        for i, (k, v) in enumerate(rows.items()):
            f.write(f"xiaomi,2025,FY,{k},{v:g},RMB_million,,SYN{i}\n")
    with open(d / "sources.csv", "a", encoding="utf-8") as f:
        for i, k in enumerate(rows):
            f.write(f'SYN{i},company_document,SYNTHETIC test row (not a real figure),,https://example.invalid/syn,'
                    f'"SYNTHETIC {k}",,2025-12-31,results_announcement,tests/test_scenarios.py\n')
    cfg_path = work / "workflow/config.yaml"
    cfg = yaml.safe_load(cfg_path.read_text())
    cfg["companies"]["xiaomi"]["fiscal_years"]["last"] = 2025
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    dry = snakemake(work, "-n")
    assert dry.returncode == 0, dry.stderr[-3000:]
    out = dry.stdout + dry.stderr
    stats = dict(re.findall(r"^(\w+)\s+(\d+)$", out[out.index("Job stats:"):], flags=re.M))
    assert stats.get("validate_extracts") == "1"         # one validation job for every company's extracts
    assert {"clean_panel", "compute_ratios", "compute_eva", "run_trend_tests", "render_paper"} <= set(stats)
    r = snakemake(work)
    assert r.returncode == 0, r.stderr[-3000:]
    header = [ln for ln in (work / "reports/tables/ratios_profitability.md").read_text().splitlines()
              if ln.startswith("| Ratio |")][0]
    assert header.rstrip().endswith("| 2024 | 2025 |")
    ratios = pd.read_csv(work / "data/processed/xiaomi/ratios.csv").set_index(["ratio", "fiscal_year"])
    assert ratios.at[("gross_margin", 2025), "value"] == 22.5
    assert ratios.at[("net_margin", 2025), "status"] == "missing profit_for_year FY2025"
    eva = pd.read_csv(work / "data/processed/xiaomi/eva.csv")
    st = eva[(eva.method == "simple") & (eva.fiscal_year == 2025)].iloc[0]["status"]
    assert "missing total_equity FY2025" in st
    assert "FY2025" in (work / "reports/paper.html").read_text(encoding="utf-8")


def test_network_is_blocked_in_pipeline_runs():
    """Every pipeline run of the tests (the `built` fixture included) goes through this environment."""
    from pipeline import no_network_env

    r = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
                       env=no_network_env(), capture_output=True, text=True)
    assert r.returncode != 0 and "network access blocked" in r.stderr


def test_real_ratios_equal_the_chosen_panel_values(built):
    p = pd.read_csv(built / "data/processed/xiaomi/panel.csv")
    v = p[p.period == "FY"].set_index(["fiscal_year", "item"])["value"]
    r = pd.read_csv(built / "data/processed/xiaomi/ratios.csv").set_index(["ratio", "fiscal_year"])["value"]
    gm21 = v[(2021, "gross_profit")] / v[(2021, "revenue")] * 100
    assert abs(r[("gross_margin", 2021)] - gm21) < 1e-6 and round(gm21, 1) == 17.7
    growth24 = (v[(2024, "revenue")] / v[(2023, "revenue")] - 1) * 100
    assert abs(r[("revenue_growth", 2024)] - growth24) < 1e-6 and round(growth24, 1) == 35.0


def test_switching_the_eva_method_reruns_only_eva_and_its_dependants(built, tmp_path):
    work = tmp_path / "m"
    # keep .snakemake/metadata: it is how Snakemake knows that a parameter changed
    shutil.copytree(built, work)
    before = pd.read_csv(work / "data/processed/xiaomi/eva.csv")
    cfg = work / "workflow/config.yaml"
    cfg.write_text(cfg.read_text().replace("  method: simple\n", "  method: stern_stewart\n"))
    dry = snakemake(work, "-n")
    out = dry.stdout + dry.stderr
    stats = dict(re.findall(r"^(\w+)\s+(\d+)$", out[out.index("Job stats:"):], flags=re.M))
    assert "compute_eva" in stats
    assert not {"validate_extracts", "clean_panel", "check_identities", "compute_ratios", "compute_wacc"} & set(stats)
    assert snakemake(work).returncode == 0
    after = pd.read_csv(work / "data/processed/xiaomi/eva.csv")
    assert after.loc[after.headline, "method"].unique().tolist() == ["stern_stewart"]
    assert before.loc[before.headline, "method"].unique().tolist() == ["simple"]


def test_every_rule_declares_its_resources_and_the_slurm_profile_has_no_placeholders():
    import re

    for f in (ROOT / "workflow/rules").glob("*.smk"):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r"^rule (\w+):(.*?)(?=^rule |\Z)", text, flags=re.S | re.M):
            body = m.group(2)
            for key in ("threads:", "mem_mb=", "runtime=", "log:"):
                assert key in body, f"{f.name}: rule {m.group(1)} declares no {key.rstrip(':=')}"
    profile = yaml.safe_load((ROOT / "profiles/slurm/config.yaml").read_text())
    res = profile["default-resources"]
    assert "slurm_account" not in res and "slurm_partition" not in res      # the cluster's defaults apply
    assert res["runtime"] > 0 and res["mem_mb"] > 0
