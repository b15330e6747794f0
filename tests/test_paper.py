"""Issue 14: the paper speaks to readers (labels, no code names), argues with sentences generated from the data,
shows provenance one step away, and has the structure of a paper in HTML and PDF."""
import re

import pandas as pd
import pypandoc
import pytest
import yaml

from corpfin import narrative as N
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


def narrative_frames(iot_2021=None, ipu_last=48.6, eva_2022=-12037.0, rev_growth_2022=-14.7, sbc=None):
    years = list(range(2015, 2025))
    panel = pd.DataFrame({"period": "FY", "fiscal_year": [2015, 2016, 2017, 2018, 2018],
                          "item": ["equity_attributable_owners"] * 3 + ["fv_changes_preferred_shares", "revenue"],
                          "value": [-86710.0, -92190.0, -127270.0, 12514.0, 174915.0]})
    if sbc is not None:
        panel = pd.concat([panel, pd.DataFrame({"period": ["FY"], "fiscal_year": [2018],
                                                "item": ["share_based_compensation"], "value": [sbc]})])
    iot = {2017: 8.3, 2020: 12.8, 2022: 14.4, 2024: 20.3} | ({2021: iot_2021} if iot_2021 else {})
    rows = [("net_margin", 2017, -38.3), ("adjusted_net_margin", 2017, 4.7), ("adjusted_net_margin", 2019, 5.6),
            ("adjusted_net_margin", 2021, 6.7), ("adjusted_net_margin", 2022, 3.0), ("adjusted_net_margin", 2024, 7.4),
            ("revenue_growth", 2022, rev_growth_2022), ("internet_revenue_per_user", 2017, 57.8),
            ("internet_revenue_per_user", 2024, ipu_last)] + [("segment_gross_margin_iot_lifestyle", y, v)
                                                               for y, v in iot.items()]
    ratios = pd.DataFrame(rows, columns=["ratio", "fiscal_year", "value"])
    summary = pd.DataFrame({"method": "residual_income", "fiscal_year": [2021, 2022, 2023],
                            "eva": [8996.0, eva_2022, 2693.0]})
    return panel, ratios, summary, years


def test_discussion_is_generated_from_the_data():
    panel, ratios, summary, years = narrative_frames()
    text = N.discussion_md(panel, ratios, summary, "residual_income", years)
    assert "negative in FY2015, FY2016, FY2017 (RMB -127,270 million at the end of FY2017)" in text
    assert "IFRS net margin was -38.3% against an adjusted margin of 4.7%" in text
    assert "no source in the ledger prints their amount" in text
    assert "lowest in FY2022 (3.0%" in text and "revenue fell by 14.7%" in text and "negative that year" in text
    assert "changes sign 2 times (to negative in FY2022, to positive in FY2023)" in text
    assert "every negative year (FY2022) is a year of falling revenue" in text
    assert "fell from RMB 57.8 in FY2017 to RMB 48.6 in FY2024" in text and "yields less" in text
    assert "rose from 8.3% in FY2017 to 20.3% in FY2024, its highest" in text
    assert "FY2021 value is not sourced" in text


def test_changed_data_change_the_discussion():
    panel, ratios, summary, years = narrative_frames(iot_2021=25.0, ipu_last=70.0, eva_2022=100.0,
                                                     rev_growth_2022=5.0, sbc=5000.0)
    text = N.discussion_md(panel, ratios, summary, "residual_income", years)
    assert "below its peak of 25.0% in FY2021" in text and "in FY2021 it was 25.0%" in text
    assert "rose from RMB 57.8 in FY2017 to RMB 70.0 in FY2024" in text and "yields more" in text
    assert "with no change of sign" in text and "falling revenue" not in text
    assert "revenue grew by 5.0%" in text and "positive that year" in text
    assert "Share-based compensation was RMB 5,000 million in FY2018 (2.9% of revenue)" in text


