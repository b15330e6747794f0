# Helpers shared by the rules: the company and fiscal-year wildcards, library modules as inputs.


def company_years(company):
    """Fiscal years of the analysis window of one company (config: companies.<company>.fiscal_years)."""
    fy = config["companies"][company]["fiscal_years"]
    return list(range(fy["first"], fy["last"] + 1))


def lib(*modules):
    """Library modules a script imports: declared as inputs so that editing a formula reruns its rules."""
    return [f"scripts/xpm/{m}.py" for m in ("__init__", "errors", "io") + modules]


def all_targets():
    out = []
    for company in config["companies"]:
        out += [
            f"data/processed/{company}/panel.csv",
            f"data/processed/{company}/identity_checks.csv",
            f"data/processed/{company}/coverage.csv",
            f"data/processed/{company}/ratios.csv",
            f"data/processed/{company}/eva.csv",
            f"data/processed/{company}/trend_tests.csv",
        ]
        out.append(f"data/processed/{company}/claims_audit.csv")
    return out + ["reports/paper.html"]


wildcard_constraints:
    company="[a-z][a-z0-9_]*",
    year="[0-9]{4}",
