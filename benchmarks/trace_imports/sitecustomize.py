"""Import tracer for benchmarks/run.py (put on PYTHONPATH with CORPFIN_TRACE_IMPORTS=<folder>): a Snakemake job's
Python writes the names of every module it imported, lazily imported ones included, to <folder>/<script>.txt when
it exits. The benchmark's two-core floor then imports exactly those modules for each job."""
import atexit
import os
import sys

_folder = os.environ.get("CORPFIN_TRACE_IMPORTS")
# a job's script, as Snakemake runs it: .snakemake/scripts/tmp<random>.<script name>.py
if _folder and len(sys.argv) > 0 and "/.snakemake/scripts/" in sys.argv[0].replace(os.sep, "/"):
    def _write() -> None:
        name = os.path.basename(sys.argv[0]).split(".")[1]
        with open(os.path.join(_folder, name + ".txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(m for m in sys.modules if not m.startswith("__") and m != "sitecustomize")))

    atexit.register(_write)
