"""The config schema refuses unknown keys and out-of-bounds values, naming them."""
import copy

import jsonschema
import pytest
import yaml

from conftest import ROOT
from pipeline import copy_repo, snakemake

CONFIG = yaml.safe_load((ROOT / "workflow/config.yaml").read_text())
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())


def test_shipped_config_is_valid():
    jsonschema.validate(CONFIG, SCHEMA)


@pytest.mark.parametrize("path,value,pattern", [
    (("cleaning", "conflict_tolerance"), 0.1, r"Additional properties are not allowed \('conflict_tolerance'"),
    (("eva", "methd"), "simple", r"'methd' was unexpected"),
    (("eva", "method"), "economic_profit", r"'economic_profit' is not one of"),
    (("cleaning", "identity_tolerance_relative"), 0.5, r"0.5 is greater than the maximum of 0.1"),
    (("trends", "alpha"), 0, r"0 is less than or equal to the minimum of 0"),
    (("eva", "stern_stewart", "rd_life_years"), 40, r"40 is greater than the maximum of 15"),
    (("wacc", "weights"), "mixed", r"'mixed' is not one of \['book', 'market'\]"),
])
def test_bad_config_is_refused(path, value, pattern):
    cfg = copy.deepcopy(CONFIG)
    node = cfg
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError, match=pattern):
        jsonschema.validate(cfg, SCHEMA)


def test_snakemake_refuses_a_config_key_that_does_not_exist(tmp_path):
    work = copy_repo(tmp_path)
    cfg = work / "workflow/config.yaml"
    cfg.write_text(cfg.read_text() + "\nextra_key: 1\n")
    r = snakemake(work, "-n")
    assert r.returncode != 0
    assert "extra_key" in r.stdout + r.stderr
