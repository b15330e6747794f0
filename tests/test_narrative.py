"""Issue 28: the paper's sentences are generated from the data. Each test builds small frames by hand, states the
sentence a careful author would write from them, and changes the data to see the sentence change with it."""
import pandas as pd

from corpfin import narrative as N
from corpfin import tables as T
from corpfin.prose import possessive
from corpfin.variables import abstract_md


def eva_summary(reval_2020=13200.0, growth_2021=-14.7):
    """Three methods over FY2019-FY2022 (RMB million), the revaluation, owners' equity, growth and margins."""
    summary = pd.DataFrame({
        "method": ["residual_income_adjusted"] * 3 + ["residual_income"] * 3 + ["simple"] * 3,
        "fiscal_year": [2019, 2020, 2021] * 2 + [2020, 2021, 2022],
        "eva": [4000.0, 5000.0, 11000.0, 3000.0, 12000.0, 9000.0, 2500.0, -6000.0, 3800.0]})
    panel = pd.DataFrame({"period": "FY", "item": ["fv_changes_investments_fvtpl"] * 2 + ["equity_attributable_owners"] * 2,
                          "fiscal_year": [2019, 2020, 2017, 2018], "value": [3800.0, reval_2020, -127270.0, 50000.0]})
    ratios = pd.DataFrame({"ratio": ["revenue_growth"] * 2 + ["gross_margin"] * 3,
                           "fiscal_year": [2021, 2022, 2020, 2021, 2022],
                           "value": [growth_2021, -3.2, 17.7, 17.0, 21.2]})
    return summary, panel, ratios


def test_discussion_reads_the_revaluation_the_negative_year_and_the_pre_listing_capital():
    summary, panel, ratios = eva_summary()
    text = N.discussion_md(summary, panel, ratios, "simple", "RMB")
    # reported - adjusted: FY2019 -1,000, FY2020 +7,000, FY2021 -2,000 (the largest shortfall)
    assert ("Residual income on reported profit is above that on adjusted profit in FY2020, when the revaluation of "
            "investments added RMB 13.2 billion before tax; below it in FY2019 and FY2021, by up to RMB 2.0 billion "
            "(FY2021): there the other adjustments") in text
    # the reported measure peaks in FY2020 (12,000), the adjusted one in FY2021 (11,000)
    assert ("Read on reported profit, the best year for the owners is FY2020, a year of revaluation; read on adjusted "
            "profit it is FY2021.") in text
    assert ("**The negative year.** Entity EVA is negative in FY2021, the year revenue fell by 14.7% and the gross "
            "margin fell to 17.0%; it is positive again in FY2022, with revenue still falling (\u22123.2%) and the "
            "gross margin at 21.2%.") in text
    assert "Book equity attributable to owners was negative in FY2017, because the convertible" in text


def test_changed_data_change_the_discussion():
    summary, panel, ratios = eva_summary(reval_2020=-500.0, growth_2021=5.0)
    text = N.discussion_md(summary, panel, ratios, "simple", "RMB")
    # a revaluation loss explains no excess of the reported measure, and no best year is blamed on it
    assert "above that on adjusted profit in FY2020; below it" in text and "revaluation of investments added" not in text
    assert "a year of revaluation" not in text
    assert "the year revenue grew by 5.0%" in text and "with revenue falling (\u22123.2%)" in text


def scenario_grid():
    """A base and two scenarios of entity EVA (RMB million) over two years."""
    return pd.DataFrame({"method": "simple", "fiscal_year": [2020, 2021] * 3,
                         "scenario": ["base"] * 2 + ["nopat_route"] * 2 + ["tax_effective"] * 2,
                         "eva": [100.0, 2000.0, -50.0, 1900.0, 120.0, 2010.0]})


def test_scenario_effects_give_the_largest_move_its_year_and_the_flipped_signs():
    e = N.scenario_effects(scenario_grid(), "simple")
    # nopat_route: |-50-100| = 150 in FY2020 (sign flipped), |1900-2000| = 100; tax_effective: 20 and 10
    assert e.to_dict("records") == [
        {"scenario": "nopat_route", "largest_move": 150.0, "year": 2020, "flips": [2020], "years": 2},
        {"scenario": "tax_effective", "largest_move": 20.0, "year": 2020, "flips": [], "years": 2}]
    text = N.threats_choices_md(e, "RMB")
    assert "Only NOPAT from operating profit flips the sign of any year." in text
    # 20 < half the text's step of RMB 0.1 billion: the effective tax rate does not show in the text
    assert "The effective tax rate moves entity EVA by less than RMB 50 million in every year." in text
    table = T.scenario_effect_table(e, N.SCENARIO_WORDS)
    assert "| NOPAT from operating profit | 150 | 2020 | FY2020 | 2 |" in table
    assert "| The effective tax rate | 20 | 2020 | no year | 2 |" in table


