"""The library over many companies in bounded memory: batches of companies, as the workflow's shards.

Every stage of the library (value choice, identities, ratios, WACC, EVA) works per company and fiscal year, so a
panel of many companies can be processed a batch of companies at a time. Peak memory is then the input plus one
batch's working set, whatever the number of companies; each batch's outputs go to a sink (e.g. written to disk, as
the workflow writes each shard's files). Batches are in company order and every output of the library is sorted
by company first, so the batches' outputs, concatenated, are the outputs of one run on all companies
(tests/test_select.py checks this).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from .select import column_rank


def company_batches(evidence: pd.DataFrame, companies_per_batch: int) -> Iterator[pd.DataFrame]:
    """The rows of `evidence` for `companies_per_batch` companies at a time, companies in sort order (each batch a
    copy of its rows only, in their input order; found by one stable sort on the batch number)."""
    if companies_per_batch < 1:
        raise ValueError(f"companies_per_batch must be at least 1, got {companies_per_batch}")
    rank = column_rank(evidence["company"])
    if not len(rank):
        return
    # dense company ranks (a categorical may carry companies without rows), then the batch of each row
    present = np.zeros(int(rank.max()) + 1, dtype=bool)
    present[rank] = True
    dense = np.cumsum(present) - 1
    batch = (dense[rank] // companies_per_batch).astype(np.int32)
    order = np.argsort(batch, kind="stable")
    bounds = np.searchsorted(batch[order], np.arange(int(batch.max()) + 2))
    for b in range(len(bounds) - 1):
        part = evidence.iloc[order[bounds[b]:bounds[b + 1]]]
        # a categorical keeps only the categories of its batch (else every batch would carry, and write, e.g. the
        # source ids of all companies)
        cats = [c for c in part.columns if isinstance(part[c].dtype, pd.CategoricalDtype)]
        yield part.assign(**{c: part[c].cat.remove_unused_categories() for c in cats}) if cats else part


def run_in_batches(evidence: pd.DataFrame, companies_per_batch: int,
                   stages: Callable[[pd.DataFrame], dict[str, pd.DataFrame]],
                   sink: Callable[[int, dict[str, pd.DataFrame]], None]) -> int:
    """Apply `stages` (evidence of some companies -> named output tables) to each batch and hand the outputs to
    `sink(batch_number, outputs)`; nothing of a batch is kept after its sink returns. Returns the number of
    batches."""
    n = 0
    for n, ev in enumerate(company_batches(evidence, companies_per_batch), start=1):
        outputs = stages(ev)
        del ev
        sink(n, outputs)
        del outputs
    return n
