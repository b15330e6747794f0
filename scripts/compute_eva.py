"""Entry script of rule compute_eva: EVA build-up of the four methods, summaries, sensitivity, robustness, MVA/EV."""
import pandas as pd

from xpm.eva import METHODS, compute_eva, eva_summary, market_value_added, sensitivity
from xpm.io import read_reference, read_table, setup_logging, write_table
from xpm.robustness import robustness


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    panel, market, wacc = read_table(smk.input.panel), read_table(smk.input.market), read_table(smk.input.wacc)
    cfg = {**dict(smk.params.eva), "sensitivity": dict(smk.params.sensitivity)}
    b = compute_eva(panel, market, wacc, cfg)
    s = pd.concat([eva_summary(b, m) for m in METHODS], ignore_index=True)
    s.insert(3, "headline", s["method"] == cfg["method"])
    write_table(b, smk.output.buildup)
    write_table(s, smk.output.summary)
    write_table(sensitivity(panel, market, wacc, cfg, b), smk.output.sensitivity)
    long, summary = robustness(panel, market, dict(smk.params.wacc), cfg, dict(smk.params.imputation),
                               list(smk.params.identities), read_reference(smk.input.catalogue))
    write_table(long, smk.output.robustness_long)
    write_table(summary, smk.output.robustness)
    mva = market_value_added(panel, market, cfg["mva"]["market_cap_item"], dict(smk.params.fx), cfg["equity_items"],
                             cfg["debt_items"], cfg["mva"]["cash_items"])
    write_table(mva, smk.output.mva)
    log.info("MVA (flagged FX estimate) computable for %s; EV for %s",
             mva.loc[mva["mva"].notna(), "fiscal_year"].tolist(),
             mva.loc[mva["enterprise_value"].notna(), "fiscal_year"].tolist())
    for m in METHODS:
        log.info("%s: EVA computable for %s", m, s.loc[(s["method"] == m) & s["eva"].notna(), "fiscal_year"].tolist())
    log.info("sign of EVA: %s", summary["sign"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
