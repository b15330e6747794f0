"""Entry script of rule make_tables: every table of the paper (pipe Markdown) and _variables.yml."""
import pandas as pd

from xpm import report as R
from xpm.io import read_table, setup_logging, write_text, write_yaml


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    i = smk.input
    years = list(smk.params.years)
    panel, ratios, cov = read_table(i.panel), read_table(i.ratios), read_table(i.coverage)
    conf, checks = read_table(i.conflicts), read_table(i.checks)
    wacc, buildup, summary, sens = read_table(i.wacc), read_table(i.buildup), read_table(i.eva), read_table(i.sensitivity)
    trends, claims = read_table(i.trends), read_table(i.claims)
    fx, baseline, mva = read_table(i.fx), read_table(i.coverage_baseline), read_table(i.mva)
    robust, scenarios = read_table(i.robustness), read_table(i.robustness_long)
    change = R.coverage_change(baseline[baseline["company"] == smk.params.company], cov)
    n_raw = len(pd.read_csv(i.evidence, usecols=["source_id"]))
    method = smk.params.method
    src = "Source: rule `{rule}`, from `{file}`."
    tables = {
        "coverage": R.coverage_table(cov, years),
        "conflicts": R.conflicts_table(conf),
        "identities": R.identity_table(checks),
        "wacc": R.wacc_table(wacc),
        "eva_buildup": R.eva_buildup_table(buildup, method, years),
        "eva_methods": R.eva_method_table(summary, years),
        "eva_gaps": R.eva_gaps_table(summary),
        "eva_sensitivity": R.sensitivity_table(sens),
        "trends": R.trend_table(trends),
        "claims": R.claims_table(claims),
        "limitations": R.limitations_md(cov, summary, wacc, trends, claims, years),
        "fx_estimates": R.fx_estimates_table(fx),
        "coverage_change": R.coverage_change_md(change, smk.params.baseline_label),
        "mva": R.mva_table(mva),
        "eva_robustness": R.robustness_table(robust, scenarios),
        "todo": R.todo_md(R.gap_list(cov, list(smk.params.statements)), wacc),
    }
    for group in ("profitability", "solvency", "operating_capacity", "growth", "profit_quality", "cost_structure",
                  "profit_model"):
        tables[f"ratios_{group}"] = R.ratio_table(ratios, group, years)
    origin = {"coverage": ("clean_panel", i.coverage), "conflicts": ("clean_panel", i.conflicts),
              "identities": ("check_identities", i.checks), "wacc": ("compute_wacc", i.wacc),
              "eva_buildup": ("compute_eva", i.buildup), "eva_methods": ("compute_eva", i.eva),
              "eva_gaps": ("compute_eva", i.eva), "eva_sensitivity": ("compute_eva", i.sensitivity),
              "trends": ("run_trend_tests", i.trends), "claims": ("audit_claims", i.claims),
              "limitations": ("make_tables", "coverage.csv, wacc.csv, eva.csv, trend_tests.csv, claims_audit.csv"),
              "fx_estimates": ("clean_panel", i.fx),
              "coverage_change": ("make_tables", f"{i.coverage_baseline} and {i.coverage}"),
              "mva": ("compute_eva", i.mva), "eva_robustness": ("compute_eva", i.robustness),
              "todo": ("make_tables", f"{i.coverage} and {i.wacc}")}
    for name in list(tables):
        rule, file = origin.get(name, ("compute_ratios", i.ratios))
        # the provenance note goes first, so that the table ends the file and the caption that follows the
        # include in paper.qmd attaches to it (pandoc and Quarto alike)
        tables[name] = src.format(rule=rule, file=file) + "\n\n" + tables[name]
    paths = dict(zip(smk.params.names, smk.output.tables))
    assert set(paths) == set(tables), f"rule make_tables lists {sorted(paths)}, script makes {sorted(tables)}"
    for name, text in tables.items():
        write_text(paths[name], text)
    v = R.variables(panel, ratios, summary, wacc, trends, conf, cov, claims, n_raw, smk.params.company_name,
                    method, years)
    v.update(R.fx_variables(fx, change))
    v.update(R.mva_variables(mva))
    v.update(R.robustness_variables(robust, method))
    v["abstract"] = R.abstract_md(ratios, trends, summary, robust, claims, cov, method, n_raw, smk.params.company_name)
    # values are data: written as literal Markdown text (xpm.report.md_text), never as markup or shortcodes
    write_yaml({k: R.md_text(x) for k, x in v.items()}, smk.output.variables)
    log.info("%d tables, %d variables", len(tables), len(v))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
