# The paper: claims audit, tables, variables, figures, and the rendered reports/paper.html.


rule audit_claims:
    input:
        claims="data/raw/claims/claims.csv",
        panel=f"data/processed/{PAPER}/panel.csv",
        ratios=f"data/processed/{PAPER}/ratios.csv",
        eva=f"data/processed/{PAPER}/eva.csv",
        catalogue="workflow/resources/items.csv",
        lib=library_of("audit_claims"),
    output:
        audit=report(f"data/processed/{PAPER}/claims_audit.csv", caption="../report/claims.rst", category="Claims audit"),
    params:
        company=PAPER,
        claims_about=config["paper"]["claims_about"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/audit_claims.log",
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
        debt_checks=f"data/processed/{PAPER}/debt_checks.csv",
        ratios=f"data/processed/{PAPER}/ratios.csv",
        wacc=f"data/processed/{PAPER}/wacc.csv",
        buildup=f"data/processed/{PAPER}/eva_buildup.csv",
        eva=f"data/processed/{PAPER}/eva.csv",
        change=f"data/processed/{PAPER}/eva_change.csv",
        sensitivity=f"data/processed/{PAPER}/eva_sensitivity.csv",
        trends=f"data/processed/{PAPER}/trend_tests.csv",
        claims=f"data/processed/{PAPER}/claims_audit.csv",
        fx=f"data/processed/{PAPER}/fx_estimates.csv",
        mva=f"data/processed/{PAPER}/mva.csv",
        robustness=f"data/processed/{PAPER}/eva_robustness.csv",
        robustness_long=f"data/processed/{PAPER}/eva_robustness_scenarios.csv",
        peer_ratios=per_company("processed", "ratios"),
        peer_eva=per_company("processed", "eva"),
        coverage_baseline=config["paper"]["coverage_baseline"]["file"],
        catalogue="workflow/resources/items.csv",
        lock="uv.lock",
        market="data/processed/market/cost_of_capital.csv",
        lib=library_of("make_tables"),
    output:
        tables=expand("reports/tables/{name}.md", name=TABLES),
        variables="reports/_variables.yml",
    params:
        tables=TABLES,
        years=company_years(PAPER),
        method=config["eva"]["method"],
        company=PAPER,
        currency=config["companies"][PAPER]["currency"],
        names={c: config["companies"][c]["name"] for c in COMPANIES},
        fiscal_year_ends={c: config["companies"][c]["fiscal_year_end"] for c in COMPANIES},
        peer_names=[config["companies"][c]["name"] for c in COMPANIES if c != PAPER],
        baseline_label=config["paper"]["coverage_baseline"]["label"],
        statements=config["cleaning"]["coverage_statements"],
        series=config["trends"]["series"],
        alpha=config["trends"]["alpha"],
        break_years=config["trends"]["break_years"],
        gaps_top=config["paper"]["gaps_top"],
        peer_words=config["paper"]["peer_words"],
        identities=config["cleaning"]["identities"],
        wacc=company_settings("wacc")[PAPER]["wacc"],
        nopat=company_settings("eva")[PAPER]["eva"]["nopat"],
        preferred_shares=config["companies"][PAPER].get("preferred_shares") or {},
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
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
        eva=f"data/processed/{PAPER}/eva.csv",
        trends=f"data/processed/{PAPER}/trend_tests.csv",
        coverage=f"data/processed/{PAPER}/coverage.csv",
        peer_ratios=per_company("processed", "ratios"),
        catalogue="workflow/resources/items.csv",
        lib=library_of("make_figures"),
    output:
        **{name: report(f"reports/figures/{name}.png", caption=f"../report/fig_{name}.rst", category="Figures")
           for name in FIGURES},
    params:
        years=company_years(PAPER),
        company=PAPER,
        currency=config["companies"][PAPER]["currency"],
        names={c: config["companies"][c]["name"] for c in COMPANIES},
        series=config["trends"]["series"],
        panels=config["paper"]["trend_panels"],
        events=config["paper"]["events"],
        statements=config["cleaning"]["coverage_statements"],
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/make_figures.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/make_figures.py"


rule parse_paper:
    input:
        qmd="reports/paper.qmd",
        bib="reports/references.bib",
        variables="reports/_variables.yml",
        tables=expand("reports/tables/{name}.md", name=TABLES),
        computability="reports/tables/computability.md",
        lib=library_of("parse_paper"),
    output:
        tree="data/interim/paper/tree.json",
        images="data/interim/paper/images.json",
        typst="data/interim/paper/paper.typ",
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/parse_paper.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/parse_paper.py"


rule render_paper:
    input:
        qmd="reports/paper.qmd",
        quarto="reports/_quarto.yml",
        css="reports/paper.css",
        bib="reports/references.bib",
        variables="reports/_variables.yml",
        tables=expand("reports/tables/{name}.md", name=TABLES),
        computability="reports/tables/computability.md",
        figures=expand("reports/figures/{name}.png", name=FIGURES),
        tree="data/interim/paper/tree.json",
        images="data/interim/paper/images.json",
        typst="data/interim/paper/paper.typ",
        lib=library_of("render_paper"),
    output:
        html=report("reports/paper.html", caption="../report/paper.rst", category="Paper"),
        docx="reports/paper.docx",
        pdf="reports/paper.pdf",
    params:
        renderer=config["paper"]["renderer"],
    threads: 2
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/render_paper.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/render_paper.py"


rule render_supplement:
    input:
        qmd="reports/supplement.qmd",
        css="reports/paper.css",
        variables="reports/_variables.yml",
        tables=expand("reports/tables/{name}.md", name=TABLES),
        computability="reports/tables/computability.md",
        figures=expand("reports/figures/{name}.png", name=FIGURES),
        lib=library_of("render_supplement"),
    output:
        html="reports/supplement.html",
    params:
        renderer=config["paper"]["renderer"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/render_supplement.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/render_supplement.py"


rule write_manifest:
    input:
        files=published_files(),
        lib=library_of("write_manifest"),
    output:
        manifest="reports/manifest.tsv",
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    log:
        "logs/write_manifest.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/write_manifest.py"
