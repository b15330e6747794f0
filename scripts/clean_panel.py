"""Entry script of rule clean_panel: every company's evidence -> its panel, conflicts, evidence status, coverage.

The value choice runs once per reporting currency on all companies of that currency together."""
import os

import pandas as pd

from corpfin import companies as C
from corpfin.coverage import coverage_table
from corpfin.debt import check_derivations
from corpfin.derive import panel_in_mode, validate_imputation
from corpfin.errors import ConfigError, InputError
from corpfin.estimates import add_estimates, fx_estimate_table, is_estimate
from corpfin.io import read_reference, read_table, read_text, setup_logging, write_table
from corpfin.plausibility import (check_bounds, check_full_years, check_source_ids, check_waivers,
                                   read_waivers)
from corpfin.select import choose_values

TEXT_COLUMNS = {"value_printed": str, "unit_note": str, "reliability_flag": str, "doc_period_end": str,
                "doc_type": str, "currency": str, "source_id": str}


def read_evidence(path: str) -> pd.DataFrame:
    e = pd.read_csv(path, dtype=TEXT_COLUMNS, keep_default_na=False, na_values=[])
    for col in ("value", "resolution"):
        e[col] = e[col].astype(float)
    return e


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    companies = dict(smk.params.companies)
    catalogue = read_reference(smk.input.catalogue)
    market = read_table(smk.input.market)
    prec, fx, imp = smk.params.precedence, dict(smk.params.fx), smk.params.imputation
    evidence = C.read_all(read_evidence, C.files_of(smk.input.evidence, companies))
    try:
        validate_imputation(imp, list(smk.params.identities), list(smk.params.wacc_inputs))
        check_source_ids(evidence)
        for company, s in companies.items():
            own = evidence[evidence["company"] == company]
            check_full_years(own, list(s["years"]), company)
            waivers_file = f"data/raw/{company}/bound_waivers.csv"
            waivers = read_waivers(read_text(waivers_file) if os.path.exists(waivers_file) else None, waivers_file)
            check_waivers(waivers, own, waivers_file)
            check_bounds(own, catalogue, waivers, float(smk.params.plausibility["money_to_revenue_max"]),
                         s["currency"])
    except (InputError, ConfigError) as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    outputs = {name: C.files_of(getattr(smk.output, name), companies)
               for name in ("panel", "conflicts", "evidence", "coverage", "fx_estimates", "debt_checks")}
    for currency, names in C.groups(companies, "currency"):
        ev_in = evidence[evidence["company"].isin(names)]
        panel, conflicts, ev = choose_values(ev_in, periods=list(smk.params.periods), currency=currency,
                                             kinds=list(prec["kinds"]), doc_types=list(prec["doc_types"]),
                                             relative_tolerance=float(smk.params.tolerance))
        # flagged FX estimates (HKD printings converted) only for companies reporting in the rates' currency
        fx_here = {**fx, "enabled": bool(fx["enabled"]) and currency == fx["to_currency"]}
        table = fx_estimate_table(ev, panel, market, fx_here, kinds=list(prec["kinds"]),
                                  doc_types=list(prec["doc_types"]), relative=float(smk.params.tolerance))
        panel = add_estimates(panel, table, ev, float(fx["per"]))
        debt = dict(smk.params.debt)
        panel = panel_in_mode(panel, imp["mode"], list(smk.params.identities), imp["derived_identities"], catalogue,
                              debt)
        checks = check_derivations(panel, debt)
        parts = {name: C.split(frame, names) for name, frame in
                 (("panel", panel), ("conflicts", conflicts), ("evidence", ev), ("fx_estimates", table),
                  ("debt_checks", checks))}
        for company in names:
            cov = coverage_table(parts["panel"][company], catalogue, company, list(companies[company]["years"]),
                                 list(smk.params.statements))
            for name in ("panel", "conflicts", "evidence", "fx_estimates", "debt_checks"):
                write_table(parts[name][company], outputs[name][company])
            write_table(cov, outputs["coverage"][company])
            p = parts["panel"][company]
            log.info("%s: %d raw rows -> %d panel values (%d imputed: FX estimates or derived; imputation %s); %d "
                     "conflicting source values; %d gaps", company, int((ev_in["company"] == company).sum()), len(p),
                     int(is_estimate(p).sum()), imp["mode"], len(parts["conflicts"][company]),
                     int((cov["status"] == "gap").sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
