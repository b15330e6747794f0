"""Figures of the paper (matplotlib, Agg). Each function returns a Figure; the entry script saves it."""
from __future__ import annotations

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

SEGMENTS = [("seg_revenue_smartphones", "Smartphones"), ("seg_revenue_iot_lifestyle", "IoT and lifestyle"),
            ("seg_revenue_internet_services", "Internet services"), ("seg_revenue_others", "Others"),
            ("seg_revenue_smart_ev_new_initiatives", "Smart EV and new initiatives")]


def revenue_by_segment(panel: pd.DataFrame, years: list[int]):
    p = panel[panel["period"] == "FY"].pivot_table(index="fiscal_year", columns="item", values="value").reindex(years)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bottom = np.zeros(len(years))
    for item, label in SEGMENTS:
        vals = (p[item] if item in p else pd.Series(np.nan, index=years)).fillna(0).to_numpy() / 1000
        ax.bar([str(y) for y in years], vals, bottom=bottom, label=label)
        bottom += vals
    rev = p["revenue"].to_numpy() / 1000 if "revenue" in p else np.full(len(years), np.nan)
    rest = np.clip(rev - bottom, 0, None)
    ax.bar([str(y) for y in years], rest, bottom=bottom, label="Not published by segment (gap)", color="#dddddd",
           hatch="//", edgecolor="#999999")
    ax.plot([str(y) for y in years], rev, "k.", label="Group revenue")
    ax.set_ylabel("RMB billion")
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    ax.set_title("Revenue by segment")
    fig.tight_layout()
    return fig


def margins(ratios: pd.DataFrame, years: list[int]):
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, label in (("gross_margin", "Gross"), ("operating_margin", "Operating"), ("net_margin", "Net (IFRS)"),
                        ("adjusted_net_margin", "Adjusted net")):
        s = ratios[ratios["ratio"] == name].set_index("fiscal_year")["value"].reindex(years)
        ax.plot(years, s.to_numpy(), marker="o", label=label)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_ylabel("% of revenue")
    ax.set_xticks(years)
    ax.legend(fontsize=8)
    ax.set_title("Margins")
    fig.tight_layout()
    return fig


def eva_bars(buildup: pd.DataFrame, years: list[int]):
    # only the methods with at least one result (an empty panel tells the reader nothing)
    has = buildup[(buildup["line"] == "eva") & buildup["value"].notna()]["method"].unique()
    methods = [m for m in ("residual_income", "simple", "sasac", "stern_stewart") if m in has] or ["residual_income"]
    fig, axes = plt.subplots(1, len(methods), figsize=(max(3.4 * len(methods) + 1, 7.0), 3.8), sharey=True,
                             squeeze=False)
    axes = axes[0]
    for ax, m in zip(axes, methods):
        b = buildup[buildup["method"] == m].pivot_table(index="fiscal_year", columns="line", values="value",
                                                          dropna=False).reindex(years)
        x = np.arange(len(years))
        nopat = b["nopat"].to_numpy() / 1000 if "nopat" in b else np.full(len(years), np.nan)
        charge = b["capital_charge"].to_numpy() / 1000 if "capital_charge" in b else np.full(len(years), np.nan)
        ax.bar(x - 0.2, nopat, 0.4, label="NOPAT")
        ax.bar(x + 0.2, charge, 0.4, label="Capital charge")
        eva = b["eva"].to_numpy() / 1000 if "eva" in b else np.full(len(years), np.nan)
        ax.plot(x, eva, "kD", ms=4, label="EVA")
        for i, v in enumerate(eva):
            if np.isnan(v):
                ax.text(i, 0, "gap", ha="center", va="bottom", fontsize=6, rotation=90, color="#888888")
        ax.set_xticks(x, [str(y)[2:] for y in years])
        ax.set_title(m)
        ax.axhline(0, color="grey", lw=0.5)
    axes[0].set_ylabel("RMB billion")
    axes[0].legend(fontsize=7)
    fig.suptitle("EVA: NOPAT against capital charge (FY, two-digit years)")
    fig.tight_layout()
    return fig


def trend_lines(series: dict[str, pd.DataFrame], trends: pd.DataFrame):
    names = [n for n in trends["series"] if trends.set_index("series").at[n, "verdict"] != "not tested"]
    cols = 3
    rows = max(1, int(np.ceil(len(names) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.6 * rows), squeeze=False)
    t = trends.set_index("series")
    for ax, name in zip(axes.flat, names):
        d = series[name].dropna().sort_values("fiscal_year")
        x, y = d["fiscal_year"].to_numpy(float), d["value"].to_numpy(float)
        ax.plot(x, y, "o", ms=3)
        slope = t.at[name, "sen_slope"]
        intercept = np.median(y - slope * x)
        ax.plot(x, intercept + slope * x, "-", lw=1, label=f"Sen {slope:.3g}/yr")
        ax.set_title(f"{name}\n{t.at[name, 'verdict']}", fontsize=8)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def save(fig, path) -> None:
    """PNG without a software/date stamp, so that rebuilds give the same bytes."""
    import io as _io

    from .io import write_bytes

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    write_bytes(path, buf.getvalue())
