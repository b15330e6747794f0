# Xiaomi (HKEX 1810) profit model: raw annual-report extracts -> cleaned panel -> ratios, EVA,
# trend tests -> Quarto paper. Table of contents only; the stages live in workflow/rules/.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "workflow/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/stats.smk"
include: "workflow/rules/paper.smk"


rule all:
    input:
        all_targets(),
    default_target: True
