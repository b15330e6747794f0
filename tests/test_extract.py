"""Raw extract validation: unit scaling, signs, and every kind of bad input named in the issues."""
import pandas as pd
import pytest

from conftest import FIG_HEADER, SRC_HEADER, src_row
from corpfin.errors import InputError
from corpfin.extract import validate_extract


def run(fig_rows, src_rows=None, *, year=2019, first=2015, catalogue=None, units=None, fig_text=None, src_text=None):
    fig = fig_text if fig_text is not None else FIG_HEADER + "\n" + "\n".join(fig_rows) + "\n"
    src = src_text if src_text is not None else SRC_HEADER + "\n" + "\n".join(src_rows or [src_row("S1")]) + "\n"
    return validate_extract(fig, src, figures_file="fy/figures.csv", sources_file="fy/sources.csv",
                            company="acme", year=year, first_year=first, last_year=year,
                            items=catalogue, units=units)


@pytest.fixture
def v(catalogue, units):
    return lambda *a, **k: run(*a, catalogue=catalogue, units=units, **k)


def test_units_are_scaled_to_rmb_million_and_expenses_to_magnitudes(v):
    ev = v(["acme,2019,FY,revenue,205838682,RMB_thousand,,S1",
            "acme,2019,FY,cost_of_sales,(177284649),RMB_thousand,,S2",
            "acme,2019,FY,gross_profit,285.54,RMB_100million,,S3",
            "acme,2019,FY,rd_expenses,7.5,RMB_billion,,S4",
            "acme,2019,FY,smartphone_shipments,1.246,100million_units,,S5",
            "acme,2019,FY,eps_basic,42.3,RMB_fen(分),,S6"],
           [src_row(s) for s in ("S1", "S2", "S3", "S4", "S5", "S6")])
    got = dict(zip(ev["item"], ev["value"]))
    assert got["revenue"] == pytest.approx(205838.682)
    assert got["cost_of_sales"] == pytest.approx(177284.649)  # parentheses -> negative -> expense magnitude
    assert got["gross_profit"] == pytest.approx(28554.0)
    assert got["rd_expenses"] == pytest.approx(7500.0)
    assert got["smartphone_shipments"] == pytest.approx(124.6)
    assert got["eps_basic"] == pytest.approx(0.423)
    assert ev.set_index("item").at["cost_of_sales", "sign_normalised"]
    assert set(ev["canonical_unit"]) == {"RMB_million", "million_units", "RMB_per_share"}
    assert ev.set_index("item").at["revenue", "raw_row"] == 2


def test_hkd_rows_are_kept_with_their_currency_not_converted(v):
    ev = v(["acme,2019,FY,total_assets,91341.90,HKD_million,,S1"])
    assert ev.loc[0, "currency"] == "HKD" and ev.loc[0, "canonical_unit"] == "HKD_million"


def test_comparatives_of_earlier_years_are_accepted(v):
    ev = v(["acme,2018,FY,revenue,174915.4,RMB_million,,S1"])
    assert ev.loc[0, "fiscal_year"] == 2018


