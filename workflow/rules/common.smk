# Helpers shared by the rules: the companies and their settings, the files of each stage, library modules as inputs.
#
# Every company stage (validation, cleaning, identities, ratios, WACC, EVA, trend tests) is one job that takes all
# companies at once through the library and writes each company's own files: the number of jobs does not grow
# with the number of companies (a job's start, mostly imports, costs about a second; the library's work per
# company is a few milliseconds).
from corpfin.companies import settings_of
from corpfin.imports import library_modules

COMPANIES = list(config["companies"])
# whose paper reports/paper.qmd renders (the others are its peers)
PAPER = config["paper"]["company"]

# CAPM inputs of the WACC (corpfin.cost_of_capital.capm_inputs): the names imputation.carried may list.
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


def raw_extracts(name):
    """Every company's raw `name` files (figures or sources), company by company, year by year."""
    return [f"data/raw/{c}/{y}/{name}.csv" for c in COMPANIES for y in company_years(c)]


def per_company(folder, name):
    """One file per company, in the order of COMPANIES (the scripts pair them with the company list)."""
    return [f"data/{folder}/{c}/{name}.csv" for c in COMPANIES]


def waiver_files():
    """The companies' plausibility waivers that exist (data/raw/<company>/bound_waivers.csv)."""
    return [p for p in (f"data/raw/{c}/bound_waivers.csv" for c in COMPANIES) if Path(p).exists()]


def company_settings(*keys):
    """Per company, what a company stage reads (corpfin.companies.settings_of): `keys` among years, currency,
    fiscal_year_end, wacc (its market's inputs and its own beta) and eva (with its own capitalisation and preferred
    shares). A rule takes only the keys it reads, so that a changed setting reruns exactly the rules that use it."""
    return {c: {k: settings_of(config, c)[k] for k in keys} for c in COMPANIES}


# A company stage's request grows with the companies it takes (on a cluster, the group's request is computed from
# them: profiles/slurm): its memory by a few MB and its time limit by a minute per hundred companies.
def stage_mem_mb(base):
    return base + 4 * len(COMPANIES)


def stage_minutes(base):
    return base + len(COMPANIES) // 100


def library_of(script):
    """The library modules a rule's script imports, directly or through other modules (corpfin.imports): declared as
    inputs, so that editing a formula reruns exactly the rules that use it."""
    return library_modules(Path("scripts") / f"{script}.py", Path("scripts/corpfin"))


# The paper and its supplement: their table, paragraph and figure files (rule make_tables, make_figures).
TEXTS = ["performance", "costs", "segments", "eva_text", "peers_text", "trends_text", "claims_text", "discussion",
         "threats_choices", "threats", "conclusion"]
TABLES = TEXTS + [
    "wacc", "eva_buildup", "eva_methods", "eva_change", "eva_robustness", "trends", "chow", "claims", "claims_notes",
    "studies", "peer_table", "scenario_effects", "debt_checks", "identities", "company_documents",
    "coverage", "conflicts", "eva_gaps", "eva_sensitivity", "gaps", "fx_estimates", "coverage_change", "mva",
    "robustness_all", "todo", "documents", "provenance",
]
RATIO_GROUPS = ["profitability", "solvency", "operating_capacity", "growth", "profit_quality", "cost_structure",
                "profit_model", "value_creation"]
TABLES += [f"ratios_{g}" for g in RATIO_GROUPS]
# the notes printed below a table (formulas, marks, scenarios), one file per table that has them
TABLES += [f"{name}_notes" for name in [f"ratios_{g}" for g in RATIO_GROUPS] + ["mva", "eva_robustness", "gaps",
                                                                                 "robustness_all", "identities", "trends"]]
FIGURES = ["segments", "gp_shares", "margins", "eva", "trends", "peers", "coverage"]
PAPER_DOCS = ["paper", "supplement"]

# every company's processed tables
COMPANY_TABLES = ["panel", "evidence", "conflicts", "coverage", "identity_checks", "debt_checks", "ratios", "wacc",
                  "eva_buildup", "eva", "eva_change", "eva_sensitivity", "trend_tests", "fx_estimates", "mva",
                  "eva_robustness", "eva_robustness_scenarios"]
PAPER_FILES = ["reports/paper.html", "reports/paper.docx", "reports/paper.pdf", "reports/supplement.html"]


def published_files():
    """Every file the build publishes: the paper, its tables, figures and variables, every processed table. The
    default target builds them all (a deleted one comes back) and the manifest lists them all."""
    files = PAPER_FILES + ["data/processed/market/cost_of_capital.csv", "data/processed/market/market_conflicts.csv",
                           "data/processed/market/fx_check.csv", "reports/_variables.yml",
                           "reports/tables/computability.md", f"data/processed/{PAPER}/computability.csv",
                           f"data/processed/{PAPER}/claims_audit.csv"]
    files += [f"reports/tables/{name}.md" for name in TABLES]
    files += [f"reports/figures/{name}.png" for name in FIGURES]
    files += [f"data/processed/{c}/{name}.csv" for c in COMPANIES for name in COMPANY_TABLES]
    return files


wildcard_constraints:
    company="[a-z][a-z0-9_]*",
    year="[0-9]{4}",


def reported(paths, caption, category):
    """Files shown in Snakemake's provenance report (`snakemake --report`), each with its caption and category."""
    return [report(p, caption=caption, category=category) for p in paths]
