"""Precedence, restatements, corroboration, conflicts and currency separation, on hand-made evidence."""
import pandas as pd
import pytest

from corpfin.select import choose_values

KINDS = ["company_document", "filing_summary", "aggregator", "academic", "news"]
DOCS = ["annual_report", "interim_report", "results_announcement", "press_release", "other"]


def ev(rows):
    base = {"company": "acme", "fiscal_year": 2019, "period": "FY", "item": "revenue", "statement": "income_statement",
            "quantity": "money", "canonical_unit": "RMB_million", "currency": "RMB", "reliability_flag": "",
            "doc_period_end": "", "doc_type": "", "document": "d", "value_printed": "", "unit": "RMB_million",
            "raw_file": "f", "raw_row": 2}
    out = []
    for i, r in enumerate(rows):
        row = {**base, "url": f"https://site{i}.example", **r}
        out.append(row)
    return pd.DataFrame(out)


def choose(rows, **kw):
    return choose_values(ev(rows), periods=["FY"], currency="RMB", kinds=kw.get("kinds", KINDS), doc_types=DOCS,
                         relative_tolerance=0.002)


def test_company_document_beats_aggregator_and_news_and_records_runner_up():
    panel, conflicts, status = choose([
        {"source_id": "N1", "kind": "news", "value": 205800.0, "resolution": 50.0},
        {"source_id": "A1", "kind": "aggregator", "value": 205838.7, "resolution": 0.05},
        {"source_id": "C1", "kind": "company_document", "value": 205838.682, "resolution": 0.0005,
         "doc_period_end": "2019-12-31", "doc_type": "annual_report"},
    ])
    row = panel.iloc[0]
    assert (row.source_id, row.value, row.runner_up_source_id, row.runner_up_value) == ("C1", 205838.682, "A1", 205838.7)
    assert row.n_sources == 3 and row.n_agreeing == 2 and row.n_conflicting == 0
    assert conflicts.empty
    assert dict(zip(status.source_id, status.status)) == {"C1": "chosen", "A1": "eligible", "N1": "eligible"}


def test_newest_company_document_wins_a_restatement():
    panel, conflicts, _ = choose([
        {"source_id": "OLD", "kind": "company_document", "value": 100.0, "resolution": 0.05,
         "doc_period_end": "2019-12-31", "doc_type": "annual_report"},
        {"source_id": "NEW", "kind": "company_document", "value": 98.0, "resolution": 0.05,
         "doc_period_end": "2020-12-31", "doc_type": "results_announcement"},
    ])
    assert panel.iloc[0].source_id == "NEW" and panel.iloc[0].value == 98.0
    assert conflicts.iloc[0].other_source_id == "OLD" and conflicts.iloc[0].difference == pytest.approx(2.0)


def test_corroboration_beats_one_outlets_digit_slip_within_a_kind():
    # 4hw printed 8.89bn for 2017 internet services; three other outlets print 98.9亿 / 99亿
    panel, conflicts, _ = choose([
        {"source_id": "L00192", "kind": "news", "value": 8890.0, "resolution": 5.0},
        {"source_id": "L00193", "kind": "news", "value": 9890.0, "resolution": 5.0},
        {"source_id": "L00194", "kind": "news", "value": 9890.0, "resolution": 5.0},
        {"source_id": "L00191", "kind": "news", "value": 9900.0, "resolution": 50.0},
    ])
    assert panel.iloc[0].value == 9890.0
    assert list(conflicts.other_source_id) == ["L00192"]


def test_precedence_order_is_configurable():
    rows = [{"source_id": "A1", "kind": "aggregator", "value": 10.0, "resolution": 0.5},
            {"source_id": "N1", "kind": "news", "value": 10.0, "resolution": 0.5}]
    assert choose(rows)[0].iloc[0].source_id == "A1"
    news_first = ["news", "company_document", "filing_summary", "aggregator", "academic"]
    assert choose(rows, kinds=news_first)[0].iloc[0].source_id == "N1"


