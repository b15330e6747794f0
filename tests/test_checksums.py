"""xpm.checksums: a finished job's input checksums computed once, not once per output, with the same records."""
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xpm.checksums import memoize_checksums

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def test_a_finished_job_hashes_each_input_once_and_gets_the_same_checksums():
    """Snakemake's loop (one record per output, every input's checksum in each) against fakes: 3 outputs x 2 inputs
    are 6 computations without the memo, 2 with it, and the same checksums; outside a finished call nothing is
    kept."""
    calls = []

    class File(str):
        async def checksum(self, threshold=None):
            calls.append(str(self))
            return f"sha256:{self}-{threshold}"

    class Persistence:
        async def finished(self, job):
            return [{str(f): await f.checksum(1000) for f in job["input"]} for _ in job["output"]]

    job = {"input": [File("a.csv"), File("b.csv")], "output": ["x", "y", "z"]}
    plain = asyncio.run(Persistence().finished(job))
    assert len(calls) == 6
    calls.clear()
    assert memoize_checksums(Persistence, File) and not memoize_checksums(Persistence, File)   # once only
    assert asyncio.run(Persistence().finished(job)) == plain and calls == ["a.csv", "b.csv"]
    asyncio.run(File("a.csv").checksum(1000))
    asyncio.run(File("a.csv").checksum(1000))
    assert calls == ["a.csv", "b.csv", "a.csv", "a.csv"]          # no memo outside a finished job
    assert not memoize_checksums(object, File)                      # a Snakemake without the method: left alone


RUN = """
import atexit, hashlib, sys
sys.path.insert(0, {scripts!r})
n = [0]
digest = hashlib.file_digest
def counted(*a, **k):
    n[0] += 1
    return digest(*a, **k)
hashlib.file_digest = counted
atexit.register(lambda: print("DIGESTS", n[0]))
if {memo}:
    from xpm.checksums import checksum_inputs_once
    assert checksum_inputs_once()
from snakemake.cli import main
main(["--cores", "1", "--quiet", "all"])
"""


@pytest.mark.parametrize("memo", [False, True])
def test_snakemakes_records_are_the_same_with_each_input_hashed_once(tmp_path, memo):
    """A real Snakemake run of one job with 4 outputs and 3 inputs: 12 digests by Snakemake's own loop, 3 with the
    memo; the metadata records hold the same input checksums (those of the files, by hashlib)."""
    import hashlib

    (tmp_path / "Snakefile").write_text('rule a:\n    input: "i1", "i2", "i3"\n'
                                        '    output: "o1", "o2", "o3", "o4"\n    shell: "touch {output}"\n')
    for i in (1, 2, 3):
        (tmp_path / f"i{i}").write_text(f"input {i}\n" * (1000 * i))
    r = subprocess.run([sys.executable, "-c", RUN.format(scripts=str(SCRIPTS), memo=memo)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"DIGESTS {3 if memo else 12}" in r.stdout
    want = {f"i{i}": "sha256:" + hashlib.sha256((tmp_path / f"i{i}").read_bytes()).hexdigest() for i in (1, 2, 3)}
    records = [json.loads(p.read_text()) for p in (tmp_path / ".snakemake/metadata").iterdir()]
    assert len(records) == 4 and all(rec["input_checksums"] == want for rec in records)
