"""The three install routes agree: pyproject.toml pins == uv.lock == environment.yml == workflow/envs/pipeline.yaml."""
import re
import tomllib

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
    assert "uv run pytest" in readme and ci.rstrip().endswith("uv run pytest")
    assert "uv run snakemake --cores all" in readme
