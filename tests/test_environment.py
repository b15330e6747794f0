"""The three install routes agree: pyproject.toml pins == uv.lock == environment.yml == workflow/envs/pipeline.yaml."""
import re
import tomllib

import pytest
import yaml

from conftest import ROOT


def pins_pyproject():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    out = {}
    for d in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([0-9][^;\s]*)", d.strip())
        assert m, f"pyproject.toml dependency not pinned exactly: {d}"
        out[m.group(1).lower()] = m.group(2)
    return out


def lock_versions():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {p["name"].lower(): p["version"] for p in lock["package"]}


def conda_pins(path):
    env = yaml.safe_load((ROOT / path).read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for p in dep.get("pip", []):
                m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", p)
                if m:
                    out[m.group(1).lower()] = m.group(2)
        else:
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)=(\S+)", dep)
            if m:
                out[m.group(1).lower()] = m.group(2)
    return out, env


def test_pyproject_pins_equal_the_lockfile():
    lock = lock_versions()
    for name, version in pins_pyproject().items():
        assert lock.get(name) == version, f"{name}: pyproject {version} vs uv.lock {lock.get(name)}"


def test_environment_yml_agrees_with_the_lockfile_and_adds_quarto():
    pins, env = conda_pins("environment.yml")
    project = pins_pyproject()
    assert set(project) <= set(pins), f"missing from environment.yml: {set(project) - set(pins)}"
    for name, version in project.items():
        assert pins[name] == version, f"{name}: environment.yml {pins[name]} vs pyproject {version}"
    assert "quarto" in env["dependencies"] and "conda-forge" in env["channels"]
    assert pins["python"] == "3.11"


def test_rule_environment_agrees_with_the_lockfile():
    pins, env = conda_pins("workflow/envs/pipeline.yaml")
    project = pins_pyproject()
    for name, version in pins.items():
        if name != "python":
            assert project.get(name) == version, f"{name}: pipeline.yaml {version} vs pyproject {project.get(name)}"
    assert "quarto" in env["dependencies"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci/run").read_text()
    assert ci.rstrip().endswith("uv run pytest")
    # a stranger's README: the two commands (build; test) within its first 30 lines, and short
    first = readme.splitlines()[:30]
    assert any(line.startswith("uv run snakemake ") for line in first)
    assert any(line.startswith("uv run pytest ") for line in first)
    assert len(readme.splitlines()) <= 160


@pytest.mark.slow
def test_a_second_fresh_clone_builds_the_paper_without_network(tmp_path):
    """Issue 25: once uv's cache holds the packages, the README's build command needs no network (the project is not
    built as a package, so no build backend is fetched). The clone has the committed files only."""
    import os
    import shutil
    import subprocess

    from pipeline import without_network

    if not without_network() or shutil.which("uv") is None or shutil.which("git") is None:
        pytest.fail("this test needs unshare -n, uv and git")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    r = subprocess.run(without_network() + ["uv", "run", "snakemake", "--cores", "2"], cwd=clone, env=env,
                       capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    assert (clone / "reports/paper.pdf").stat().st_size > 100_000
