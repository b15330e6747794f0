# Cleaning and validation: raw extracts -> evidence -> one value per item -> identities, coverage.


rule validate_extract:
    input:
        figures="data/raw/{company}/{year}/figures.csv",
        sources="data/raw/{company}/{year}/sources.csv",
        catalogue="workflow/resources/items.csv",
        units="workflow/resources/units.csv",
        lib=lib("units", "extract"),
    output:
        evidence="data/interim/{company}/{year}/evidence.csv",
    params:
        first_year=lambda w: config["companies"][w.company]["fiscal_years"]["first"],
    log:
        "logs/validate_extract/{company}_{year}.log",
    resources:
        mem_mb=500,
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/validate_extract.py"


rule clean_panel:
    input:
        evidence=lambda w: expand(
            "data/interim/{company}/{year}/evidence.csv", company=w.company, year=company_years(w.company)
        ),
        catalogue="workflow/resources/items.csv",
        lib=lib("select", "coverage"),
    output:
        panel="data/processed/{company}/panel.csv",
        conflicts="data/processed/{company}/conflicts.csv",
        evidence="data/processed/{company}/evidence.csv",
        coverage="data/processed/{company}/coverage.csv",
    params:
        currency=lambda w: config["companies"][w.company]["currency"],
        years=lambda w: company_years(w.company),
        periods=config["cleaning"]["periods"],
        precedence=config["cleaning"]["precedence"],
        tolerance=config["cleaning"]["conflict_tolerance_relative"],
        statements=config["cleaning"]["coverage_statements"],
    log:
        "logs/clean_panel/{company}.log",
    resources:
        mem_mb=1000,
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/clean_panel.py"


rule check_identities:
    input:
        panel="data/processed/{company}/panel.csv",
        lib=lib("identities"),
    output:
        checks="data/processed/{company}/identity_checks.csv",
    params:
        identities=config["cleaning"]["identities"],
        tolerance=config["cleaning"]["identity_tolerance_relative"],
    log:
        "logs/check_identities/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/check_identities.py"
