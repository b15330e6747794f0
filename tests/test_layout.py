"""The checks made when the workflow is parsed (corpfin.layout), on hand-made project trees."""
from corpfin.layout import duplicate_keys, layout_errors


def project(tmp_path, folders, panels=("gross_margin",)):
    for f in folders:
        d = tmp_path / "data/raw/acme" / f
        d.mkdir(parents=True)
        (d / "figures.csv").write_text("x\n")
        (d / "sources.csv").write_text("x\n")
    return {"paper": {"company": "acme", "trend_panels": list(panels)}, "markets": {},
            "trends": {"series": {"gross_margin": {"table": "ratios", "key": "gross_margin"}}},
            "companies": {"acme": {"fiscal_years": {"first": 2021, "last": 2023}}}}


def test_the_window_the_year_before_and_the_year_being_added_are_year_folders(tmp_path):
    cfg = project(tmp_path, ["2020", "2021", "2022", "2023", "2024"])
    assert layout_errors(tmp_path, cfg) == []


def test_full_width_far_and_misnamed_year_folders_and_unknown_trend_panels_are_refused(tmp_path):
    cfg = project(tmp_path, ["2021", "2022", "2023", "\uff12\uff10\uff12\uff14", "0201", "FY2024"], panels=("gm",))
    errors = layout_errors(tmp_path, cfg)
    assert any(e.startswith("data/raw/acme/\uff12\uff10\uff12\uff14/: unexpected folder name") for e in errors)
    assert any(e.startswith("data/raw/acme/0201/: a year folder far from the window 2021-2023") and
               "expected 2020 to 2024" in e for e in errors)
    assert any(e.startswith("data/raw/acme/FY2024/: unexpected folder name") for e in errors)
    assert any("paper.trend_panels names 'gm'; expected one of the tested series (trends.series: gross_margin)" in e
               for e in errors)
    assert len(errors) == 4


def test_a_key_given_twice_is_named_with_both_lines(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("a:\n  b: 1\n  c: {x: 1, x: 2}\n  b: 3\nd: 4\n", encoding="utf-8")
    assert duplicate_keys(f, "c.yaml") == [
        "c.yaml: key 'x' on line 3 is already defined on line 3; expected each key once per mapping (YAML would "
        "silently keep the last)",
        "c.yaml: key 'b' on line 4 is already defined on line 2; expected each key once per mapping (YAML would "
        "silently keep the last)"]
    f.write_text("a: 1\nb: {a: 1}\n", encoding="utf-8")
    assert duplicate_keys(f) == []
