"""Entry script of rule make_tables: every table and generated paragraph of the paper and its supplement (pipe
Markdown) and _variables.yml."""
import hashlib


from corpfin import companies as C
from corpfin import markdown as M
from corpfin import narrative as N
from corpfin import provenance as P
from corpfin import supplement as S
from corpfin import tables as T
from corpfin import variables as Vars
from corpfin import vocabulary as V
from corpfin.coverage import applies_to
from corpfin.io import read_table, setup_logging, write_text, write_yaml


def sha256_of(path: str) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    i, prm = smk.input, smk.params
    years, method, currency = list(prm.years), prm.method, prm.currency
    panel, ratios, cov = read_table(i.panel), read_table(i.ratios), read_table(i.coverage)
    conf, checks = read_table(i.conflicts), read_table(i.checks)
    wacc, buildup, summary, sens = read_table(i.wacc), read_table(i.buildup), read_table(i.eva), read_table(i.sensitivity)
    trends, audit = read_table(i.trends), read_table(i.claims)
    fx, baseline, mva = read_table(i.fx), read_table(i.coverage_baseline), read_table(i.mva)
    robust, long = read_table(i.robustness), read_table(i.robustness_long)
    change, debt = read_table(i.change), read_table(i.debt_checks)
    evidence, catalogue = read_table(i.evidence), read_table(i.catalogue)
    names = dict(prm.names)
    peers = {c: {"name": names[c], "fiscal_year_end": prm.fiscal_year_ends[c], "ratios": r, "eva": e}
             for (c, r), e in zip(C.split(C.read_all(read_table, C.files_of(i.peer_ratios, names)), names).items(),
                                  C.split(C.read_all(read_table, C.files_of(i.peer_eva, names)), names).values())}
    change_cov = S.coverage_change(baseline[baseline["company"] == prm.company], cov)
    vocab = V.vocabulary(catalogue, dict(prm.series))
    axis_units, slope_units = V.series_units(dict(prm.series), ratios, catalogue, currency)
    items = P.item_titles(panel, evidence, vocab)
    titles = P.ratio_titles(ratios, items)
    fx_vars = Vars.fx_variables(fx, change_cov)
    claims_md, claims_notes, studies_md = T.claims_tables(audit)
    main_robust = robust[robust["method"].isin([method, "residual_income_adjusted"])]
    effects = N.scenario_effects(long, method)
    tables = {
        # the argument, one generated paragraph per result
        "performance": N.performance_md(ratios, panel, trends, currency,
                                         dict(prm.preferred_shares).get("last_year_end")),
        "costs": N.costs_md(ratios),
        "segments": N.segments_md(ratios, currency),
        "eva_text": N.eva_md(summary, robust, change, panel, method, currency),
        "peers_text": N.peers_md(peers, prm.company, dict(prm.peer_words)),
        "trends_text": N.trends_md(trends, float(prm.alpha)),
        "claims_text": N.claims_md(audit, names[prm.company]),
        "discussion": N.discussion_md(summary, panel, ratios, method, currency),
        "threats_choices": N.threats_choices_md(effects, currency),
        "scenario_effects": T.scenario_effect_table(effects, N.SCENARIO_WORDS),
        "threats": N.threats_md(panel, cov, trends, audit, len(names) - 1),
        "conclusion": N.conclusion_md(ratios, summary, robust, audit, trends, method,
                                        N.peer_mix_sentence(peers, prm.company, dict(prm.peer_words))),
        # the main text's tables
        "wacc": T.wacc_table(wacc, P.market_titles(read_table(i.market))),
        "eva_buildup": T.eva_buildup_table(buildup, method, years),
        "eva_methods": T.eva_method_table(summary, years, P.eva_titles(buildup, items)),
        "eva_change": T.eva_change_table(change, method),
        "eva_robustness": T.robustness_table(main_robust, long),
        "trends": (T.trend_table(trends, vocab, slope_units), T.trend_notes(trends, vocab)),
        "chow": T.chow_table(trends, vocab, list(prm.break_years)),
        "claims": claims_md, "claims_notes": claims_notes, "studies": studies_md,
        "peer_table": T.peer_table(peers, years[-1]),
        "debt_checks": T.debt_check_table(debt, vocab),
        "company_documents": P.documents_bibliography(panel, evidence, names),
        # the supplement
        "coverage": S.coverage_table(V.named(cov, vocab), years),
        "conflicts": S.conflicts_table(V.named(conf, vocab)),
        "eva_gaps": S.eva_gaps_table(summary),
        "eva_sensitivity": S.sensitivity_table(sens),
        "gaps": S.gaps_md(cov, ratios, summary, prm.gaps_top, vocab),
        "fx_estimates": S.fx_estimates_table(V.named(fx, vocab)),
        "coverage_change": S.coverage_change_md(V.named(change_cov, vocab), prm.baseline_label),
        "mva": S.mva_table(mva),
        "robustness_all": T.robustness_table(robust, long),
        "todo": S.todo_md(V.named(S.gap_list(cov, list(prm.statements)), vocab), wacc),
        "documents": M.pipe_table(P.documents_table(panel), "lllll"),
    }
    # line items the catalogue reserves for other companies (column `companies`): their ratios are not this one's
    foreign = frozenset(catalogue.loc[~applies_to(catalogue, prm.company), "item"])
    tables["identities"] = S.identity_table(checks, list(prm.identities), vocab, foreign)
    for group in ("profitability", "solvency", "operating_capacity", "growth", "profit_quality", "cost_structure",
                  "profit_model", "value_creation"):
        tables[f"ratios_{group}"] = T.ratio_table(ratios, group, years, vocab, titles, foreign)
    # where each table comes from: the rule that made it, its file, and the source rows its values rest on (the
    # supplement's stand-in for the HTML's hover provenance)
    origin = {"coverage": ("clean_panel", i.coverage), "conflicts": ("clean_panel", i.conflicts),
              "identities": ("check_identities", i.checks), "wacc": ("compute_wacc", i.wacc),
              "eva_buildup": ("compute_eva", i.buildup), "eva_methods": ("compute_eva", i.eva),
              "eva_change": ("compute_eva", i.change), "debt_checks": ("clean_panel", i.debt_checks),
              "eva_gaps": ("compute_eva", i.eva), "eva_sensitivity": ("compute_eva", i.sensitivity),
              "trends": ("run_trend_tests", i.trends), "claims": ("audit_claims", i.claims),
              "fx_estimates": ("clean_panel", i.fx), "mva": ("compute_eva", i.mva),
              "eva_robustness": ("compute_eva", i.robustness), "documents": ("clean_panel", i.panel)}
    origin.update({n: ("compute_ratios", i.ratios) for n in tables if n.startswith("ratios_")})
    tables["provenance"] = M.pipe_table(P.table_sources(origin, V.TABLE_TITLES, ratios, titles), "llll")
    # a (table, note) pair becomes two files: the note is included below the table's caption
    for name in [n for n, t in tables.items() if isinstance(t, tuple)]:
        tables[name], tables[f"{name}_notes"] = tables[name]
    # the reader's words for every code name a table carries (a test fails on any that remains)
    tables = {name: V.humanize(text, vocab) if name != "provenance" else text for name, text in tables.items()}
    paths = dict(zip(prm.tables, smk.output.tables))
    if set(paths) != set(tables):
        raise SystemExit(f"ERROR rule make_tables lists {sorted(set(paths) - set(tables))} that the script does not "
                         f"make and makes {sorted(set(tables) - set(paths))} that the rule does not list")
    for name, text in tables.items():
        write_text(paths[name], text)
    n_raw = len(evidence)
    v = Vars.variables(panel, ratios, summary, wacc, trends, conf, cov, audit, n_raw, names[prm.company],
                       method, years)
    v["currency"] = currency
    v.update(fx_vars)
    v.update(N.sourcing_mix(panel))
    v.update(Vars.front_matter(evidence, list(prm.peer_names)))
    # the build stamp: digests of the lockfile and of every raw figure (evidence.csv), not the commit, which a
    # committed reference manifest of the paper could never match
    v["build_lock"] = sha256_of(i.lock)[:12]
    v["build_inputs"] = sha256_of(i.evidence)[:12]
    v.update(Vars.cost_of_capital_choices(wacc, dict(prm.wacc), dict(prm.nopat)))
    v.update(Vars.mva_variables(mva))
    v.update(Vars.robustness_variables(robust, method))
    v["abstract"] = Vars.abstract_md(ratios, trends, summary, robust, audit, peers, method, currency,
                                     names[prm.company], prm.company)
    # values are data: in the reader's words, then written as literal Markdown text (corpfin.markdown.md_text), never
    # as markup or shortcodes
    write_yaml({k: M.md_text(V.humanize(str(x), vocab, escape=False)) for k, x in v.items()}, smk.output.variables)
    log.info("%d tables, %d variables", len(tables), len(v))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
