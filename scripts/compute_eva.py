"""Entry script of rule compute_eva: EVA build-up of the four methods, summaries, sensitivity, MVA/EV; publishes the
robustness tables that rule compute_eva_scenarios computed beside it."""
from pathlib import Path

import pandas as pd

from corpfin.eva import METHODS, compute_eva, eva_summary, market_value_added, sensitivity
from corpfin.io import read_table, setup_logging, write_bytes, write_table


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
    write_bytes(smk.output.robustness_long, Path(smk.input.scenarios).read_bytes())
    write_bytes(smk.output.robustness, Path(smk.input.scenario_summary).read_bytes())
    mva = market_value_added(panel, market, cfg["mva"]["market_cap_item"], dict(smk.params.fx), cfg["equity_items"],
                             cfg["debt_items"], cfg["mva"]["cash_items"])
    write_table(mva, smk.output.mva)
    log.info("MVA (flagged FX estimate) computable for %s; EV for %s",
             mva.loc[mva["mva"].notna(), "fiscal_year"].tolist(),
             mva.loc[mva["enterprise_value"].notna(), "fiscal_year"].tolist())
    for m in METHODS:
        log.info("%s: EVA computable for %s", m, s.loc[(s["method"] == m) & s["eva"].notna(), "fiscal_year"].tolist())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
