# Statistics: trend tests honest for about ten annual points.


rule run_trend_tests:
    input:
        panel="data/processed/{company}/panel.csv",
        ratios="data/processed/{company}/ratios.csv",
        eva="data/processed/{company}/eva.csv",
        lib=library_of("run_trend_tests"),
    output:
        trends=report(
            "data/processed/{company}/trend_tests.csv", caption="../report/trends.rst", category="Trend tests"
        ),
    params:
        trends=config["trends"],
    group:
        "shard"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=1000,
        runtime=10,
    log:
        "logs/run_trend_tests/{company}.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/run_trend_tests.py"