def test_flagged_and_foreign_currency_rows_are_never_chosen():
    panel, conflicts, status = choose([
        {"source_id": "H1", "kind": "aggregator", "value": 91341.9, "resolution": 0.005, "currency": "HKD",
         "canonical_unit": "HKD_million"},
        {"source_id": "X1", "kind": "news", "value": 1.0, "resolution": 0.05, "reliability_flag": "likely typo"},
        {"source_id": "N1", "kind": "news", "value": 83000.0, "resolution": 50.0},
    ])
    assert panel.iloc[0].source_id == "N1"
    st = dict(zip(status.source_id, status.status))
    assert st["H1"] == "excluded: currency HKD is never mixed with RMB"
    assert st["X1"] == "excluded: unreliable source: likely typo"
    # the flagged value still shows in the conflicts table as evidence of disagreement
    assert list(conflicts.other_source_id) == ["X1"]


def test_rounding_is_not_a_conflict_but_a_real_difference_is():
    panel, conflicts, _ = choose([
        {"source_id": "C1", "kind": "company_document", "value": 36786.0, "resolution": 0.5,
         "doc_period_end": "2020-12-31", "doc_type": "annual_report"},
        {"source_id": "N1", "kind": "news", "value": 36800.0, "resolution": 50.0},   # 36.8bn: rounding
        {"source_id": "N2", "kind": "news", "value": 37000.0, "resolution": 50.0},   # 37.0bn: real difference
    ])
    assert list(conflicts.other_source_id) == ["N2"]
    assert panel.iloc[0].n_agreeing == 1 and panel.iloc[0].n_conflicting == 1


def test_a_rounded_summary_is_refined_by_a_more_precise_printing_of_the_same_figure():
    panel, conflicts, _ = choose([
        {"source_id": "F1", "kind": "filing_summary", "value": 245900.0, "resolution": 50.0},   # "245.9bn"
        {"source_id": "N1", "kind": "news", "value": 245866.0, "resolution": 0.5},             # "245,866m"
        {"source_id": "N2", "kind": "news", "value": 245000.0, "resolution": 500.0},           # "2.45 trillion"? no: rounded
    ])
    row = panel.iloc[0]
    assert (row.source_id, row.value, row.precedence_source_id) == ("N1", 245866.0, "F1")
    assert row.runner_up_source_id == "F1"


def test_precision_first_whatever_the_kind_of_the_precise_source():
    """Issue 12: a company press release's "RMB 280 billion" agrees with an aggregator's 280,044.02m within the
    rounding of both printings, so the precise printing is the value and the release stays the authority."""
    panel, conflicts, _ = choose([
        {"source_id": "C1", "kind": "company_document", "value": 280000.0, "resolution": 500.0,
         "doc_period_end": "2022-12-31", "doc_type": "press_release"},
        {"source_id": "A1", "kind": "aggregator", "value": 280044.02, "resolution": 0.005},
    ])
    row = panel.iloc[0]
    assert (row.source_id, row.value, row.precedence_source_id) == ("A1", 280044.02, "C1")
    assert conflicts.empty


def test_a_precise_value_beyond_rounding_stays_a_conflict_decided_by_precedence():
    panel, conflicts, _ = choose([
        {"source_id": "C1", "kind": "company_document", "value": 365906.4, "resolution": 0.05,
         "doc_period_end": "2024-12-31", "doc_type": "results_announcement"},
        {"source_id": "A1", "kind": "aggregator", "value": 367906.412, "resolution": 0.0005},
    ])
    assert panel.iloc[0].source_id == "C1" and panel.iloc[0].precedence_source_id == "C1"
    assert list(conflicts.other_source_id) == ["A1"]




def test_a_contradiction_among_flagged_sources_is_listed_although_nothing_is_chosen():
    panel, conflicts, _ = choose([
        {"source_id": "T0038", "kind": "aggregator", "value": 29830.0, "resolution": 5.0,
         "reliability_flag": "flagged in source ledger: contradiction"},
        {"source_id": "T0039", "kind": "aggregator", "value": 27860.0, "resolution": 5.0,
         "reliability_flag": "flagged in source ledger: contradicts"},
    ])
    assert panel.empty
    row = conflicts.iloc[0]
    assert (row.chosen_source_id, row.other_source_id, row.other_value) == ("T0038", "T0039", 27860.0)
    assert row.note.startswith("no value chosen")
