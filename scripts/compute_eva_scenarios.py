"""Entry script of rule compute_eva_scenarios: every EVA method and year recomputed under each alternative method choice.

The scenarios (corpfin.robustness) need the cleaned panel and the market data only, not the configured WACC: they
run beside the identity checks, the WACC and the base EVA instead of after them. Rule compute_eva publishes the
two tables with the other EVA tables (data/processed/{company}/eva_robustness.csv and
eva_robustness_scenarios.csv), byte for byte.
"""
from corpfin.io import read_reference, read_table, setup_logging, write_table
from corpfin.robustness import robustness


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    panel, market = read_table(smk.input.panel), read_table(smk.input.market)
    cfg = {**dict(smk.params.eva), "sensitivity": dict(smk.params.sensitivity)}
    long, summary = robustness(panel, market, dict(smk.params.wacc), cfg, dict(smk.params.imputation),
                               list(smk.params.identities), read_reference(smk.input.catalogue))
    write_table(long, smk.output.scenarios)
    write_table(summary, smk.output.summary)
    log.info("%d scenarios; sign of EVA: %s", long["scenario"].nunique(), summary["sign"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
