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
        panel="data/processed/{company}/panel.csv",
        checks="data/processed/{company}/identity_checks.csv",
        lib=library_of("compute_ratios"),
    output:
        ratios=report(
            "data/processed/{company}/ratios.csv", caption="../report/ratios.rst", category="Financial performance"
        ),
    params:
        tax_rate_percent=config["ratios"]["roic_tax_rate_percent"],
    group:
        "shard"
    threads: 1
    priority: NEAR_CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/compute_ratios/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_ratios.py"


rule compute_wacc:
    input:
        panel="data/processed/{company}/panel.csv",
        checks="data/processed/{company}/identity_checks.csv",
        market="data/processed/market/cost_of_capital.csv",
        lib=library_of("compute_wacc"),
    output:
        wacc=report("data/processed/{company}/wacc.csv", caption="../report/wacc.rst", category="EVA"),
    params:
        wacc=config["wacc"],
        imputation=config["imputation"],
    group:
        "shard"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/compute_wacc/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_wacc.py"


rule compute_eva_scenarios:
    input:
        panel="data/processed/{company}/panel.csv",
        market="data/processed/market/cost_of_capital.csv",
        catalogue="workflow/resources/items.csv",
        lib=library_of("compute_eva_scenarios"),
    output:
        scenarios="data/interim/{company}/eva_robustness_scenarios.csv",
        summary="data/interim/{company}/eva_robustness.csv",
    params:
        eva=config["eva"],
        wacc=config["wacc"],
        imputation=config["imputation"],
        identities=config["cleaning"]["identities"],
        sensitivity=config["sensitivity"],
    group:
        "shard"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/compute_eva_scenarios/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_eva_scenarios.py"


rule compute_eva:
    input:
        panel="data/processed/{company}/panel.csv",
        market="data/processed/market/cost_of_capital.csv",
        wacc="data/processed/{company}/wacc.csv",
        scenarios="data/interim/{company}/eva_robustness_scenarios.csv",
        scenario_summary="data/interim/{company}/eva_robustness.csv",
        lib=library_of("compute_eva"),
    output:
        buildup=report(
            "data/processed/{company}/eva_buildup.csv", caption="../report/eva_buildup.rst", category="EVA"
        ),
        summary=report("data/processed/{company}/eva.csv", caption="../report/eva.rst", category="EVA"),
        sensitivity=report(
            "data/processed/{company}/eva_sensitivity.csv", caption="../report/eva_sensitivity.rst", category="EVA"
        ),
        robustness=report(
            "data/processed/{company}/eva_robustness.csv", caption="../report/eva_robustness.rst", category="EVA"
        ),
        robustness_long="data/processed/{company}/eva_robustness_scenarios.csv",
        mva=report("data/processed/{company}/mva.csv", caption="../report/mva.rst", category="EVA"),
    params:
        eva=config["eva"],
        fx=config["cleaning"]["fx_estimates"],
        sensitivity=config["sensitivity"],
    group:
        "shard"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/compute_eva/{company}.log",
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
        cfg={k: config[k] for k in ("cleaning", "imputation", "ratios", "wacc", "eva")},
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
