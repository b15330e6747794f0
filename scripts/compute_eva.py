"""Entry script of rule compute_eva: EVA build-up of the four methods, summaries, sensitivity, MVA/EV, per company;
publishes the robustness tables that rule compute_eva_scenarios computed beside it."""
from pathlib import Path

import pandas as pd

from corpfin import companies as C
from corpfin.eva import METHODS, compute_eva, eva_change, eva_summary, sensitivity
from corpfin.market_value import market_value_added
from corpfin.io import read_table, setup_logging, write_bytes, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    settings = dict(smk.params.companies)
    panel = C.read_all(read_table, C.files_of(smk.input.panel, settings))
    wacc = C.read_all(read_table, C.files_of(smk.input.wacc, settings))
    market = read_table(smk.input.market)
    out = {name: C.files_of(getattr(smk.output, name), settings)
           for name in ("buildup", "summary", "change", "sensitivity", "robustness", "robustness_long", "mva")}
    scenarios = {name: C.files_of(getattr(smk.input, name), settings) for name in ("scenarios", "scenario_summary")}
    for eva_cfg, names in C.groups(settings, "eva"):
        cfg = {**dict(eva_cfg), "sensitivity": dict(smk.params.sensitivity)}
        p, w = panel[panel["company"].isin(names)], wacc[wacc["company"].isin(names)]
        b = compute_eva(p, market, w, cfg)
        s = pd.concat([eva_summary(b, m) for m in METHODS], ignore_index=True)
        s.insert(3, "headline", s["method"] == cfg["method"])
        sens = sensitivity(p, market, w, cfg, b)
        mva = pd.concat([market_value_added(p[p["company"] == c], market, cfg["mva"]["market_cap"], dict(smk.params.fx),
                                            cfg["equity_items"], cfg["debt_items"], cfg["mva"]["cash_items"],
                                            settings[c]["currency"]) for c in names], ignore_index=True)
        parts = {name: C.split(frame, names) for name, frame in
                 (("buildup", b), ("summary", s), ("change", eva_change(s)),
                  ("sensitivity", sens), ("mva", mva))}
        for company in names:
            for name, by_company in parts.items():
                write_table(by_company[company], out[name][company])
            write_bytes(out["robustness_long"][company], Path(scenarios["scenarios"][company]).read_bytes())
            write_bytes(out["robustness"][company], Path(scenarios["scenario_summary"][company]).read_bytes())
            sc = parts["summary"][company]
            for m in METHODS:
                log.info("%s %s: EVA computable for %s", company, m,
                         sc.loc[(sc["method"] == m) & sc["eva"].notna(), "fiscal_year"].tolist())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