def test_conclusion_answers_the_questions_from_the_data():
    ratios = pd.DataFrame([("gross_margin", 2015, 4.0), ("gross_margin", 2024, 20.9),
                           ("segment_share_smartphones", 2015, 80.4), ("segment_share_smartphones", 2024, 52.4),
                           ("segment_share_iot_lifestyle", 2015, 12.9), ("segment_share_iot_lifestyle", 2024, 28.4),
                           ("segment_gross_margin_internet_services", 2024, 76.6),
                           ("segment_gross_margin_smartphones", 2024, 12.6)], columns=["ratio", "fiscal_year", "value"])
    summary = pd.DataFrame({"method": "residual_income", "fiscal_year": [2023, 2024], "eva": [2693.0, -1.0]})
    claims = pd.DataFrame({"verdict": ["supported", "contradicted", "not a claim (the study's method)"],
                           "check": ["x", "y", "method"], "quantity": ["a", "b", "c"], "our_value": ["", "", ""]})
    trends = pd.DataFrame({"series": ["gross_margin"], "verdict": ["increasing"], "mk_p_bh": [0.0004]})
    text = N.conclusion_md(ratios, summary, claims, trends, "residual_income", list(range(2015, 2025)))
    assert "gross margin rose from 4.0% to 20.9%" in text and "a significant increasing trend" in text
    assert "can be made for 2 years (FY2023-FY2024) with the residual-income method, positive in 1" in text
    assert "Smartphones' share of revenue fell from 80.4% (FY2015) to 52.4% (FY2024)" in text
    assert "IoT and lifestyle products' share rose from 12.9% to 28.4%" in text
    assert "highest gross margin was internet services (76.6%)" in text
    assert "Of 2 quantitative claims, 1 survive the audit, 1 are contradicted" in text


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
    heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, flags=re.S)]
    joined = " | ".join(heads)
    for part in ("Introduction", "The three case studies", "Data", "Methods", "Results", "Claims audit",
                 "Discussion", "Threats to validity", "Conclusion", "References", "Appendix A", "Appendix E"):
        assert part in joined, part
    text = main_text(html).replace("\u2019", "'")
    assert re.search(r"Abstract\. .*gross margin (rose|fell) from [\d.]+% in FY2015", text)
    assert all(q in text for q in ("Do the case studies' ratio and EVA findings hold on sourced data?",
                                   "Has the profit model shifted value", "Which of the published quantitative claims"))
    assert text.count("The study says") == 25 - 0          # every audited item closes a results section once
    assert "Build: lockfile " in text and "Pre-listing capital." in text and "(3) Published claims." in text
    # provenance one step away: the FY2024 gross margin shows its two inputs, with source rows and quotes
    panel = pd.read_csv(built / "data/processed/xiaomi/panel.csv")
    sid = panel[(panel["item"] == "gross_profit") & (panel["fiscal_year"] == 2024)]["source_id"].iloc[0]
    spans = re.findall(r'<span\s+title="(Gross profit FY2024[^"]*)"\s*>20\.9</span>', html)
    assert spans and sid in spans[0] and "Revenue FY2024: 365,906.4" in spans[0] and "&quot;" in spans[0]


def test_pdf_has_the_paper_with_chinese_glyphs_and_unbroken_tables(built):
    from pypdf import PdfReader

    reader = PdfReader(built / "reports/paper.pdf")
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    for part in ("Abstract.", "Discussion", "Threats to validity", "Conclusion", "Appendix E", "The study says"):
        assert part in text, part
    assert "小米" in text                                  # the Chinese quotations are set, not boxes
    fonts = {str(f.get("/BaseFont")) for p in reader.pages for f in
             (p.get("/Resources", {}).get("/Font", {}) or {}).values() for f in [f.get_object()]}
    assert any("NotoSansCJKsc" in f for f in fonts)


def test_a_findings_id_that_is_not_an_audited_claim_is_refused():
    from corpfin.errors import ConfigError

    claims = pd.DataFrame({"claim_id": ["S1-01", "S2-01"]})
    N.check_findings({"eva": ["S1-01"], "performance": ["S2-01"]}, claims)
    with pytest.raises(ConfigError, match=r"paper.findings: claim ids \['S9-99'\] are not in"):
        N.check_findings({"eva": ["S1-01", "S9-99"]}, claims)


def test_gap_list_gives_gap_and_estimate_years_per_item_and_is_empty_without_gaps():
    from corpfin.tables import gap_list

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
    from corpfin.tables import coverage_change

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
