# Cleaning and validation: raw extracts -> evidence -> one value per item -> identities, coverage.


rule validate_extract:
    input:
        figures=lambda w: expand("data/raw/{company}/{year}/figures.csv", company=w.company, year=company_years(w.company)),
        sources=lambda w: expand("data/raw/{company}/{year}/sources.csv", company=w.company, year=company_years(w.company)),
        catalogue="workflow/resources/items.csv",
        units="workflow/resources/units.csv",
        lib=library_of("validate_extract"),
    output:
        evidence="data/interim/{company}/evidence.csv",
    params:
        first_year=lambda w: config["companies"][w.company]["fiscal_years"]["first"],
        years=lambda w: company_years(w.company),
    log:
        "logs/validate_extract/{company}.log",
    group:
        "shard"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/validate_extract.py"


rule clean_panel:
    input:
        evidence="data/interim/{company}/evidence.csv",
        # the raw files themselves too: an edited raw file always reruns its validation, even when the
        # intermediate evidence of a failed validation is missing (Snakemake does not rerun a job for a missing
        # intermediate whose consumers are present)
        raw=lambda w: expand(
            "data/raw/{company}/{year}/{name}.csv",
            company=w.company,
            year=company_years(w.company),
            name=["figures", "sources"],
        ),
        catalogue="workflow/resources/items.csv",
        market="data/processed/market/cost_of_capital.csv",
        lib=library_of("clean_panel"),
        waivers=lambda w: [p for p in [f"data/raw/{w.company}/bound_waivers.csv"] if Path(p).exists()],
    output:
        panel=report("data/processed/{company}/panel.csv", caption="../report/panel.rst", category="Data and provenance"),
        conflicts=report(
            "data/processed/{company}/conflicts.csv", caption="../report/conflicts.rst", category="Data and provenance"
        ),
        evidence="data/processed/{company}/evidence.csv",
        coverage=report(
            "data/processed/{company}/coverage.csv", caption="../report/coverage.rst", category="Data and provenance"
        ),
        fx_estimates=report(
            "data/processed/{company}/fx_estimates.csv",
            caption="../report/fx_estimates.rst",
            category="Data and provenance",
        ),
    params:
        currency=lambda w: config["companies"][w.company]["currency"],
        years=lambda w: company_years(w.company),
        periods=config["cleaning"]["periods"],
        precedence=config["cleaning"]["precedence"],
        tolerance=config["cleaning"]["conflict_tolerance_relative"],
        statements=config["cleaning"]["coverage_statements"],
        fx=config["cleaning"]["fx_estimates"],
        imputation=config["imputation"],
        plausibility=config["cleaning"]["plausibility"],
        identities=config["cleaning"]["identities"],
        wacc_inputs=WACC_INPUTS,
    log:
        "logs/clean_panel/{company}.log",
    group:
        "shard"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/clean_panel.py"


rule check_identities:
    input:
        panel="data/processed/{company}/panel.csv",
        lib=library_of("check_identities"),
    output:
        checks=report(
            "data/processed/{company}/identity_checks.csv",
            caption="../report/identities.rst",
            category="Data and provenance",
        ),
    params:
        identities=config["cleaning"]["identities"],
        tolerance=config["cleaning"]["identity_tolerance_relative"],
    group:
        "shard"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/check_identities/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/check_identities.py"
