"""Entry script of rule make_tables: every table of the paper (pipe Markdown) and _variables.yml."""
import hashlib

import pandas as pd

from corpfin import narrative as N
from corpfin import provenance as P
from corpfin import markdown as M
from corpfin import tables as T
from corpfin import variables as Vars
from corpfin import vocabulary as V
from corpfin.io import read_table, setup_logging, write_text, write_yaml


def sha256_of(path: str) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


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
    change = T.coverage_change(baseline[baseline["company"] == smk.params.company], cov)
    method = smk.params.method
    vocab = V.vocabulary(read_table(i.catalogue), dict(smk.params.series))
    evidence = read_table(i.evidence)
    items = P.item_titles(panel, evidence, vocab)

    def named(frame: pd.DataFrame) -> pd.DataFrame:
        return V.named(frame, vocab)

    titles = P.ratio_titles(ratios, items)
    tables = {
        "coverage": T.coverage_table(named(cov), years),
        "conflicts": T.conflicts_table(named(conf)),
        "identities": T.identity_table(checks),
        "wacc": T.wacc_table(wacc, P.market_titles(read_table(i.market))),
        "eva_buildup": T.eva_buildup_table(buildup, method, years),
        "eva_methods": T.eva_method_table(summary, years, P.eva_titles(buildup, items)),
        "eva_gaps": T.eva_gaps_table(summary),
        "eva_sensitivity": T.sensitivity_table(sens),
        "trends": (T.trend_table(trends, vocab), T.trend_notes(trends, vocab)),
        "claims": T.claims_table(claims),
        "gaps": T.gaps_md(cov, ratios, summary, smk.params.gaps_top, vocab),
        "fx_estimates": T.fx_estimates_table(named(fx)),
        "coverage_change": T.coverage_change_md(named(change), smk.params.baseline_label),
        "mva": T.mva_table(mva),
        "eva_robustness": T.robustness_table(robust, scenarios),
        "todo": T.todo_md(named(T.gap_list(cov, list(smk.params.statements))), wacc),
        "documents": M.pipe_table(P.documents_table(panel), "lllll"),
        "company_documents": M.pipe_table(P.company_documents(panel), "llr"),
    }
    findings = dict(smk.params.findings)
    N.check_findings(findings, claims)
    for section, ids in findings.items():
        tables[f"findings_{section}"] = N.study_findings(claims, ids)
    fx_vars = Vars.fx_variables(fx, change)
    tables["discussion"] = N.discussion_md(panel, ratios, summary, method, years)
    tables["threats"] = N.threats_md(cov, panel, fx_vars, trends, claims, method, summary)
    tables["conclusion"] = N.conclusion_md(ratios, summary, claims, trends, method, years)
    for group in ("profitability", "solvency", "operating_capacity", "growth", "profit_quality", "cost_structure",
                  "profit_model"):
        tables[f"ratios_{group}"] = T.ratio_table(ratios, group, years, vocab, titles)
    # where each table comes from: the rule that made it, its file, and the source rows its values rest on (the
    # PDF's and DOCX's stand-in for the HTML's hover provenance); an appendix, never the main text
    origin = {"coverage": ("clean_panel", i.coverage), "conflicts": ("clean_panel", i.conflicts),
              "identities": ("check_identities", i.checks), "wacc": ("compute_wacc", i.wacc),
              "eva_buildup": ("compute_eva", i.buildup), "eva_methods": ("compute_eva", i.eva),
              "eva_gaps": ("compute_eva", i.eva), "eva_sensitivity": ("compute_eva", i.sensitivity),
              "trends": ("run_trend_tests", i.trends), "claims": ("audit_claims", i.claims),
              "gaps": ("make_tables", i.coverage), "fx_estimates": ("clean_panel", i.fx),
              "coverage_change": ("make_tables", i.coverage_baseline), "mva": ("compute_eva", i.mva),
              "eva_robustness": ("compute_eva", i.robustness), "todo": ("make_tables", i.coverage),
              "documents": ("clean_panel", i.panel), "company_documents": ("clean_panel", i.panel)}
    origin.update({n: ("compute_ratios", i.ratios) for n in tables if n.startswith("ratios_")})
    tables["provenance"] = M.pipe_table(P.table_sources(origin, V.TABLE_TITLES, ratios, titles), "llll")
    # a (table, note) pair becomes two files: the note is included below the table's caption in paper.qmd
    for name in [n for n, t in tables.items() if isinstance(t, tuple)]:
        tables[name], tables[f"{name}_notes"] = tables[name]
    # the reader's words for every code name a table carries (a test fails on any that remains)
    tables = {name: V.humanize(text, vocab) if name != "provenance" else text for name, text in tables.items()}
    n_raw = len(evidence)
    paths = dict(zip(smk.params.names, smk.output.tables))
    assert set(paths) == set(tables), f"rule make_tables lists {sorted(paths)}, script makes {sorted(tables)}"
    for name, text in tables.items():
        write_text(paths[name], text)
    v = Vars.variables(panel, ratios, summary, wacc, trends, conf, cov, claims, n_raw, smk.params.company_name,
                    method, years)
    v.update(fx_vars)
    v.update(N.sourcing_mix(panel))
    # the build stamp: digests of the lockfile and of every raw figure (evidence.csv), not the commit, which a
    # committed reference manifest of the paper could never match
    v["build_lock"] = sha256_of(i.lock)[:12]
    v["build_inputs"] = sha256_of(i.evidence)[:12]
    v.update(Vars.mva_variables(mva))
    v.update(Vars.robustness_variables(robust, method))
    v["abstract"] = Vars.abstract_md(ratios, trends, summary, robust, claims, cov, method, n_raw, smk.params.company_name)
    # values are data: in the reader's words, then written as literal Markdown text (corpfin.markdown.md_text), never as
    # markup or shortcodes
    write_yaml({k: M.md_text(V.humanize(str(x), vocab, escape=False)) for k, x in v.items()}, smk.output.variables)
    log.info("%d tables, %d variables", len(tables), len(v))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
