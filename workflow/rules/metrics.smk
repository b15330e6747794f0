# Metrics: ratios, market data, WACC, EVA (three methods) and its sensitivity.


rule clean_market_data:
    input:
        raw="data/raw/market/cost_of_capital.csv",
        lib=lib("market"),
    output:
        market="data/processed/market/cost_of_capital.csv",
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
        ratios="data/processed/{company}/ratios.csv",
    params:
        tax_rate_percent=config["ratios"]["roic_tax_rate_percent"],
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
        wacc="data/processed/{company}/wacc.csv",
    params:
        wacc=config["wacc"],
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
        buildup="data/processed/{company}/eva_buildup.csv",
        summary="data/processed/{company}/eva.csv",
        sensitivity="data/processed/{company}/eva_sensitivity.csv",
    params:
        eva=config["eva"],
        sensitivity=config["sensitivity"],
    log:
        "logs/compute_eva/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/compute_eva.py"
