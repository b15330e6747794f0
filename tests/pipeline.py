"""Helpers to run the Snakemake pipeline in a temporary copy of the repository."""
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY = ["Snakefile", "workflow", "profiles", "scripts", "data/raw", "data/reference", "reports", "pyproject.toml",
        "uv.lock"]


def copy_repo(dest: Path) -> Path:
    for name in COPY:
        src = ROOT / name
        if not src.exists():
            continue
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(
                "__pycache__", "tables", "figures", "_variables.yml", "paper.html", ".render", "*_files"))
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


NONET = ROOT / "tests" / "nonet"


def with_sitecustomize(folder: Path, **extra: str) -> dict:
    """This process's environment with `folder` first on PYTHONPATH, so that the Python processes started with it
    run `folder`'s sitecustomize.py; `extra`: more variables."""
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(folder)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def no_network_env() -> dict:
    """Environment whose Python processes cannot open a network connection (tests/nonet/sitecustomize.py)."""
    return with_sitecustomize(NONET)


@functools.cache
def without_network() -> list[str]:
    """The command prefix that runs a program in a new network namespace with no interface but loopback
    (`unshare -n`, or `unshare -rn` for a user who is not root); [] where neither is allowed, in which case
    no_network_env's sitecustomize blocks Python's sockets instead."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if shutil.which("unshare") and subprocess.run(prefix + ["true"], capture_output=True).returncode == 0:
            return prefix
    return []


def snakemake(workdir: Path, *args: str, timeout: int = 900, own_namespace: bool = True) -> subprocess.CompletedProcess:
    """Run Snakemake in `workdir` with the network removed (the pipeline never needs one). A run that submits to a
    cluster on this machine keeps the machine's network namespace (`own_namespace=False`), where the Slurm
    controller listens; its Python processes still cannot open a connection (no_network_env)."""
    prefix = without_network() if own_namespace else []
    return subprocess.run(prefix + [sys.executable, "-m", "snakemake", "--cores", "2", *args],
                          cwd=workdir, capture_output=True, text=True, timeout=timeout, env=no_network_env())


def fictitious_company(name: str, first: int = 2021, last: int = 2023) -> dict:
    """The config entry of a fictitious company with made-up statements (tests/fixtures/acme): reports in RMB, on the
    Chinese market's cost-of-capital inputs, no beta of its own (so no WACC)."""
    return {"name": f"{name.capitalize()} (fictitious, made-up data)", "currency": "RMB", "fiscal_year_end": "31 December",
            "accounting_standard": "IFRS", "fiscal_years": {"first": first, "last": last}, "market": "china"}


def fictitious_workspace(dest: Path, names) -> Path:
    """A copy of the repository whose companies are fictitious: tests/fixtures/acme's made-up statements under each
    of `names`, no Xiaomi data (the cluster test and benchmarks/run.py)."""
    import yaml

    work = copy_repo(dest)
    shutil.rmtree(work / "data/raw/xiaomi")
    for name in names:
        target = work / "data/raw" / name
        shutil.copytree(ROOT / "tests/fixtures/acme/raw/acme", target)
        for f in target.rglob("figures.csv"):
            f.write_text(f.read_text(encoding="utf-8").replace("\nacme,", f"\n{name},"), encoding="utf-8")
    cfg = yaml.safe_load((work / "workflow/config.yaml").read_text())
    cfg["companies"] = {n: fictitious_company(n) for n in names}
    cfg["paper"]["company"] = names[0]
    (work / "workflow/config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    return work
