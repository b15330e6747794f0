"""Issues 14 and 28: the claims audit on the built data (the abstract's sentences: tests/test_narrative.py)."""
import pandas as pd


def test_steady_rise_claim_is_audited_against_the_full_series(built):
    a = pd.read_csv(built / "data/processed/xiaomi/claims_audit.csv").set_index("claim_id")
    assert a.at["S3-10", "verdict"] == "contradicted" and "fell in FY2022" in a.at["S3-10", "reason"]
    assert a.at["S3-11", "verdict"] == "contradicted" and "FY2018" in a.at["S3-11", "reason"]
    # the IoT peak is judged on the years the study could see (to FY2023): FY2022-23 are already higher
    assert a.at["S3-01", "verdict"] == "contradicted" and "FY2024" not in a.at["S3-01", "reason"]


def test_every_seed_item_is_in_the_claims_audit(built):
    a = pd.read_csv(built / "data/processed/xiaomi/claims_audit.csv")
    per = a.groupby("study").size().to_dict()
    # the value-chain EVA study: six items; the value-network study: six and its one finding; the value co-creation
    # study: twelve statements (the conclusion on revenue and gross margin audited as two series)
    assert per == {"seed_evavaluechain": 6, "seed_valuenetwork": 7, "jin_wu_2024": 13}
    descriptions = a[a["verdict"] == "not a claim"]
    assert {"S1-02", "S2-05", "S2-06"} <= set(descriptions["claim_id"]) and (descriptions["kind"] == "description").all()
    claims = a.set_index("claim_id")
    assert claims.at["S3-12", "verdict"] == "supported"        # 17,800 R&D staff at end-2023 against "about 10,000"
    # the value-network study's finding: gross and adjusted net margin rose FY2017-FY2021, the operating margin fell
    assert claims.at["S2-07", "verdict"] == "partly supported" and "fell: operating margin" in claims.at["S2-07", "reason"]
    text = (built / "reports/_variables.yml").read_text(encoding="utf-8")
    n = (a["kind"] == "claim").sum()
    assert n == 14 and f"Of the {n} claims the three case studies make about the company" in text


# --- the four verdicts on hand-made series ---------------------------------------------------------------------
def hand_tables():
    ratios = pd.DataFrame({"ratio": ["gross_margin"] * 5 + ["operating_margin"] * 2 + ["seg_gm"] * 4,
                           "fiscal_year": [2017, 2018, 2019, 2020, 2021, 2017, 2021, 2015, 2016, 2022, 2023],
                           "value": [13.2, 12.7, 13.9, 14.9, 17.7, 10.7, 7.9, 64.4, 64.5, 71.8, 74.2],
                           "unit": "percent", "group": "profitability"})
    panel = pd.DataFrame({"item": "revenue", "period": "FY", "fiscal_year": [2015, 2016, 2017],
                          "value": [66811.0, 68434.4, 114624.7], "canonical_unit": "RMB_million", "basis": "reported"})
    return {"ratios": ratios, "panel": panel}


def claim(**fields):
    base = {"claim_id": "T-1", "check": "none", "table": "ratios", "key": "", "fiscal_year": "", "asserted": "",
            "tolerance": 0, "threshold": "", "proxy": "", "data_through": "", "reason_if_unchecked": ""}
    return pd.Series(base | fields)


def test_each_verdict_on_hand_made_series():
    from corpfin.claims import CONTRADICTED, PARTLY, SUPPORTED, UNCHECKABLE, check

    t = hand_tables()
    # two of three named ratios rose FY2017-FY2021 (13.2 -> 17.7 gross), the operating margin fell (10.7 -> 7.9)
    ours, verdict, why = check(claim(check="improves", key="gross_margin,operating_margin", fiscal_year="2017-2021"), t)
    assert verdict == PARTLY and why == "FY2017 to FY2021: rose: gross margin; fell: operating margin"
    ours, verdict, _ = check(claim(check="improves", key="gross_margin", fiscal_year="2017-2021"), t)
    assert verdict == SUPPORTED and ours == "gross margin 13.2% to 17.7%"
    # above 60 in every observed year, FY2017-FY2021 unobserved within FY2015-FY2023: partly
    ours, verdict, why = check(claim(check="all_above", key="seg_gm", threshold=60), t | {"panel": pd.DataFrame(
        {"item": "x", "period": "FY", "fiscal_year": range(2015, 2024), "value": 1.0})})
    assert verdict == PARTLY and why.endswith("no figure for FY2017, FY2018, FY2019, FY2020, FY2021")
    assert ours == "FY2015 64.4%, FY2016 64.5%, FY2022 71.8%, FY2023 74.2%"
    # a peak claimed for FY2020 at 14.9: FY2021 is higher
    _, verdict, why = check(claim(check="peak", key="gross_margin", fiscal_year="2020", asserted=14.9), t)
    assert verdict == CONTRADICTED and why == "not the peak: higher in FY2021 (17.7%)"
    # judged on the years the study could see: to FY2020, FY2020 is the peak
    _, verdict, _ = check(claim(check="peak", key="gross_margin", fiscal_year="2020", asserted=14.9,
                                data_through="2020"), t)
    assert verdict == SUPPORTED
    # revenue rose every year FY2015-FY2017
    ours, verdict, _ = check(claim(check="steady_rise", table="panel", key="revenue"), t)
    assert verdict == SUPPORTED and ours == "RMB 66,811.0 million in FY2015 to RMB 114,624.7 million in FY2017"
    # a collapse of sales in 2016 measured on revenue, which grew 2.4%: contradicted
    ours, verdict, _ = check(claim(check="decline", table="panel", key="revenue", fiscal_year="2016",
                                   proxy="revenue"), t)
    assert verdict == CONTRADICTED and ours == "2.4%"
    _, verdict, why = check(claim(check="none", reason_if_unchecked="no TV figure"), t)
    assert verdict == UNCHECKABLE and why == "no TV figure"


def test_claim_years_must_meet_the_panel():
    """A span reaching past the panel is audited where it overlaps (a shorter window keeps the claims file
    valid); a year or span wholly outside the panel is refused, naming row and column."""
    import pytest

    from corpfin.claims import check_claim_keys
    from corpfin.errors import InputError

    tables = {"panel": pd.DataFrame({"fiscal_year": [2015, 2023]}),
              "ratios": pd.DataFrame({"ratio": ["gross_margin"], "group": ["profitability"]}),
              "eva": pd.DataFrame(columns=["fiscal_year"])}
    row = {"kind": "description", "check": "none", "key": "", "table": "", "data_through": ""}
    check_claim_keys(pd.DataFrame([row | {"fiscal_year": "2015-2024"}]), tables, "claims.csv", set())
    for outside in ("2031", "2009-2013"):
        with pytest.raises(InputError, match=r"claims\.csv, row 2, column 'fiscal_year': a year outside the data"):
            check_claim_keys(pd.DataFrame([row | {"fiscal_year": outside}]), tables, "claims.csv", set())
