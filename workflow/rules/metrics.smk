# Metrics: ratios, market data, WACC, EVA (three methods) and its sensitivity.


rule clean_market_data:
    input:
        raw="data/raw/market/cost_of_capital.csv",
        lib=lib("market"),
    output:
        market="data/processed/market/cost_of_capital.csv",
    threads: 1
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
        lib=lib("quantity", "ratios"),
    output:
        ratios=report(
            "data/processed/{company}/ratios.csv", caption="../report/ratios.rst", category="Financial performance"
        ),
    params:
        tax_rate_percent=config["ratios"]["roic_tax_rate_percent"],
    threads: 1
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
        lib=lib("quantity", "market", "eva"),
    output:
        wacc=report("data/processed/{company}/wacc.csv", caption="../report/wacc.rst", category="EVA"),
    params:
        wacc=config["wacc"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/compute_wacc/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_wacc.py"


rule compute_eva:
    input:
        panel="data/processed/{company}/panel.csv",
        market="data/processed/market/cost_of_capital.csv",
        wacc="data/processed/{company}/wacc.csv",
        lib=lib("quantity", "market", "eva"),
    output:
        buildup=report(
            "data/processed/{company}/eva_buildup.csv", caption="../report/eva_buildup.rst", category="EVA"
        ),
        summary=report("data/processed/{company}/eva.csv", caption="../report/eva.rst", category="EVA"),
        sensitivity=report(
            "data/processed/{company}/eva_sensitivity.csv", caption="../report/eva_sensitivity.rst", category="EVA"
        ),
        mva=report("data/processed/{company}/mva.csv", caption="../report/mva.rst", category="EVA"),
    params:
        eva=config["eva"],
        fx=config["cleaning"]["fx_estimates"],
        sensitivity=config["sensitivity"],
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/compute_eva/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_eva.py"
