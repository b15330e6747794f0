"""Workflow tests: dry run, lint, one end-to-end run on the real data/raw/ in a temporary copy, the paper."""
import re
import shutil
import subprocess

import pandas as pd
import pytest
import yaml

from pipeline import ROOT, copy_repo, snakemake


def test_dry_run_and_lint_are_clean():
    r = snakemake(ROOT, "-n", "--quiet")
    assert r.returncode == 0, r.stderr[-3000:]
    lint = snakemake(ROOT, "--lint")
    assert lint.returncode == 0 and "Lints for" not in (lint.stdout + lint.stderr), lint.stdout + lint.stderr


def panel_value(work, year, item):
    p = pd.read_csv(work / "data/processed/xiaomi/panel.csv")
    row = p[(p.fiscal_year == year) & (p.item == item) & (p.period == "FY")]
    assert len(row) == 1, (year, item)
    return row.iloc[0]


@pytest.mark.parametrize("year,item,printed", [
    (2019, "revenue", 205838.7),          # 2019 Annual Report: 205,838,682 thousand
    (2024, "revenue", 365906.4),          # FY2024 annual results announcement
    (2018, "profit_for_year", 13477.7),   # 2019 Annual Report, FY2018 comparative: 13,477,747 thousand
    (2018, "gross_profit", 22191.9),
    (2019, "cost_of_sales", 177284.6),    # printed (177,284,649) thousand: stored as an expense magnitude
    (2023, "adjusted_net_profit", 19272.8),   # FY2024 announcement, FY2023 comparative (ledger L01278)
])
def test_cleaned_panel_holds_published_values(built, year, item, printed):
    row = panel_value(built, year, item)
    # precision first: the value agrees with the company's printing within its rounding, and the company
    # document stays the authority (precedence_source_id) where a more precise printing is the value
    assert abs(row.value - printed) <= 0.05 + 1e-9
    ev = pd.read_csv(built / "data/processed/xiaomi/evidence.csv", dtype=str, keep_default_na=False)
    kind = ev[ev["source_id"] == row.precedence_source_id]["kind"].iloc[0]
    assert kind == "company_document"


def test_every_panel_value_traces_to_a_raw_row_and_source(built):
    p = pd.read_csv(built / "data/processed/xiaomi/panel.csv", dtype={"value_printed": str})
    for r in p[p["basis"] != "derived"].sample(60, random_state=1).itertuples():
        raw = pd.read_csv(built / r.raw_file, dtype=str, keep_default_na=False)
        line = raw.iloc[int(r.raw_row) - 2]
        assert (line["item"], line["source_id"], line["value"]) == (r.item, r.source_id, r.value_printed)
        src = pd.read_csv(built / r.raw_file.replace("figures.csv", "sources.csv"), dtype=str, keep_default_na=False)
        assert r.source_id in set(src.source_id)


def test_identities_checked_on_real_data(built):
    c = pd.read_csv(built / "data/processed/xiaomi/identity_checks.csv")
    assert "violated" not in set(c.status)
    held = c[c.status == "holds"]
    assert {"gross_profit", "profit_after_tax", "balance_sheet", "assets_split"} <= set(held.identity)


def test_breaking_an_identity_fails_the_build_naming_item_and_year(tmp_path):
    work = copy_repo(tmp_path)
    f = work / "data/raw/xiaomi/2019/figures.csv"
    text = f.read_text(encoding="utf-8")
    # FY2019 cost of sales, 2019 Annual Report p.183: (177,284,649) thousand, the only source for it
    assert ",cost_of_sales,-177284649,RMB_thousand,,L00423" in text
    f.write_text(text.replace(",cost_of_sales,-177284649,", ",cost_of_sales,-167284649,"), encoding="utf-8")
    r = snakemake(work, "data/processed/xiaomi/identity_checks.csv")
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "xiaomi FY2019: identity 'gross_profit' (revenue - cost_of_sales = gross_profit) fails" in out
    assert "cost_of_sales=167284.6490" in out
    assert not (work / "data/processed/xiaomi/identity_checks.csv").exists()


def test_bad_raw_value_fails_with_file_row_column_and_no_output(tmp_path):
    work = copy_repo(tmp_path)
    f = work / "data/raw/xiaomi/2019/figures.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("xiaomi,2019,FY,revenue,205838682,")
    lines[1] = lines[1].replace("205838682", '"205,838,682"')
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = snakemake(work, "data/processed/xiaomi/panel.csv")
    assert r.returncode != 0
    assert ("data/raw/xiaomi/2019/figures.csv, row 2, column 'value': value is not a number (thousands separator"
            in r.stdout + r.stderr)
    assert not (work / "data/interim/xiaomi/evidence.csv").exists()
    assert not (work / "data/processed/xiaomi/panel.csv").exists()


