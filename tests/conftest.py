from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalogue() -> pd.DataFrame:
    return pd.read_csv(ROOT / "workflow/resources/items.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def units() -> pd.DataFrame:
    return pd.read_csv(ROOT / "workflow/resources/units.csv", dtype=str, keep_default_na=False)


FIG_HEADER = "company,fiscal_year,period,item,value,unit,unit_note,source_id"
SRC_HEADER = "source_id,kind,document,section,url,evidence,reliability_flag,doc_period_end,doc_type,ledger_ref"


def src_row(sid: str, kind: str = "company_document", flag: str = "", period_end: str = "2019-12-31",
            doc_type: str = "annual_report") -> str:
    if kind != "company_document":
        period_end, doc_type = "", ""
    return f'{sid},{kind},Doc {sid},,https://example.org/{sid},"quote {sid}",{flag},{period_end},{doc_type},'


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole pipeline run once on a temporary copy of the repository (shared by the end-to-end tests)."""
    from pipeline import copy_repo, snakemake

    work = copy_repo(tmp_path_factory.mktemp("rebuild"))
    r = snakemake(work)
    assert r.returncode == 0, r.stderr[-4000:]
    return work
