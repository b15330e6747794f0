"""Entry script of rule clean_panel: evidence of every year -> panel, conflicts, evidence status, coverage."""
import os

import pandas as pd

from corpfin.coverage import coverage_table
from corpfin.derive import panel_in_mode, validate_imputation
from corpfin.errors import ConfigError, InputError
from corpfin.plausibility import check_bounds, check_full_years, check_source_ids, read_waivers
from corpfin.estimates import add_estimates, fx_estimate_table, is_estimate
from corpfin.io import read_reference, read_table, read_text, setup_logging, write_table
from corpfin.select import choose_values

TEXT_COLUMNS = {"value_printed": str, "unit_note": str, "reliability_flag": str, "doc_period_end": str,
                "doc_type": str, "currency": str, "source_id": str}


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    evidence = pd.concat([pd.read_csv(f, dtype=TEXT_COLUMNS, keep_default_na=False, na_values=[])
                          for f in [smk.input.evidence]], ignore_index=True)
    for col in ("value", "resolution"):
        evidence[col] = evidence[col].astype(float)
    catalogue = read_reference(smk.input.catalogue)
    waivers_file = f"data/raw/{smk.wildcards.company}/bound_waivers.csv"
    try:
        check_source_ids(evidence)
        check_full_years(evidence, list(smk.params.years), smk.wildcards.company)
        waivers = read_waivers(read_text(waivers_file) if os.path.exists(waivers_file) else None, waivers_file)
        check_bounds(evidence, catalogue, waivers, float(smk.params.plausibility["money_to_revenue_max"]))
    except InputError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    prec = smk.params.precedence
    panel, conflicts, ev = choose_values(evidence, periods=list(smk.params.periods), currency=smk.params.currency,
                                         kinds=list(prec["kinds"]), doc_types=list(prec["doc_types"]),
                                         relative_tolerance=float(smk.params.tolerance))
    fx = smk.params.fx
    table = fx_estimate_table(ev, panel, read_table(smk.input.market), fx, kinds=list(prec["kinds"]),
                              doc_types=list(prec["doc_types"]), relative=float(smk.params.tolerance))
    panel = add_estimates(panel, table, ev, float(fx["per"]))
    imp = smk.params.imputation
    try:
        validate_imputation(imp, list(smk.params.identities), list(smk.params.wacc_inputs))
    except ConfigError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    panel = panel_in_mode(panel, imp["mode"], list(smk.params.identities), imp["derived_identities"], catalogue)
    cov = coverage_table(panel, catalogue, smk.wildcards.company, list(smk.params.years),
                         list(smk.params.statements))
    write_table(panel, smk.output.panel)
    write_table(conflicts, smk.output.conflicts)
    write_table(ev, smk.output.evidence)
    write_table(cov, smk.output.coverage)
    write_table(table, smk.output.fx_estimates)
    log.info("%d raw rows -> %d panel values (%d imputed: FX estimates or derived; imputation %s); %d conflicting "
             "source values; %d excluded rows; %d gaps", len(evidence), len(panel), int(is_estimate(panel).sum()),
             imp["mode"],
             len(conflicts), int(ev["status"].str.startswith("excluded").sum()), int((cov["status"] == "gap").sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
