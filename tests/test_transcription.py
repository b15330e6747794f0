"""The raw extracts are the vendored source ledgers (data/sources/), transcribed by tools/transcribe_ledger.py: running
the tool again gives the same files byte for byte, so every raw row is a ledger row with its document, URL and quote."""
import filecmp
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import transcribe_ledger  # noqa: E402


def test_the_raw_extracts_are_the_transcribed_ledgers(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)                       # the tool reads data/raw/additions/ relative to the repository
    transcribe_ledger.main(ROOT / "data/sources", tmp_path)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.csv"))
    assert len(made) > 20
    differ = [str(p) for p in made if not filecmp.cmp(tmp_path / p, ROOT / "data/raw" / p, shallow=False)]
    assert not differ, differ