def test_paper_renders_with_computed_values_and_no_loose_ends(built):
    html = (built / "reports/paper.html").read_text(encoding="utf-8")
    v = yaml.safe_load((built / "reports/_variables.yml").read_text(encoding="utf-8"))
    assert "renderer: pandoc fallback" in (built / "logs/render_paper.log").read_text()
    # key computed values as the text writes them (billions to one decimal), from the processed tables
    panel = pd.read_csv(built / "data/processed/xiaomi/panel.csv")
    eva = pd.read_csv(built / "data/processed/xiaomi/eva.csv")
    revenue = panel[(panel.item == "revenue") & (panel.fiscal_year == 2024) & (panel.period == "FY")].value.iloc[0]
    entity = eva[(eva.method == "simple") & (eva.fiscal_year == 2024)].eva.iloc[0]
    assert revenue == 365906.35 and round(entity, 1) == 15529.4     # revenue as its most precise printing
    flat = " ".join(html.split())
    assert "RMB 365.9 billion in FY2024" in flat and "in FY2024 it was RMB 15.5 billion" in flat
    assert v["eva_last_year"] == "2024"
    assert "{{<" not in html and "?@" not in html
    for t in (built / "reports/tables").glob("*.md"):
        cells = " ".join(line for line in t.read_text().splitlines() if line.startswith("|"))
        assert not re.search(r"\b(nan|NaN|inf|-inf)\b", cells), t.name
    tables = re.findall(r"<table[^>]*>.*?</table>", html, flags=re.S)
    assert len(tables) == 20
    assert not any(re.search(r">\s*(nan|inf|-inf)\s*<", tb) for tb in tables)
    for fig in ("segments", "gp_shares", "margins", "eva", "trends", "peers"):
        assert (built / f"reports/figures/{fig}.png").stat().st_size > 10_000
        assert f'id="fig-{fig.replace("_", "")}"' in html
    assert html.count("data:image/png;base64,") >= 6       # self-contained
    for n in range(1, 21):
        assert f"Table {n}" in html
    assert "Claims audit" in html and "S3-01" in html and "contradicted" in html
    docx = built / "reports/paper.docx"
    assert docx.stat().st_size > 50_000 and docx.read_bytes()[:2] == b"PK"


def test_pdf_through_typst_shows_the_same_values_as_the_html(built):
    from pypdf import PdfReader

    pdf = built / "reports/paper.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages).split())
    html = " ".join((built / "reports/paper.html").read_text(encoding="utf-8").split())
    for needle in ("RMB 365.9 billion in FY2024", "in FY2024 it was RMB 15.5 billion", "Claims audit"):
        assert needle in html and needle in text, needle
    assert "Table 1:" in text and "Table 1: Table 1" not in text     # Typst numbers once
    assert "{{<" not in text


def test_a_changed_raw_value_changes_the_paper(built, tmp_path):
    work = tmp_path / "w"
    shutil.copytree(built, work, ignore=shutil.ignore_patterns(".snakemake"))
    panel = pd.read_csv(work / "data/processed/xiaomi/panel.csv", dtype={"value_printed": str})
    row = panel[(panel.item == "seg_gross_margin_internet_services") & (panel.fiscal_year == 2024)].iloc[0]
    assert row.n_sources == 1 and row.value_printed == "76.6"
    f = work / row.raw_file
    lines = f.read_text(encoding="utf-8").splitlines()
    assert ",76.6,percent," in lines[int(row.raw_row) - 1]
    lines[int(row.raw_row) - 1] = lines[int(row.raw_row) - 1].replace(",76.6,percent,", ",77.6,percent,")
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = (work / "reports/paper.html").read_text(encoding="utf-8")
    r = snakemake(work)
    assert r.returncode == 0, r.stderr[-3000:]
    after = (work / "reports/paper.html").read_text(encoding="utf-8")
    assert after != before and "77.6" in after


@pytest.mark.skipif(shutil.which("quarto") is None, reason="Quarto CLI not on PATH (the pandoc fallback is tested)")
def test_quarto_renders_the_same_document(built, tmp_path):
    work = tmp_path / "q"
    shutil.copytree(built / "reports", work)
    (work / "paper.html").unlink()
    subprocess.run(["quarto", "render", "paper.qmd", "--to", "html"], cwd=work, check=True, timeout=600)
    html = (work / "paper.html").read_text(encoding="utf-8")
    v = yaml.safe_load((work / "_variables.yml").read_text(encoding="utf-8"))
    assert v["revenue_fy2024"] in html and "{{<" not in html and "?@" not in html
