"""Figures of the paper (matplotlib, Agg). Each function returns a Figure; the entry script saves it."""
from __future__ import annotations

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.layout_engine import TightLayoutEngine  # noqa: E402

from .vocabulary import METHOD_LABELS  # noqa: E402

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
    ax.set_ylabel("Revenue, RMB billion")
    ax.set_xlabel("Fiscal year")
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    ax.set_title("Revenue by segment")
    tight_layout(fig)
    return fig


def annotate_events(ax, events: list[dict], years: list[int]) -> None:
    """A dotted line and a label at each event year the discussion names (config paper.events)."""
    for e in events:
        if years[0] <= e["year"] <= years[-1]:
            ax.axvline(e["year"], color="#777777", lw=0.8, ls=":")
            ax.annotate(e["label"], (e["year"], 1.0), xycoords=("data", "axes fraction"), xytext=(3, -10),
                        textcoords="offset points", fontsize=7, color="#555555", va="top")


def margins(ratios: pd.DataFrame, years: list[int], events: list[dict] | None = None):
    """Margins by year; a point resting on an imputed input is hollow (its line stays, so the path is visible)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, label in (("gross_margin", "Gross margin"), ("operating_margin", "Operating margin"),
                        ("net_margin", "Net margin (IFRS)"), ("adjusted_net_margin", "Adjusted net margin")):
        r = ratios[ratios["ratio"] == name].set_index("fiscal_year").reindex(years)
        line, = ax.plot(years, r["value"].to_numpy(), marker="o", label=label)
        imputed = r["estimate_inputs"].fillna("").astype(str) != "" if "estimate_inputs" in r else None
        if imputed is not None and imputed.any():
            ax.plot(np.array(years)[imputed.to_numpy()], r["value"].to_numpy()[imputed.to_numpy()], "o",
                    mfc="white", mec=line.get_color())
    ax.axhline(0, color="grey", lw=0.5)
    annotate_events(ax, events or [], years)
    ax.set_ylabel("Per cent of revenue (%)")
    ax.set_xlabel("Fiscal year")
    ax.set_xticks(years)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Xiaomi's margins, FY%d-FY%d" % (years[0], years[-1]))
    tight_layout(fig)
    return fig


def coverage_map(coverage: pd.DataFrame, years: list[int], statements: list[str]):
    """Coverage heat-map: one row per statement, one column per year, shaded by the share of its items with a
    reported value; the number in each cell is the count of items with any value (reported or imputed)."""
    c = coverage[coverage["statement"].isin(statements)]
    rep = c.assign(ok=~c["status"].isin(["gap", "fx_estimate", "derived"]), any=c["status"] != "gap")
    share = rep.pivot_table(index="statement", columns="fiscal_year", values="ok", aggfunc="mean").reindex(
        index=statements, columns=years)
    count = rep.pivot_table(index="statement", columns="fiscal_year", values="any", aggfunc="sum").reindex(
        index=statements, columns=years)
    total = rep.groupby("statement")["item"].nunique().reindex(statements).fillna(0)
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(statements) + 1.4))
    im = ax.imshow(share.to_numpy(float) * 100, cmap="Blues", vmin=0, vmax=100, aspect="auto")
    for i in range(len(statements)):
        for j in range(len(years)):
            v = count.iat[i, j]
            ax.text(j, i, "" if pd.isna(v) else f"{int(v)}", ha="center", va="center", fontsize=7,
                    color="white" if share.iat[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_yticks(range(len(statements)), [f"{s.replace('_', ' ').capitalize()} ({int(total[s])} items)"
                                           for s in statements])
    ax.set_xlabel("Fiscal year")
    fig.colorbar(im, ax=ax, label="Items with a reported value (%)")
    ax.set_title("Coverage of the cleaned panel: items with a value per statement and year")
    tight_layout(fig)
    return fig


def eva_bars(buildup: pd.DataFrame, years: list[int]):
    # only the methods with at least one result (an empty panel tells the reader nothing)
    has = buildup[(buildup["line"] == "eva") & buildup["value"].notna()]["method"].unique()
    methods = [m for m in ("simple", "residual_income_adjusted", "residual_income", "stern_stewart", "sasac")
               if m in has] or ["simple"]
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
        ax.set_title(METHOD_LABELS.get(m, m))
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlabel("Fiscal year (20xx)")
    axes[0].set_ylabel("RMB billion")
    axes[0].legend(fontsize=7)
    fig.suptitle("EVA: NOPAT (residual income: profit to owners) against the capital charge")
    tight_layout(fig)
    return fig


def trend_lines(series: dict[str, pd.DataFrame], trends: pd.DataFrame, labels: dict[str, str]):
    """Each tested series with Sen's slope through the median point and the band between the slopes of its
    confidence interval; imputed points hollow; the panel title is the reader's label and the verdict."""
    names = [n for n in trends["series"] if trends.set_index("series").at[n, "verdict"] != "not tested"]
    cols = 3
    rows = max(1, int(np.ceil(len(names) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.7 * rows), squeeze=False)
    t = trends.set_index("series")
    for ax, name in zip(axes.flat, names):
        d = series[name].dropna(subset=["value"]).sort_values("fiscal_year")
        x, y = d["fiscal_year"].to_numpy(float), d["value"].to_numpy(float)
        imputed = d["estimated"].to_numpy(bool) if "estimated" in d else np.zeros(len(d), bool)
        ax.plot(x[~imputed], y[~imputed], "o", ms=3.5, color="C0", label="reported")
        if imputed.any():
            ax.plot(x[imputed], y[imputed], "o", ms=3.5, mfc="white", mec="C0", label="imputed input")
        slope, lo, hi = t.at[name, "sen_slope"], t.at[name, "sen_low"], t.at[name, "sen_high"]
        xm, ym = np.median(x), np.median(y)
        grid = np.linspace(x.min(), x.max(), 20)
        if np.isfinite(lo) and np.isfinite(hi):
            a, b = ym + lo * (grid - xm), ym + hi * (grid - xm)
            ax.fill_between(grid, np.minimum(a, b), np.maximum(a, b), color="C1", alpha=0.15, lw=0,
                            label="95% CI of the slope")
        intercept = np.median(y - slope * x)
        ax.plot(grid, intercept + slope * grid, "-", lw=1, color="C1", label=f"Sen slope {slope:.3g} per year")
        ax.set_title(f"{labels.get(name, name)}\n{t.at[name, 'verdict']}", fontsize=8)
        ticks = np.arange(int(x.min()), int(x.max()) + 1)
        ax.set_xticks(ticks, [f"{t % 100:02d}" for t in ticks])
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000
                                                                     else f"{v:g}"))
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=5.5)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.supxlabel("Fiscal year (20xx)", fontsize=8)
    tight_layout(fig)
    return fig


def tight_layout(fig) -> None:
    """`fig.tight_layout()` without its side effect: that method leaves a placeholder layout engine on the figure,
    and `savefig` then draws the whole figure once more before the real drawing, to no effect on the pixels
    (about a third of the figures' time). The same subplot parameters, computed once: `rect=None`, as
    `fig.tight_layout()` passes it (the engine's default rectangle, the whole figure, makes it fit the subplots a
    second time, to the same parameters)."""
    TightLayoutEngine(rect=None).execute(fig)


def save(fig, path) -> None:
    """PNG without a software/date stamp, so that rebuilds give the same bytes."""
    import io as _io

    from .io import write_bytes

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    write_bytes(path, buf.getvalue())