def test_without_a_flip_the_threats_say_so():
    grid = scenario_grid()
    grid.loc[grid["scenario"] == "nopat_route", "eva"] = [90.0, 1990.0]
    text = N.threats_choices_md(N.scenario_effects(grid, "simple"), "RMB")
    assert "No alternative flips the sign of any year." in text
    assert "The effective tax rate and NOPAT from operating profit move entity EVA by less than RMB 50 million" in text


def audit(verdicts):
    return pd.DataFrame({"kind": ["claim"] * len(verdicts) + ["description"], "verdict": list(verdicts) + ["not a claim"]})


def test_conclusion_answers_the_three_questions():
    ratios = pd.DataFrame({"ratio": ["gross_margin"] * 2 + ["segment_gross_profit_share_internet_services"] * 2,
                           "fiscal_year": [2015, 2024] * 2, "value": [4.0, 20.9, 77.0, 34.1]})
    summary = pd.DataFrame({"method": "simple", "fiscal_year": [2022, 2023, 2024], "eva": [-6.0, 3.0, 15.0]})
    robust = pd.DataFrame({"method": "simple", "fiscal_year": [2022, 2023, 2024],
                           "verdict": ["robust", "not robust", "robust"]})
    trends = pd.DataFrame({"series": ["gross_margin"], "verdict": ["increasing"], "mk_p_bh": [0.0005]})
    text = N.conclusion_md(ratios, summary, robust, audit(["supported", "supported", "contradicted",
                                                            "not checkable"]), trends, "simple")
    assert ("The gross margin rose from 4.0% in FY2015 to 20.9% in FY2024, an increasing trend (exact Mann-Kendall "
            "test, BH-adjusted p = 0.0005).") in text
    assert "computable on sourced data for three years (FY2022–FY2024), positive in two" in text
    assert "survives every choice of the robustness grid in FY2022 and FY2024" in text
    assert "fell from 77.0% in FY2015 to 34.1% in FY2024; the hardware segments now earn the other 65.9%." in text
    assert ("Of four claims about the company, two are supported, one contradicted and one not checkable with what "
            "the sources print.") in text
    ratios.loc[ratios["value"] == 34.1, "value"] = 61.0
    assert "internet services still earn most of it" in N.conclusion_md(
        ratios, summary, robust, audit(["supported"]), trends, "simple")


def peers(apple_roe=157.4, samsung_2022=37.0):
    def ratios(rows):
        return pd.DataFrame(rows, columns=["ratio", "fiscal_year", "value"])
    eva = pd.DataFrame({"method": "simple", "fiscal_year": [2023, 2024], "eva": [1.0, 2.0], "eva_spread": [2.1, 7.4]})
    return {
        "xiaomi": {"name": "Xiaomi Corporation", "ratios": ratios([
            ("gross_margin", 2021, 17.7), ("gross_margin", 2022, 17.0), ("gross_margin", 2024, 20.9),
            ("rd_intensity", 2024, 6.6), ("services_gross_profit_share", 2015, 77.0),
            ("services_gross_profit_share", 2024, 34.1)]), "eva": eva},
        "apple": {"name": "Apple Inc.", "ratios": ratios([
            ("gross_margin", 2024, 46.2), ("rd_intensity", 2024, 8.0), ("roe", 2024, apple_roe),
            ("services_gross_profit_share", 2017, 20.4), ("services_gross_profit_share", 2024, 39.3)]),
            "eva": eva.assign(eva_spread=[45.0, 50.2])},
        "samsung": {"name": "Samsung Electronics", "ratios": ratios([
            ("gross_margin", 2021, 40.0), ("gross_margin", 2022, samsung_2022), ("gross_margin", 2024, 38.0),
            ("rd_intensity", 2024, 11.6)]), "eva": eva.iloc[0:0]}}


WORDS = {"similar_share_pp": 10, "book_equity_roe_bound": 100}


def test_peer_paragraph_ranks_and_compares_from_the_data():
    text = N.peers_md(peers(), "xiaomi", WORDS)
    assert ("Xiaomi Corporation\u2019s gross margin (20.9% in FY2024) is below those of Apple Inc. and Samsung "
            "Electronics, each in its own latest fiscal year.") in text
    # 34.1 against 39.3: 5.2 points apart, within the configured 10
    assert ("Xiaomi Corporation\u2019s fell from 77.0% in FY2015 to 34.1% in FY2024, Apple Inc.\u2019s rose from 20.4% "
            "in FY2017 to 39.3% in FY2024; the two now earn a similar part") in text
    assert "spends 6.6% of revenue on R&D, the lowest of the three companies with a sourced figure" in text
    assert "In FY2022 Xiaomi Corporation\u2019s gross margin fell, and so did Samsung Electronics\u2019:" in text
    assert "its book equity, reduced by share buybacks, is small (ROE 157.4% in FY2024)" in text


