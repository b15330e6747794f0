"""Issue 14 (part): the abstract's directions, signs and counts come from the data; changing the data changes
the sentence."""
import pandas as pd

from corpfin.variables import abstract_md


def frames(gm_last=20.9, eva_2022=-12037.0, claims_verdicts=("supported", "contradicted")):
    ratios = pd.DataFrame({"ratio": "gross_margin", "fiscal_year": [2015, 2016, 2024], "value": [4.0, 9.0, gm_last]})
    trends = pd.DataFrame({"series": ["gross_margin"], "verdict": ["increasing" if gm_last > 4 else "decreasing"],
                           "mk_p_bh": [0.0004]})
    summary = pd.DataFrame({"method": "residual_income", "fiscal_year": [2021, 2022, 2023],
                            "eva": [8996.0, eva_2022, 2693.0]})
    robust = pd.DataFrame({"method": "residual_income", "fiscal_year": [2021, 2022, 2023], "base": summary["eva"],
                           "verdict": ["robust", "robust", "not robust"]})
    claims = pd.DataFrame({"verdict": list(claims_verdicts)})
    coverage = pd.DataFrame({"status": ["company_document", "gap", "derived", "fx_estimate"]})
    return ratios, trends, summary, robust, claims, coverage


def test_abstract_states_direction_sign_and_counts_from_the_data():
    text = abstract_md(*frames(), method="residual_income", n_raw=2368, company="Xiaomi Corporation")
    assert "gross margin rose from 4.0% in FY2015 to 20.9% in FY2024, an increasing trend" in text
    assert "positive in 2 and negative in 1 (FY2022)" in text
    assert "sign holds under every alternative method choice in 2 of 3 years" in text
    assert "1 are supported by the sourced data, 1 contradicted and 0 not checkable" in text
    assert "3 of 4 item-years have a value, of which 2 are flagged imputations" in text


def test_changed_data_change_the_sentences():
    text = abstract_md(*frames(gm_last=3.1, eva_2022=500.0, claims_verdicts=("supported",) * 3),
                       method="residual_income", n_raw=10, company="Acme")
    assert "gross margin fell from 4.0% in FY2015 to 3.1% in FY2024, a decreasing trend" in text
    assert "positive in 3" in text and "negative in" not in text
    assert "3 are supported" in text


def test_steady_rise_claim_is_audited_against_the_full_series(built):
    a = pd.read_csv(built / "data/processed/xiaomi/claims_audit.csv").set_index("claim_id")
    assert a.at["S3-10", "verdict"] == "contradicted" and "fell in FY2022" in a.at["S3-10", "reason"]
    assert a.at["S3-11", "verdict"] == "contradicted" and "FY2018" in a.at["S3-11", "reason"]
    # the IoT peak is judged on the years the study could see (to FY2023): FY2022-23 are already higher
    assert a.at["S3-01", "verdict"] == "contradicted" and "FY2024" not in a.at["S3-01", "reason"]


def test_every_seed_item_is_in_the_claims_audit(built):
    a = pd.read_csv(built / "data/processed/xiaomi/claims_audit.csv")
    per = a.groupby(a["study"].str.extract(r"seeds/(\d{3})_")[0]).size().to_dict()
    # seed 000: six items; seed 001: six; seed 002: twelve statements (the conclusion on revenue and gross margin
    # is audited as two series)
    assert per == {"000": 6, "001": 6, "002": 13}
    methods = a[a["verdict"].str.startswith("not a claim")]
    assert {"S1-02", "S2-05", "S2-06"} <= set(methods["claim_id"])
    assert a.set_index("claim_id").at["S3-12", "verdict"] == "supported"        # 17,800 R&D staff at end-2023
    text = (built / "reports/_variables.yml").read_text(encoding="utf-8")
    assert "Of the 17 quantitative claims" in text                            # method items are not counted
