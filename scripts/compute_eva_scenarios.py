"""Entry script of rule compute_eva_scenarios: every EVA method and year recomputed under each alternative method choice.

The scenarios (corpfin.robustness) need the cleaned panel and the market data only, not the configured WACC: they
run beside the identity checks, the WACC and the base EVA instead of after them. Rule compute_eva publishes the
two tables with the other EVA tables (data/processed/<company>/eva_robustness.csv and
eva_robustness_scenarios.csv), byte for byte.
"""
from corpfin import companies as C
from corpfin.io import read_reference, read_table, setup_logging, write_table
from corpfin.robustness import robustness


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    settings = dict(smk.params.companies)
    panel = C.read_all(read_table, C.files_of(smk.input.panel, settings))
    market, catalogue = read_table(smk.input.market), read_reference(smk.input.catalogue)
    outs = {name: C.files_of(getattr(smk.output, name), settings) for name in ("scenarios", "summary")}
    for s, names in C.groups(settings):
        own = panel[panel["company"].isin(names)]
        if s["wacc"].get("risk_free"):
            long, summary = robustness(own, market, dict(s["wacc"]), dict(s["eva"]), dict(smk.params.imputation),
                                       list(smk.params.identities), catalogue, dict(smk.params.fx), s["currency"])
        else:       # a company without market inputs has no WACC and no EVA to vary
            long, summary = robustness(own.iloc[0:0], market, dict(s["wacc"]), dict(s["eva"]),
                                       dict(smk.params.imputation), list(smk.params.identities), catalogue,
                                       dict(smk.params.fx), s["currency"])
        parts = {"scenarios": C.split(long, names), "summary": C.split(summary, names)}
        for company in names:
            write_table(parts["scenarios"][company], outs["scenarios"][company])
            write_table(parts["summary"][company], outs["summary"][company])
            log.info("%s: %d scenarios; verdicts: %s", company, parts["scenarios"][company]["scenario"].nunique(),
                     parts["summary"][company]["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