def test_changed_peer_data_change_the_paragraph():
    text = N.peers_md(peers(apple_roe=40.0, samsung_2022=41.0), "xiaomi", WORDS | {"similar_share_pp": 5})
    assert "so did no peer\u2019s" in text and "shared across the industry" not in text
    assert "share buybacks" not in text                      # ROE 40% is below the configured bound of 100%
    assert "they remain far apart" in text                   # 5.2 points apart, the bound now 5


def test_possessive_is_typographic_and_follows_a_final_s():
    assert possessive("Apple Inc.") == "Apple Inc.\u2019s" and possessive("Samsung Electronics") == \
        "Samsung Electronics\u2019"


def abstract_frames(gm_last=20.9, eva_2022=-6453.7):
    ratios = pd.DataFrame({"ratio": ["gross_margin"] * 2 + ["segment_gross_profit_share_internet_services"] * 2
                           + ["segment_gross_margin_smartphones"] * 2,
                           "fiscal_year": [2015, 2024, 2015, 2024, 2017, 2024],
                           "value": [4.0, gm_last, 77.0, 34.1, 8.8, 12.6]})
    trends = pd.DataFrame({"series": ["gross_margin"], "verdict": ["increasing" if gm_last > 4 else "decreasing"],
                           "mk_p_bh": [0.0005]})
    summary = pd.DataFrame({"method": "simple", "fiscal_year": [2022, 2023, 2024], "eva": [eva_2022, 3844.9, 15529.4]})
    robust = pd.DataFrame({"method": "simple", "fiscal_year": [2022, 2023, 2024], "base": summary["eva"],
                           "verdict": ["robust", "not robust", "robust"]})
    return ratios, trends, summary, robust


def test_abstract_states_direction_sign_and_counts_from_the_data():
    ratios, trends, summary, robust = abstract_frames()
    text = abstract_md(ratios, trends, summary, robust, audit(["supported", "partly supported", "contradicted"]),
                       peers(), "simple", "RMB", "Xiaomi Corporation", "xiaomi")
    assert ("Xiaomi Corporation\u2019s gross margin rose from 4.0% in FY2015 to 20.9% in FY2024, an increasing trend "
            "by the exact Mann-Kendall test (BH-adjusted p = 0.0005).") in text
    assert ("fell from 77.0% in FY2015 to 34.1% in FY2024, while the smartphone gross margin rose from 8.8% in FY2017 "
            "to 12.6%.") in text
    assert ("Entity EVA, on profit cleaned of the revaluation of investments, is positive in two years of three "
            "(FY2022–FY2024) and negative in FY2022; its sign survives every choice of the cost of capital and of the "
            "accounting in FY2022 and FY2024, while in FY2023 a thin spread makes it depend on the choice; in FY2024 "
            "it was RMB 15.5 billion.") in text
    assert "Apple Inc.\u2019s services share of gross profit rose from 20.4% in FY2017 to 39.3% in FY2024, the other way." in text
    assert ("Of the three claims the three case studies make about the company, one is supported by the sourced "
            "figures, one partly and one contradicted.") in text


def test_changed_data_change_the_abstract():
    ratios, trends, summary, robust = abstract_frames(gm_last=3.1, eva_2022=500.0)
    text = abstract_md(ratios, trends, summary, robust, audit(["supported"] * 3), {}, "simple", "RMB", "Acme", "acme")
    assert "gross margin fell from 4.0% in FY2015 to 3.1% in FY2024, a decreasing trend" in text
    assert "positive in three years of three" in text and "negative in" not in text
    assert "three are supported by the sourced figures." in text and "Apple" not in text
    assert "Of one claim about the company, none is supported and one contradicted." in N.conclusion_md(
        ratios, summary, robust, audit(["contradicted"]), trends, "simple")


def test_a_half_filled_new_year_never_prints_a_dash_in_a_sentence():
    """A new fiscal year with revenue but no gross margin yet: the sentence ends at the last year with a value."""
    ratios = pd.DataFrame({"ratio": ["gross_margin"] * 3, "fiscal_year": [2015, 2024, 2025],
                           "value": [4.0, 20.9, float("nan")]})
    panel = pd.DataFrame({"period": "FY", "item": "revenue", "fiscal_year": [2015, 2024, 2025],
                          "value": [66811.0, 365906.4, 400000.0]})
    trends = pd.DataFrame({"series": ["gross_margin"], "verdict": ["increasing"], "mk_p_bh": [0.0005]})
    text = N.performance_md(ratios, panel, trends, "RMB")
    assert "The gross margin rose from 4.0% in FY2015 to 20.9% in FY2024" in text
    assert "Revenue grew from RMB 66.8 billion in FY2015 to RMB 400.0 billion in FY2025" in text
    assert "–" not in text and "nan" not in text.lower()


