# Helpers shared by the rules: the company and fiscal-year wildcards, library modules as inputs.
from corpfin.imports import library_modules


# CAPM inputs of the WACC (corpfin.eva.capm_inputs): the names imputation.carried may list.
WACC_INPUTS = ["risk_free", "equity_risk_premium", "country_risk_premium", "beta", "cost_of_debt", "default_spread"]


# Scheduling only (no output depends on it): when more jobs are ready than there are cores, Snakemake starts the
# higher priority first. The rules on the longest chain of a rebuild (extracts -> panel -> EVA scenarios and
# identities -> WACC -> EVA -> trend tests -> tables and figures -> paper) have the highest; the ratios, which the
# trend tests need too but with more time to spare, the next; the others (computability, the claims audit) fill
# the cores left free instead of delaying the chain.
CRITICAL_PATH = 10
NEAR_CRITICAL_PATH = 5


def company_years(company):
    """Fiscal years of the analysis window of one company (config: companies.<company>.fiscal_years)."""
    fy = config["companies"][company]["fiscal_years"]
    return list(range(fy["first"], fy["last"] + 1))


def library_of(script):
    """The library modules a rule's script imports, directly or through other modules (corpfin.imports): declared as
    inputs, so that editing a formula reruns exactly the rules that use it."""
    return library_modules(Path("scripts") / f"{script}.py", Path("scripts/corpfin"))


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
    return out + ["reports/paper.html", "reports/manifest.tsv", "reports/tables/computability.md"]


# The paper: whose tables it shows, and its table and figure files.
PAPER = config["paper"]["company"]
TABLES = [
    "coverage", "conflicts", "identities", "wacc", "eva_buildup", "eva_methods", "eva_gaps", "eva_sensitivity",
    "trends", "claims", "gaps", "ratios_profitability", "ratios_solvency", "ratios_operating_capacity",
    "ratios_growth", "ratios_profit_quality", "ratios_cost_structure", "ratios_profit_model",
    "fx_estimates", "coverage_change", "todo", "mva", "eva_robustness", "documents", "company_documents", "provenance",
    "findings_performance", "findings_costs", "findings_profit_model", "findings_eva", "discussion", "threats",
    "conclusion",
]
# the notes printed below a table's caption (formulas, marks, source rows), one file per table that has them
TABLES += [f"{name}_notes" for name in ("ratios_profitability", "ratios_solvency", "ratios_operating_capacity",
                                        "ratios_growth", "ratios_profit_quality", "ratios_cost_structure",
                                        "ratios_profit_model", "mva", "trends", "eva_robustness", "gaps")]
FIGURES = ["segments", "margins", "eva", "trends", "coverage"]
def manifest_inputs(wildcards):
    files = ["reports/paper.html", "reports/paper.docx", "reports/paper.pdf", "data/processed/market/cost_of_capital.csv", "data/processed/market/market_conflicts.csv",
             "data/processed/market/fx_check.csv",
             "reports/_variables.yml", "reports/tables/computability.md", f"data/processed/{PAPER}/computability.csv"]
    files += expand("reports/tables/{name}.md", name=TABLES)
    files += expand("reports/figures/{name}.png", name=FIGURES)
    for company in config["companies"]:
        files += expand(
            "data/processed/{company}/{name}.csv",
            company=company,
            name=[
                "panel", "evidence", "conflicts", "coverage", "identity_checks", "ratios", "wacc",
                "eva_buildup", "eva", "eva_sensitivity", "trend_tests", "claims_audit", "fx_estimates", "mva",
                "eva_robustness", "eva_robustness_scenarios",
            ],
        )
    return files



wildcard_constraints:
    company="[a-z][a-z0-9_]*",
    year="[0-9]{4}",
