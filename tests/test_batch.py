"""The library a batch of companies at a time (corpfin.batch) gives exactly the outputs of one run on all companies:
the batches' outputs, concatenated in batch order, equal the whole run's, table by table and value by value."""
import pandas as pd
import pytest
import yaml

import synthetic as bench
from conftest import ROOT
from corpfin.batch import company_batches, run_in_batches
from corpfin.market import clean_market_data, derive_market, settle_conflicts


@pytest.fixture(scope="module")
def inputs():
    cfg = yaml.safe_load((ROOT / "workflow/config.yaml").read_text())
    raw = pd.read_csv(ROOT / "data/raw/market/cost_of_capital.csv", dtype=str, keep_default_na=False)
    market, _ = settle_conflicts(clean_market_data(raw, "cost_of_capital.csv"))
    market = derive_market(market, list(cfg["imputation"]["market_derivations"]))
    # 23 companies in batches of 5: the last batch is short
    return bench.synthetic_evidence(23, seed=3), market, cfg


def test_company_batches_split_by_company_in_sort_order(inputs):
    ev = inputs[0]
    batches = list(company_batches(ev, 5))
    assert [b["company"].nunique() for b in batches] == [5, 5, 5, 5, 3]
    firsts = [str(b["company"].astype(str).min()) for b in batches]
    assert firsts == ["c00000", "c00005", "c00010", "c00015", "c00020"]
    assert sum(len(b) for b in batches) == len(ev)
    with pytest.raises(ValueError, match="at least 1"):
        next(company_batches(ev, 0))


def test_batches_give_the_outputs_of_one_run(inputs):
    ev, market, cfg = inputs
    whole = bench.library_outputs(ev, market, cfg)
    parts: dict[str, list[pd.DataFrame]] = {}

    def sink(n, outputs):
        for name, frame in outputs.items():
            parts.setdefault(name, []).append(frame)

    assert run_in_batches(ev, 5, lambda e: bench.library_outputs(e, market, cfg), sink) == 5
    assert set(parts) == set(whole) == {"panel", "conflicts", "evidence", "identities", "ratios", "wacc", "eva"}
    for name, frame in whole.items():
        joined = pd.concat(parts[name], ignore_index=True).astype(object)
        assert len(frame) > 0 or name == "conflicts"
        pd.testing.assert_frame_equal(joined, frame.reset_index(drop=True).astype(object), check_dtype=False,
                                      obj=name)