def test_the_claims_audit_opens_with_its_counts_or_says_there_is_nothing_to_audit():
    text = N.claims_md(audit(["supported", "contradicted", "contradicted"]), "Xiaomi Corporation")
    assert text.startswith("Of the studies' statements, three claims about the company are judged here: one is "
                           "supported and two contradicted;")
    assert text.endswith("The other item describes what a study analysed; it is not a claim, and the second table "
                         "lists it with what this rebuild computed.\n")
    empty = audit([]).iloc[0:0]
    assert N.claims_md(empty, "Acme") == ("The three case studies are about another company: none of their statements "
                                          "is audited against Acme's figures.\n")


def test_the_conclusion_sets_where_value_is_created_beside_the_peer():
    # 34.1 against 39.3: within 10 points, from opposite directions
    assert N.peer_mix_sentence(peers(), "xiaomi", WORDS) == (
        "Apple Inc.\u2019s services share of gross profit rose from 20.4% to 39.3% over FY2017\u2013FY2024, so the two "
        "companies now earn a similar part of their gross profit from services, having come from opposite ends.")
    assert "still differ" in N.peer_mix_sentence(peers(), "xiaomi", WORDS | {"similar_share_pp": 5})
    assert N.peer_mix_sentence({"xiaomi": peers()["xiaomi"]}, "xiaomi", WORDS) == ""


def test_solvency_sets_the_preferred_share_years_apart_and_names_the_liquidity_years():
    years = list(range(2015, 2025))
    da = [None, 281.34, 241.549, 50.94, 55.54, 51.0, 53.08, 47.38, 49.34, 53.07]
    cr = {2022: 1.79, 2023: 1.72, 2024: 1.29}
    ratios = pd.DataFrame(
        [{"ratio": "debt_to_assets", "fiscal_year": y, "value": v} for y, v in zip(years, da)]
        + [{"ratio": "current_ratio", "fiscal_year": y, "value": v} for y, v in cr.items()]
        + [{"ratio": "gross_margin", "fiscal_year": y, "value": 10.0} for y in years])
    assert N._solvency(ratios, 2017) == (
        "Debt to assets stayed between 47.4% and 55.5% from FY2018 to FY2024, after 281.3% in FY2016 and 241.5% in "
        "FY2017, when the preferred shares issued before the listing were carried as liabilities; the current ratio "
        "needs current assets and liabilities, which the sources print for FY2022\u2013FY2024 only (1.29 in FY2024).")
    # a company without preferred shares and with liquidity sourced every year: both as paths
    full = ratios[ratios["ratio"] != "current_ratio"]
    full = pd.concat([full, pd.DataFrame({"ratio": "current_ratio", "fiscal_year": years, "value": [1.5] * 9 + [1.2]})])
    assert N._solvency(full[full["fiscal_year"] >= 2018], None) == (
        "Debt to assets stayed between 47.4% and 55.5% from FY2018 to FY2024; the current ratio fell from 1.50 in "
        "FY2018 to 1.20 in FY2024.")


def test_imputed_points_are_fiscal_years_with_their_marks():
    from corpfin.markdown import imputed_points

    assert imputed_points("2019:fx_estimate 2023:carried+derived") == "FY2019\u2020, FY2023\u2021\u00a7"
    assert imputed_points("") == "\u2013"


def test_a_sentence_opening_with_a_number_is_found_and_a_name_or_a_list_is_not():
    from corpfin.prose import sentences_opening_with_a_number as found

    assert found("**Measurement.** 660 of the 790 panel values come from third parties. It is so.") == [
        "660 of the 790 panel values come from third parties."]
    assert found("Revenue fell. \u22126.5% was the change.\n") == ["\u22126.5% was the change."]
    assert found("**Measurement.** Of the 790 panel values, 660 come from third parties.") == []
    assert found("3M spends 5.6% of revenue on R&D.\n1. Do the findings hold?\n| 2015 | 4.0 |") == []


def test_no_generated_paragraph_of_the_paper_opens_a_sentence_with_a_number(built):
    from corpfin.prose import sentences_opening_with_a_number as found

    texts = ["performance", "costs", "segments", "eva_text", "peers_text", "trends_text", "claims_text", "discussion",
             "threats", "conclusion"]
    bad = {t: found((built / f"reports/tables/{t}.md").read_text(encoding="utf-8")) for t in texts}
    assert not {t: b for t, b in bad.items() if b}
