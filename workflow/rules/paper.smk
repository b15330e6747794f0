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
        ratios=f"data/processed/{PAPER}/ratios.csv",
        wacc=f"data/processed/{PAPER}/wacc.csv",
        buildup=f"data/processed/{PAPER}/eva_buildup.csv",
        eva=f"data/processed/{PAPER}/eva.csv",
        sensitivity=f"data/processed/{PAPER}/eva_sensitivity.csv",
        trends=f"data/processed/{PAPER}/trend_tests.csv",
        claims=f"data/processed/{PAPER}/claims_audit.csv",
        fx=f"data/processed/{PAPER}/fx_estimates.csv",
        mva=f"data/processed/{PAPER}/mva.csv",
        robustness=f"data/processed/{PAPER}/eva_robustness.csv",
        robustness_long=f"data/processed/{PAPER}/eva_robustness_scenarios.csv",
        coverage_baseline=config["paper"]["coverage_baseline"]["file"],
        catalogue="workflow/resources/items.csv",
        lock="uv.lock",
        market="data/processed/market/cost_of_capital.csv",
        lib=library_of("make_tables"),
    output:
        tables=expand("reports/tables/{name}.md", name=TABLES),
        variables="reports/_variables.yml",
    params:
        names=TABLES,
        years=company_years(PAPER),
        method=config["eva"]["method"],
        company_name=config["companies"][PAPER]["name"],
        company=PAPER,
        baseline_label=config["paper"]["coverage_baseline"]["label"],
        statements=config["cleaning"]["coverage_statements"],
        series=config["trends"]["series"],
        findings=config["paper"]["findings"],
        gaps_top=config["paper"]["gaps_top"],
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
        buildup=f"data/processed/{PAPER}/eva_buildup.csv",
        eva=f"data/processed/{PAPER}/eva.csv",
        trends=f"data/processed/{PAPER}/trend_tests.csv",
        coverage=f"data/processed/{PAPER}/coverage.csv",
        catalogue="workflow/resources/items.csv",
        lib=library_of("make_figures"),
    output:
        segments=report("reports/figures/segments.png", caption="../report/fig_segments.rst", category="Figures"),
        margins=report("reports/figures/margins.png", caption="../report/fig_margins.rst", category="Figures"),
        eva=report("reports/figures/eva.png", caption="../report/fig_eva.rst", category="Figures"),
        trends=report("reports/figures/trends.png", caption="../report/fig_trends.rst", category="Figures"),
        coverage=report("reports/figures/coverage.png", caption="../report/fig_coverage.rst", category="Figures"),
    params:
        years=company_years(PAPER),
        series=config["trends"]["series"],
        events=config["paper"]["events"],
        statements=config["cleaning"]["coverage_statements"],
        findings=config["paper"]["findings"],
        gaps_top=config["paper"]["gaps_top"],
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
