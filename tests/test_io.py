"""Outputs are written atomically and byte-stably."""
import os
from io import StringIO

import pandas as pd
import pytest

from corpfin import io


def test_failed_write_leaves_the_previous_good_output_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    io.write_table(pd.DataFrame({"a": [1.5]}), target)
    before = target.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        io.write_table(pd.DataFrame({"a": [2.5]}), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_tables_are_byte_stable_with_fixed_float_format(tmp_path):
    df = pd.DataFrame({"x": [0.1 + 0.2, 1 / 3, 205838.682, float("nan")], "k": ["a", "b", "c", "d"]})
    io.write_table(df, tmp_path / "a.csv")
    io.write_table(df.copy(), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_text() == "x,k\n0.3,a\n0.3333333333,b\n205838.682,c\n,d\n"


def test_the_paper_and_manifest_jobs_load_no_pandas():
    """Reading and writing text (rules parse_paper, render_paper and write_manifest) does not pay for pandas' import
    (0.26 s); a table read still gets it."""
    import subprocess
    import sys

    code = ("import sys, corpfin.io, corpfin.render, corpfin.verify; print('pandas' in sys.modules); "
            "corpfin.io.read_table(sys.argv[1]); print('pandas' in sys.modules)")
    table = io.__file__.replace("scripts/corpfin/io.py", "workflow/resources/units.csv")
    out = subprocess.run([sys.executable, "-c", code, table], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(io.__file__))})
    assert out.stdout.split() == ["False", "True"]


def test_the_manifest_lists_each_file_by_path_with_its_sha256_and_size(tmp_path):
    """Two files, listed out of order: the manifest sorts them by path; SHA-256 of b"a" and of b"" are the
    published test vectors (FIPS 180-2 / NIST), sizes 1 and 0 bytes; pandas reads the text back as the same table."""
    from corpfin.verify import build_manifest, manifest_text

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.csv").write_bytes(b"")
    (tmp_path / "a.md").write_bytes(b"a")
    text = manifest_text(build_manifest(["d/b.csv", "a.md"], tmp_path))
    assert text == ("path\tsha256\tbytes\n"
                    "a.md\tca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb\t1\n"
                    "d/b.csv\te3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\t0\n")
    back = pd.read_csv(StringIO(text), sep="\t")
    assert back.to_dict("list") == {"path": ["a.md", "d/b.csv"],
                                    "sha256": ["ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
                                               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
                                    "bytes": [1, 0]}
