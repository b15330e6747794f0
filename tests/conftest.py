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


# Whole-pipeline tests (a build of the repository, or Snakemake runs in a copy of it) are marked `slow`:
# `uv run pytest -m "not slow"` is the fast loop, `uv run pytest` (CI) runs everything.
PIPELINE_FIXTURES = {"built", "good"}
PIPELINE_TESTS = {"test_strict_mode_reproduces_the_gaps_without_imputation", "test_another_company_runs_alone",
                  "test_breaking_an_identity_fails_the_build_naming_item_and_year",
                  "test_bad_raw_value_fails_with_file_row_column_and_no_output", "test_a_changed_raw_value_changes_the_paper",
                  "test_cluster_profile_dry_run", "test_dry_run_and_lint_are_clean",
                  "test_five_companies_make_the_same_jobs_as_one",
                  "test_slurm_build_of_five_companies_in_one_group_job_is_byte_identical_to_a_local_build"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ())) or item.originalname in PIPELINE_TESTS:
            item.add_marker(pytest.mark.slow)
