# Xiaomi (HKEX 1810) profit model: raw annual-report extracts -> cleaned panel -> ratios, EVA,
# trend tests -> Quarto paper. Table of contents only; the stages live in workflow/rules/.
import logging
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "workflow/config.yaml"


sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from corpfin.console import BriefProgress, wants_brief_output  # noqa: E402
from corpfin.layout import duplicate_keys, layout_errors, remove_published  # noqa: E402

# Refused on every run, a no-op run included, and a refused run leaves no paper that could pass for current: a key
# given twice in the config (before the schema sees the one YAML kept), the schema, the project layout.
_duplicates = duplicate_keys(Path(workflow.basedir) / "workflow/config.yaml", "workflow/config.yaml")
if _duplicates:
    remove_published(Path(workflow.basedir))
    raise WorkflowError("the configuration is not valid:\n- " + "\n- ".join(_duplicates))
try:
    validate(config, "workflow/schemas/config.schema.yaml")
except WorkflowError:
    remove_published(Path(workflow.basedir))
    raise

# A default build prints progress and errors only (profiles/default: quiet about rules); --verbose shows everything.
if wants_brief_output(workflow.output_settings.verbose, workflow.output_settings.quiet):
    logging.getLogger("snakemake.logging").addFilter(BriefProgress())

_errors = layout_errors(Path(workflow.basedir), config)
if _errors:
    remove_published(Path(workflow.basedir))
    raise WorkflowError("the project layout is not valid:\n- " + "\n- ".join(_errors))


onerror:
    # a failed run leaves no paper or manifest that could be taken for the current result
    removed = remove_published(Path(workflow.basedir))
    if removed:
        print("build failed: removed " + ", ".join(removed) + " (stale outputs are never left as current)",
              file=sys.stderr)


include: "workflow/rules/common.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/stats.smk"
include: "workflow/rules/paper.smk"


rule all:
    input:
        published_files(),
        "reports/manifest.tsv",
    default_target: True
