"""Issue 14: the paper speaks to readers (labels, no code names), argues with sentences generated from the data,
shows provenance one step away, and has the structure of a paper in HTML and PDF."""
import re

import pandas as pd
import pypandoc
import pytest
import yaml

from corpfin import provenance as P
from corpfin.render import config_keys, main_text, reader_violations
from corpfin.markdown import with_title
from corpfin.vocabulary import formula_text, humanize, vocabulary


@pytest.fixture(scope="module")
def vocab(catalogue):
    return vocabulary(catalogue, {"selling_marketing_to_revenue": {"key": "selling_marketing_expenses_to_revenue"}})


def test_every_catalogue_item_has_a_reader_label(catalogue):
    assert (catalogue["label"].str.strip() != "").all()
    assert not catalogue["label"].str.contains("_").any()
    lab = catalogue.set_index("item")["label"]
    assert lab["cfo"] == "Net cash from operating activities" and lab["rd_expenses"] == "R&D expenses"
    assert lab["equity_attributable_owners"] == "Equity attributable to owners"


def test_humanize_replaces_code_names_in_place_and_leaves_paths(vocab):
    text = "missing total_debt_incl_leases FY2015; see data/raw/x_y.csv"
    assert humanize(text, vocab) == "missing total debt including leases FY2015; see data/raw/x_y.csv"
    # a cell starts with a capital; an acronym keeps its case; R&D is escaped as data in Markdown
    assert humanize("| eps_basic | rd_expenses |", vocab) == "| EPS, basic | R\\&D expenses |"
    assert humanize("the selling_marketing_to_revenue series", vocab, escape=False) == \
        "the selling and marketing expenses / revenue % series"
    assert humanize("an unknown_code_name stays", vocab) == "an unknown_code_name stays"


def test_formulas_read_as_words(vocab):
    assert formula_text("(profit_for_year - cfo) / avg(total_assets) x 100", vocab) == \
        "(profit for the year - net cash from operating activities) / avg(total assets) × 100"
    assert formula_text("(revenue / revenue[t-1] - 1) x 100 (NaN when the prior year is not positive)", vocab) == \
        "(revenue / revenue of the prior year - 1) × 100 (no value when the prior year is not positive)"


def test_hover_title_is_data_never_markup():
    payload = 'x" onmouseover="alert(1) | <img src=http://example.org/a.png> {{< var a >}} \\ @key'
    md = "| A |\n|--:|\n| " + with_title("12.3", payload) + " |\n"
    html = pypandoc.convert_text(md, "html5", format="markdown", extra_args=["--sandbox"])
    assert "<img" not in html and "onmouseover=" not in html.replace("&quot; onmouseover=&quot;", "")
    assert 'title="x&quot; onmouseover=&quot;alert(1) | &lt;img src=http://example.org/a.png&gt;' in html
    assert ">12.3</span>" in html
    assert with_title("–", "anything") == "–"          # a gap has nothing to trace


def test_reader_violations_name_each_leak():
    found = reader_violations("Margin NaN from data/processed/xiaomi/ratios.csv via gross_margin; set eva.method",
                              {"eva.method"})
    kinds = sorted(v.split(" '")[0] for v in found)
    assert kinds == ["code name", "config key", "file path", "missing-value word"]
    assert reader_violations("Gross margin rose from 4.0% to 20.9% (RMB 365,906.4 million).", {"eva.method"}) == []
    assert {"eva.method", "wacc.beta.items"} <= config_keys({"eva": {"method": "x"}, "wacc": {"beta": {"items": []}}})


def test_ratio_hover_names_every_input_and_the_prior_year_for_averages():
    panel = pd.DataFrame({"period": "FY", "item": ["profit_for_year", "total_assets", "total_assets"],
                          "fiscal_year": [2024, 2024, 2023], "value": [10.0, 200.0, 180.0],
                          "canonical_unit": "RMB_million", "basis": ["reported", "reported", "derived"],
                          "source_id": ["L1", "L2", None], "document": ["AR 2024", "AR 2024", None],
                          "raw_file": ["f.csv", "f.csv", None], "raw_row": [2, 3, None]})
    evidence = pd.DataFrame({"raw_file": ["f.csv", "f.csv"], "raw_row": [2, 3], "evidence": ["profit 10", "assets 200"]})
    items = P.item_titles(panel, evidence, {"profit_for_year": "Profit for the year", "total_assets": "Total assets"})
    ratios = pd.DataFrame({"ratio": ["roa"], "fiscal_year": [2024], "value": [5.26],
                           "formula": ["profit_for_year / avg(total_assets) x 100"]})
    t = P.ratio_titles(ratios, items)[("roa", 2024)]
    assert 'Profit for the year FY2024: 10.0 RMB million; L1, AR 2024: "profit 10"' in t
    assert 'Total assets FY2024: 200.0 RMB million; L2, AR 2024: "assets 200"' in t
    assert "Total assets FY2023: 180.0 RMB million; derived from an accounting identity" in t
    assert P.compact_ids(["L00001", "L00002", "L00003", "C0004", "L00007"]) == "C0004, L00001–L00003, L00007"


# --- the built paper ---------------------------------------------------------------------------------------------
def test_main_text_speaks_to_readers(built):
    html = (built / "reports/paper.html").read_text(encoding="utf-8")
    text = main_text(html)
    assert "by item and fiscal year (C company document" not in text       # the appendix's coverage table
    assert "Conclusion" in text and len(text.split()) > 5000
    keys = config_keys(yaml.safe_load((built / "workflow/config.yaml").read_text(encoding="utf-8")))
    assert reader_violations(text, keys) == []


