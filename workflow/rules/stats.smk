# Statistics: trend tests honest for about ten annual points.


rule run_trend_tests:
    input:
        panel="data/processed/{company}/panel.csv",
        ratios="data/processed/{company}/ratios.csv",
        eva="data/processed/{company}/eva.csv",
        lib=lib("trends"),
    output:
        trends="data/processed/{company}/trend_tests.csv",
    params:
        trends=config["trends"],
    log:
        "logs/run_trend_tests/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/run_trend_tests.py"
