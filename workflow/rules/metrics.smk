# Metrics: ratios, market data, WACC, EVA (three methods) and its sensitivity.


rule clean_market_data:
    input:
        raw="data/raw/market/cost_of_capital.csv",
        lib=library_of("clean_market_data"),
    output:
        market="data/processed/market/cost_of_capital.csv",
        conflicts=report(
            "data/processed/market/market_conflicts.csv", caption="../report/market_conflicts.rst", category="EVA"
        ),
        fx_check=report("data/processed/market/fx_check.csv", caption="../report/fx_check.rst", category="EVA"),
    params:
        derivations=config["imputation"]["market_derivations"],
        bounds=config["market_bounds"],
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/clean_market_data.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/clean_market_data.py"


rule compute_ratios:
    input:
        panel=per_company("processed", "panel"),
        checks=per_company("processed", "identity_checks"),
        lib=library_of("compute_ratios"),
    output:
        ratios=reported(per_company("processed", "ratios"), "../report/ratios.rst", "Financial performance"),
    params:
        companies=COMPANIES,
        tax_rate_percent=config["ratios"]["roic_tax_rate_percent"],
    group:
        "companies"
    threads: 1
    priority: NEAR_CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(1000),
        runtime=stage_minutes(10),
    log:
        "logs/compute_ratios.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_ratios.py"


rule compute_wacc:
    input:
        panel=per_company("processed", "panel"),
        checks=per_company("processed", "identity_checks"),
        market="data/processed/market/cost_of_capital.csv",
        lib=library_of("compute_wacc"),
    output:
        wacc=reported(per_company("processed", "wacc"), "../report/wacc.rst", "EVA"),
    params:
        companies=company_settings("wacc"),
        imputation=config["imputation"],
    group:
        "companies"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(1000),
        runtime=stage_minutes(10),
    log:
        "logs/compute_wacc.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_wacc.py"


rule compute_eva_scenarios:
    input:
        panel=per_company("processed", "panel"),
        market="data/processed/market/cost_of_capital.csv",
        catalogue="workflow/resources/items.csv",
        lib=library_of("compute_eva_scenarios"),
    output:
        scenarios=per_company("interim", "eva_robustness_scenarios"),
        summary=per_company("interim", "eva_robustness"),
    params:
        companies=company_settings("wacc", "eva", "currency"),
        imputation=config["imputation"],
        identities=config["cleaning"]["identities"],
        fx=config["cleaning"]["fx_estimates"],
    group:
        "companies"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(1000),
        runtime=stage_minutes(10),
    log:
        "logs/compute_eva_scenarios.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_eva_scenarios.py"


rule compute_eva:
    input:
        panel=per_company("processed", "panel"),
        market="data/processed/market/cost_of_capital.csv",
        wacc=per_company("processed", "wacc"),
        scenarios=per_company("interim", "eva_robustness_scenarios"),
        scenario_summary=per_company("interim", "eva_robustness"),
        lib=library_of("compute_eva"),
    output:
        buildup=reported(per_company("processed", "eva_buildup"), "../report/eva_buildup.rst", "EVA"),
        summary=reported(per_company("processed", "eva"), "../report/eva.rst", "EVA"),
        change=per_company("processed", "eva_change"),
        sensitivity=reported(per_company("processed", "eva_sensitivity"), "../report/eva_sensitivity.rst", "EVA"),
        robustness=reported(per_company("processed", "eva_robustness"), "../report/eva_robustness.rst", "EVA"),
        robustness_long=per_company("processed", "eva_robustness_scenarios"),
        mva=reported(per_company("processed", "mva"), "../report/mva.rst", "EVA"),
    params:
        companies=company_settings("currency", "eva"),
        fx=config["cleaning"]["fx_estimates"],
        sensitivity=config["sensitivity"],
    group:
        "companies"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(1000),
        runtime=stage_minutes(10),
    log:
        "logs/compute_eva.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_eva.py"


rule count_computable_years:
    input:
        panel=f"data/processed/{PAPER}/panel.csv",
        market="data/processed/market/cost_of_capital.csv",
        catalogue="workflow/resources/items.csv",
        lib=library_of("count_computable_years"),
    output:
        table=f"data/processed/{PAPER}/computability.csv",
        markdown=report(
            "reports/tables/computability.md", caption="../report/computability.rst", category="Data and provenance"
        ),
    params:
        cfg={**{k: config[k] for k in ("cleaning", "imputation", "ratios")},
             **company_settings("wacc", "eva")[PAPER]},
        window=lambda w: (company_years(PAPER)[0], company_years(PAPER)[-1]),
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/count_computable_years.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/count_computable_years.py"