def test_paper_has_the_structure_of_a_paper(built):
    html = (built / "reports/paper.html").read_text(encoding="utf-8")
    heads = [" ".join(re.sub(r"<[^>]+>", "", h).split()) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html,
                                                                               flags=re.S)]
    joined = " | ".join(heads)
    for part in ("Introduction", "The three case studies", "Data", "Methods", "Results", "Where value is created",
                 "Xiaomi beside its peers", "Claims audit", "Discussion", "Threats to validity", "Conclusion",
                 "References", "Appendix A", "Appendix B"):
        assert part in joined, part
    text = main_text(html).replace("\u2019", "'")
    assert re.search(r"Abstract\. .*gross margin (rose|fell) from [\d.]+% in FY2015", text)
    assert all(q in text for q in ("Do the studies' findings on profitability and on value creation (EVA) hold",
                                   "Where in the profit model is value created",
                                   "Which of the studies' claims about the company survive"))
    assert "Build: lockfile " in text and "Capital before the listing." in text and "(3) The published claims." in text
    # the paper does not repeat itself: no sentence of its generated paragraphs appears twice
    prose = " ".join((built / f"reports/tables/{name}.md").read_text(encoding="utf-8") for name in (
        "performance", "costs", "segments", "eva_text", "peers_text", "trends_text", "claims_text", "discussion",
        "threats_choices", "threats", "conclusion"))
    sentences = [s for s in re.split(r"(?<=[.;:])\s+", prose) if len(s) > 40]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, sorted(repeated)[:3]
    # provenance one step away: the FY2024 gross margin shows its two inputs, with source rows and quotes
    panel = pd.read_csv(built / "data/processed/xiaomi/panel.csv")
    sid = panel[(panel["item"] == "gross_profit") & (panel["fiscal_year"] == 2024)]["source_id"].iloc[0]
    spans = re.findall(r'<span\s+title="(Gross profit FY2024[^"]*)"\s*>20\.9</span>', html)
    assert spans and sid in spans[0] and "Revenue FY2024: 365,906.4" in spans[0] and "&quot;" in spans[0]


def test_pdf_has_the_paper_with_chinese_glyphs_and_unbroken_tables(built):
    from pypdf import PdfReader

    reader = PdfReader(built / "reports/paper.pdf")
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    for part in ("Abstract.", "Discussion", "Threats to validity", "Conclusion", "Appendix B", "Claims audit"):
        assert part in text, part
    assert "小米" in text                                  # the Chinese quotations are set, not boxes
    # the whole PDF and DOCX, appendices and references included, speak to readers
    keys = config_keys(yaml.safe_load((built / "workflow/config.yaml").read_text(encoding="utf-8")))
    assert reader_violations(text, keys) == []
    import zipfile

    xml = zipfile.ZipFile(built / "reports/paper.docx").read("word/document.xml").decode("utf-8")
    assert reader_violations(" ".join(re.sub(r"<[^>]+>", " ", xml).split()), keys) == []
    fonts = {str(f.get("/BaseFont")) for p in reader.pages for f in
             (p.get("/Resources", {}).get("/Font", {}) or {}).values() for f in [f.get_object()]}
    assert any("NotoSansCJKsc" in f for f in fonts)


def test_gap_list_gives_gap_and_estimate_years_per_item_and_is_empty_without_gaps():
    from corpfin.supplement import gap_list

    cov = pd.DataFrame({"statement": ["income", "income", "income", "balance", "balance", "cash"],
                        "item": ["revenue", "revenue", "revenue", "inventories", "inventories", "cfo"],
                        "fiscal_year": [2017, 2015, 2016, 2019, 2018, 2015],
                        "status": ["gap", "gap", "reported", "fx_estimate", "gap", "gap"]})
    g = gap_list(cov, ["income", "balance"])
    assert g.to_dict("records") == [
        {"statement": "balance", "item": "inventories", "missing years": "2018", "estimate only": "2019"},
        {"statement": "income", "item": "revenue", "missing years": "2015, 2017", "estimate only": ""}]
    assert gap_list(cov.iloc[0:0], ["income"]).columns.tolist() == ["statement", "item", "missing years",
                                                                     "estimate only"]


def test_coverage_change_counts_and_lists_the_years_each_item_gained_was_estimated_or_lost():
    from corpfin.supplement import coverage_change

    before = pd.DataFrame({"statement": ["income"] * 4 + ["balance"] * 2,
                           "item": ["revenue", "revenue", "rd", "rd", "inventories", "inventories"],
                           "fiscal_year": [2019, 2020, 2019, 2020, 2021, 2022],
                           "status": ["reported", "gap", "reported", "reported", "gap", "gap"]})
    after = pd.DataFrame({"statement": ["income"] * 4 + ["balance"] * 3,
                          "item": ["revenue", "revenue", "rd", "rd", "inventories", "inventories", "inventories"],
                          "fiscal_year": [2019, 2020, 2019, 2020, 2021, 2022, 2023],
                          "status": ["reported", "derived", "gap", "reported", "fx_estimate", "reported", "reported"]})
    c = coverage_change(before, after)
    assert c.to_dict("records") == [
        {"statement": "balance", "item": "inventories", "years_before": 0, "years_after": 2, "gained": "2022, 2023",
         "estimated": "2021", "n_estimated": 1, "lost": "", "n_lost": 0},
        {"statement": "income", "item": "rd", "years_before": 2, "years_after": 1, "gained": "", "estimated": "",
         "n_estimated": 0, "lost": "2019", "n_lost": 1},
        {"statement": "income", "item": "revenue", "years_before": 1, "years_after": 2, "gained": "2020",
         "estimated": "", "n_estimated": 0, "lost": "", "n_lost": 0}]
