# The paper: claims audit, tables, variables, figures, and the rendered reports/paper.html.

PAPER = config["paper"]["company"]
TABLES = [
    "coverage", "conflicts", "identities", "wacc", "eva_buildup", "eva_methods", "eva_gaps", "eva_sensitivity",
    "trends", "claims", "limitations", "ratios_profitability", "ratios_solvency", "ratios_operating_capacity",
    "ratios_growth", "ratios_profit_quality", "ratios_cost_structure", "ratios_profit_model",
]
FIGURES = ["segments", "margins", "eva", "trends"]


rule audit_claims:
    input:
        claims="data/raw/claims/claims.csv",
        panel="data/processed/{company}/panel.csv",
        ratios="data/processed/{company}/ratios.csv",
        eva="data/processed/{company}/eva.csv",
        lib=lib("claims", "trends"),
    output:
        audit="data/processed/{company}/claims_audit.csv",
    log:
        "logs/audit_claims/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/audit_claims.py"


rule make_tables:
    input:
        panel=f"data/processed/{PAPER}/panel.csv",
        evidence=f"data/processed/{PAPER}/evidence.csv",
        coverage=f"data/processed/{PAPER}/coverage.csv",
        conflicts=f"data/processed/{PAPER}/conflicts.csv",
        checks=f"data/processed/{PAPER}/identity_checks.csv",
        ratios=f"data/processed/{PAPER}/ratios.csv",
        wacc=f"data/processed/{PAPER}/wacc.csv",
        buildup=f"data/processed/{PAPER}/eva_buildup.csv",
        eva=f"data/processed/{PAPER}/eva.csv",
        sensitivity=f"data/processed/{PAPER}/eva_sensitivity.csv",
        trends=f"data/processed/{PAPER}/trend_tests.csv",
        claims=f"data/processed/{PAPER}/claims_audit.csv",
        lib=lib("report"),
    output:
        tables=expand("reports/tables/{name}.md", name=TABLES),
        variables="reports/_variables.yml",
    params:
        names=TABLES,
        years=company_years(PAPER),
        method=config["eva"]["method"],
        company_name=config["companies"][PAPER]["name"],
    log:
        "logs/make_tables.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/make_tables.py"


rule make_figures:
    input:
        panel=f"data/processed/{PAPER}/panel.csv",
        ratios=f"data/processed/{PAPER}/ratios.csv",
        buildup=f"data/processed/{PAPER}/eva_buildup.csv",
        eva=f"data/processed/{PAPER}/eva.csv",
        trends=f"data/processed/{PAPER}/trend_tests.csv",
        lib=lib("figures", "trends"),
    output:
        segments="reports/figures/segments.png",
        margins="reports/figures/margins.png",
        eva="reports/figures/eva.png",
        trends="reports/figures/trends.png",
    params:
        years=company_years(PAPER),
        series=config["trends"]["series"],
    log:
        "logs/make_figures.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/make_figures.py"


rule render_paper:
    input:
        qmd="reports/paper.qmd",
        quarto="reports/_quarto.yml",
        bib="reports/references.bib",
        variables="reports/_variables.yml",
        tables=expand("reports/tables/{name}.md", name=TABLES),
        figures=expand("reports/figures/{name}.png", name=FIGURES),
        lib=lib("render"),
    output:
        html="reports/paper.html",
    params:
        renderer=config["paper"]["renderer"],
    log:
        "logs/render_paper.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/render_paper.py"