BAD = [
    ("ragged row", ["acme,2019,FY,revenue,1,RMB_million,,S1,extra"], r"row 2.*ragged row: 9 fields; expected 8"),
    ("unquoted thousands", ["acme,2019,FY,revenue,205,838,682,RMB_million,,S1"], r"ragged row: 10 fields \(an unquoted thousands"),
    ("non-numeric", ["acme,2019,FY,revenue,abc,RMB_million,,S1"], r"row 2, column 'value'.*not a number.*'abc'"),
    ("thousands separator", ['acme,2019,FY,revenue,"205,838.7",RMB_million,,S1'], r"column 'value'.*thousands separator"),
    ("unknown item", ["acme,2019,FY,revenu,1,RMB_million,,S1"], r"column 'item'.*unknown item.*'revenu'"),
    ("unknown unit", ["acme,2019,FY,revenue,1,EUR_million,,S1"], r"column 'unit'.*unknown unit for a money item.*RMB_million"),
    ("unit of another quantity", ["acme,2019,FY,revenue,1,million_units,,S1"], r"column 'unit'.*unknown unit"),
    ("row without a source", ["acme,2019,FY,revenue,1,RMB_million,,"], r"column 'source_id'.*row without a source"),
    ("unknown source", ["acme,2019,FY,revenue,1,RMB_million,,S9"], r"source_id not found.*'S9'"),
    ("year outside the config", ["acme,2012,FY,revenue,1,RMB_million,,S1"], r"column 'fiscal_year'.*outside the configured range.*2015-2019"),
    ("year after the extract", ["acme,2020,FY,revenue,1,RMB_million,,S1"], r"outside the configured range.*found 2020"),
    ("another company", ["other,2019,FY,revenue,1,RMB_million,,S1"], r"column 'company'.*another company"),
    ("bad period", ["acme,2019,FY2,revenue,1,RMB_million,,S1"], r"column 'period'.*unknown period"),
    ("duplicate contradictory", ["acme,2019,FY,revenue,1,RMB_million,,S1", "acme,2019,FY,revenue,2,RMB_million,,S1"],
     r"row 3.*duplicate row from the same source with a different value \(row 2 gives 1\)"),
]


@pytest.mark.parametrize("name,rows,pattern", BAD, ids=[b[0] for b in BAD])
def test_bad_rows_are_refused_with_file_row_column_expected(v, name, rows, pattern):
    with pytest.raises(InputError, match=pattern) as exc:
        v(rows)
    assert str(exc.value).startswith("fy/figures.csv")


def test_identical_duplicate_rows_are_collapsed(v):
    ev = v(["acme,2019,FY,revenue,1,RMB_million,,S1", "acme,2019,FY,revenue,1,RMB_million,,S1"])
    assert len(ev) == 1


@pytest.mark.parametrize("text,pattern", [
    ("\ufeff" + FIG_HEADER + "\nacme,2019,FY,revenue,1,RMB_million,,S1\n", r"row 1.*byte-order mark"),
    (FIG_HEADER.replace(",", ";") + "\nacme;2019;FY;revenue;1;RMB_million;;S1\n", r"header does not match \(the file uses ';'"),
    ("", r"file is empty"),
    (FIG_HEADER + "\n", r"no data rows"),
    ("company,year,item,value\nacme,2019,revenue,1\n", r"row 1.*header does not match"),
])
def test_malformed_csv_files_are_refused(v, text, pattern):
    with pytest.raises(InputError, match=pattern):
        v(None, fig_text=text)


@pytest.mark.parametrize("row,pattern", [
    ('S1,rumour,Doc,,https://x,"q",,,,', r"sources.csv, row 2, column 'kind'.*unknown kind"),
    ('S1,news,Doc,,,"q",,,,', r"column 'url'.*source without url"),
    ('S1,news,Doc,,https://x,,,,,', r"column 'evidence'.*source without evidence"),
    ('S1,company_document,Doc,,https://x,"q",,,,', r"needs the period it reports on"),
])
def test_bad_sources_are_refused(v, row, pattern):
    with pytest.raises(InputError, match=pattern):
        v(["acme,2019,FY,revenue,1,RMB_million,,S1"], [row])


def test_duplicate_source_ids_are_refused(v):
    with pytest.raises(InputError, match=r"row 3, column 'source_id'.*duplicate source_id \(first on row 2\)"):
        v(["acme,2019,FY,revenue,1,RMB_million,,S1"], [src_row("S1"), src_row("S1")])


def test_every_ledger_item_and_unit_is_catalogued(catalogue, units, root):
    """The real raw extracts only use catalogued items and units that fit the item's quantity."""
    import glob
    figs = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False)
                      for f in glob.glob(str(root / "data/raw/*/*/figures.csv"))])
    assert set(figs["item"]) <= set(catalogue["item"])
    q = figs.merge(catalogue[["item", "quantity"]], on="item")
    pairs = set(zip(units["unit"], units["quantity"]))
    assert all((u, qq) in pairs for u, qq in zip(q["unit"], q["quantity"]))
