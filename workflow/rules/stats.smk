# Statistics: trend tests honest for about ten annual points.


rule run_trend_tests:
    input:
        panel=per_company("processed", "panel"),
        ratios=per_company("processed", "ratios"),
        eva=per_company("processed", "eva"),
        lib=library_of("run_trend_tests"),
    output:
        trends=reported(per_company("processed", "trend_tests"), "../report/trends.rst", "Trend tests"),
    params:
        companies=COMPANIES,
        trends=config["trends"],
    group:
        "companies"
    threads: 1
    priority: CRITICAL_PATH
    resources:
        mem_mb=stage_mem_mb(1000),
        runtime=stage_minutes(10),
    log:
        "logs/run_trend_tests.log",
    conda:
        "../envs/pipeline.yaml"
    script:
        "../../scripts/run_trend_tests.py"
