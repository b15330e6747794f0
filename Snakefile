# Xiaomi (HKEX 1810) profit model: raw annual-report extracts -> cleaned panel -> ratios, EVA,
# trend tests -> Quarto paper. Table of contents only; the stages live in workflow/rules/.
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "workflow/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")

# Jobs are separate Python processes: let them cache bytecode (a machine-wide PYTHONDONTWRITEBYTECODE would make
# every job recompile pandas and snakemake, about 3 s each; pyproject.toml explains why uv does not precompile).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from xpm.bytecode import cache_loaded_modules  # noqa: E402
from xpm.checksums import checksum_inputs_once  # noqa: E402
from xpm.layout import layout_errors, remove_published  # noqa: E402
from xpm.shutdown import cancel_pending_timers, skip_final_collection_at_exit  # noqa: E402

cache_loaded_modules()  # this process's own imports (snakemake itself): compiled once, read from cache after
# every run, a no-op included, exits without the interpreter's final garbage collection over the whole run's objects
# (0.3 s; xpm.shutdown)
skip_final_collection_at_exit()
# a finished job's records: each input's checksum computed once, not once per output (xpm.checksums)
checksum_inputs_once()

# Refused on every run, a no-op run included: a failed build never looks like a success.
_errors = layout_errors(Path(workflow.basedir), config)
if _errors:
    remove_published(Path(workflow.basedir))
    raise WorkflowError("the project layout is not valid:\n- " + "\n- ".join(_errors))


onsuccess:
    # the scheduler's rate-limit timers would keep the process alive up to a second after the last job
    cancel_pending_timers()


onerror:
    cancel_pending_timers()
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
        all_targets(),
    default_target: True
