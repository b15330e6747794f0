"""Checks of the project layout made when the workflow is parsed, on every run (a no-op run included).

A failed build must never look like a success: a year folder that is missing or misnamed, a window whose first
year is after its last, or a project path that Snakemake's shell commands cannot handle is refused before any
job runs, with the file or key and what was expected. `published_outputs` lists the files a reader takes as the
current result (the paper and the manifest): the Snakefile removes them when a run fails, so that a stale paper
is never presented as current.
"""
from __future__ import annotations

import re
from pathlib import Path

YEAR_DIR = re.compile(r"^[0-9]{4}$")     # ASCII digits only (\d would take full-width digits)
# files that may sit beside the year folders of a company
COMPANY_FILES = {"bound_waivers.csv", "README.md"}
PUBLISHED = ["reports/paper.html", "reports/paper.docx", "reports/paper.pdf", "reports/supplement.html",
             "reports/manifest.tsv"]


def layout_errors(root: Path, config: dict) -> list[str]:
    """Every layout problem, one message each ([] when the layout is fine)."""
    errors = []
    if " " in str(root.resolve()):
        errors.append(f"the project path '{root.resolve()}' contains a space: Snakemake's shell commands split "
                      "it and every job exits 126 (a known Snakemake limitation). Clone or move the project to a "
                      "path without spaces.")
    paper = config["paper"]["company"]
    if paper not in config["companies"]:
        errors.append(f"workflow/config.yaml: paper.company is {paper!r}; expected one of the companies "
                      f"({', '.join(config['companies'])})")
    series = config.get("trends", {}).get("series", {})
    for name in config["paper"].get("trend_panels", []):
        if name not in series:
            errors.append(f"workflow/config.yaml: paper.trend_panels names {name!r}; expected one of the tested "
                          f"series (trends.series: {', '.join(series)})")
    for company, c in config["companies"].items():
        if c.get("market") and c["market"] not in config["markets"]:
            errors.append(f"workflow/config.yaml: companies.{company}.market is {c['market']!r}; expected one of the "
                          f"markets ({', '.join(config['markets'])})")
        fy = c["fiscal_years"]
        key = f"workflow/config.yaml: companies.{company}.fiscal_years"
        if fy["first"] > fy["last"]:
            errors.append(f"{key}: first ({fy['first']}) is after last ({fy['last']}); expected first <= last")
            continue
        base = root / "data" / "raw" / company
        if not base.is_dir():
            errors.append(f"data/raw/{company}/: folder missing; expected one folder per fiscal year "
                          f"{fy['first']}-{fy['last']} (config {key})")
            continue
        for entry in sorted(base.iterdir()):
            if entry.is_dir() and not YEAR_DIR.match(entry.name):
                errors.append(f"data/raw/{company}/{entry.name}/: unexpected folder name; expected a four-digit "
                              f"fiscal year such as {fy['last'] + 1} (the folder would be ignored)")
            elif entry.is_dir() and not fy["first"] - 1 <= int(entry.name) <= fy["last"] + 1:
                # the window, the year before it (comparatives) and the next year (being added) may hold figures
                errors.append(f"data/raw/{company}/{entry.name}/: a year folder far from the window "
                              f"{fy['first']}-{fy['last']} ({key}); expected {fy['first'] - 1} to {fy['last'] + 1} "
                              "(the folder would be ignored)")
            elif entry.is_file() and entry.name not in COMPANY_FILES:
                errors.append(f"data/raw/{company}/{entry.name}: unexpected file; expected only year folders and "
                              f"{', '.join(sorted(COMPANY_FILES))}")
        for year in range(fy["first"], fy["last"] + 1):
            for name in ("figures.csv", "sources.csv"):
                if not (base / str(year) / name).is_file():
                    errors.append(f"data/raw/{company}/{year}/{name}: missing; every fiscal year of the window "
                                  f"{fy['first']}-{fy['last']} ({key}) needs figures.csv and sources.csv (add the "
                                  "year's folder before raising fiscal_years.last; README 'Adding a fiscal year')")
    return errors


def remove_published(root: Path) -> list[str]:
    """Delete the paper and the manifest (after a failed run); return the paths removed."""
    gone = []
    for rel in PUBLISHED:
        p = root / rel
        if p.exists():
            p.unlink()
            gone.append(rel)
    return gone


def duplicate_keys(path: Path, name: str | None = None) -> list[str]:
    """Every key that a YAML file defines twice in one mapping, with its line ('fiscal_years.last on line 23, first
    defined on line 23'): a YAML loader keeps the last silently, so a duplicate would change the analysis unseen."""
    import yaml

    found: list[tuple[int, str]] = []

    class StrictLoader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                found.append((line, f"{name or path}: key '{key}' on line {line} is already defined on line "
                                    f"{seen[key]}; expected each key once per mapping (YAML would silently keep the "
                                    "last)"))
            seen.setdefault(key, line)
        return loader.construct_mapping(node, deep=deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    return [message for _, message in sorted(found)]
