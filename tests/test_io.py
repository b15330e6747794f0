"""Outputs are written atomically and byte-stably."""
import os

import pandas as pd
import pytest

from xpm import io


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
