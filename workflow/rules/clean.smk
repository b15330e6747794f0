# Cleaning and validation: raw extracts -> evidence -> one value per item -> identities, coverage. Each rule is one
# job for all companies (common.smk), each company's files written on their own.


rule validate_extracts:
    input:
        figures=raw_extracts("figures"),
        sources=raw_extracts("sources"),
        catalogue="workflow/resources/items.csv",
        units="workflow/resources/units.csv",
        lib=library_of("validate_extracts"),
    output:
        evidence=per_company("interim", "evidence"),
    params:
        companies=company_settings("years"),
        raw_text=config["cleaning"]["raw_text"],
    log:
        "logs/validate_extracts.log",
    group:
        "companies"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(500),
        runtime=stage_minutes(5),
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/validate_extracts.py"


rule clean_panel:
    input:
        evidence=per_company("interim", "evidence"),
        # the raw files themselves too: an edited raw file always reruns its validation, even when the
        # intermediate evidence of a failed validation is missing (Snakemake does not rerun a job for a missing
        # intermediate whose consumers are present)
        raw=raw_extracts("figures") + raw_extracts("sources"),
        catalogue="workflow/resources/items.csv",
        market="data/processed/market/cost_of_capital.csv",
        lib=library_of("clean_panel"),
        waivers=waiver_files(),
    output:
        panel=reported(per_company("processed", "panel"), "../report/panel.rst", "Data and provenance"),
        conflicts=reported(per_company("processed", "conflicts"), "../report/conflicts.rst", "Data and provenance"),
        evidence=per_company("processed", "evidence"),
        coverage=reported(per_company("processed", "coverage"), "../report/coverage.rst", "Data and provenance"),
        fx_estimates=reported(per_company("processed", "fx_estimates"), "../report/fx_estimates.rst",
                              "Data and provenance"),
        debt_checks=per_company("processed", "debt_checks"),
    params:
        companies=company_settings("years", "currency"),
        periods=config["cleaning"]["periods"],
        precedence=config["cleaning"]["precedence"],
        tolerance=config["cleaning"]["conflict_tolerance_relative"],
        statements=config["cleaning"]["coverage_statements"],
        fx=config["cleaning"]["fx_estimates"],
        imputation=config["imputation"],
        plausibility=config["cleaning"]["plausibility"],
        identities=config["cleaning"]["identities"],
        debt=config["eva"]["debt"],
        wacc_inputs=WACC_INPUTS,
    log:
        "logs/clean_panel.log",
    group:
        "companies"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(1000),
        runtime=stage_minutes(10),
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/clean_panel.py"


rule check_identities:
    input:
        panel=per_company("processed", "panel"),
        lib=library_of("check_identities"),
    output:
        checks=reported(per_company("processed", "identity_checks"), "../report/identities.rst",
                        "Data and provenance"),
    params:
        companies=COMPANIES,
        identities=config["cleaning"]["identities"],
        tolerance=config["cleaning"]["identity_tolerance_relative"],
    group:
        "companies"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(1000),
        runtime=stage_minutes(10),
    log:
        "logs/check_identities.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/check_identities.py"
