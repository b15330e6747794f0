"""Figures of the paper (matplotlib, Agg). Each function returns a Figure; the entry script saves it."""
from __future__ import annotations

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.layout_engine import TightLayoutEngine  # noqa: E402

from .series import ratio_values  # noqa: E402
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


def eva_bars(summary: pd.DataFrame, years: list[int], currency: str):
    """Entity EVA against the two residual incomes by year (billions of the company's currency), and the entity
    spread (return on capital - WACC) on the right."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.9), gridspec_kw={"width_ratios": [3, 2]})
    x = np.arange(len(years))
    for k, (m, width) in enumerate((("simple", -0.27), ("residual_income_adjusted", 0.0), ("residual_income", 0.27))):
        s = summary[summary["method"] == m].set_index("fiscal_year").reindex(years)
        ax.bar(x + width, s["eva"].to_numpy(float) / 1000, 0.27, label=METHOD_LABELS[m], color=f"C{k}")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xticks(x, [str(y) for y in years], rotation=90)
    ax.set_ylabel(f"{currency} billion")
    ax.set_title("Value created: entity EVA and residual income", fontsize=9)
    ax.legend(fontsize=7)
    s = summary[summary["method"] == "simple"].set_index("fiscal_year").reindex(years)
    ax2.plot(years, s["return_on_capital"].to_numpy(float), "o-", label="Return on capital")
    ax2.plot(years, s["cost_of_capital"].to_numpy(float), "s--", label="WACC")
    ax2.set_xticks(years, [str(y) for y in years], rotation=90)
    ax2.set_ylabel("Per cent")
    ax2.set_title("Entity EVA: return on capital against WACC", fontsize=9)
    ax2.legend(fontsize=7)
    tight_layout(fig)
    return fig


def trend_lines(series: dict[str, pd.DataFrame], trends: pd.DataFrame, labels: dict[str, str], units: dict[str, str],
                names: list[str]):
    """The named series (at most six; paper.trend_panels) with Sen's slope through the median point and the band
    between the slopes of its confidence interval; imputed points hollow; each panel titled with the reader's label,
    its axis with the unit, and the test's verdict with its BH-adjusted p in the panel."""
    t = trends.set_index("series")
    names = [n for n in names if n in t.index and t.at[n, "verdict"] != "not tested"][:6]
    cols = 3
    rows = max(1, int(np.ceil(len(names) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(10, 3.1 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        d = series[name].dropna(subset=["value"]).sort_values("fiscal_year")
        x, y = d["fiscal_year"].to_numpy(float), d["value"].to_numpy(float)
        imputed = d["estimated"].to_numpy(bool) if "estimated" in d else np.zeros(len(d), bool)
        ax.plot(x[~imputed], y[~imputed], "o", ms=4, color="C0", label="reported inputs")
        if imputed.any():
            ax.plot(x[imputed], y[imputed], "o", ms=4, mfc="white", mec="C0", label="an imputed input")
        slope, lo, hi = t.at[name, "sen_slope"], t.at[name, "sen_low"], t.at[name, "sen_high"]
        xm, ym = np.median(x), np.median(y)
        grid = np.linspace(x.min(), x.max(), 20)
        if np.isfinite(lo) and np.isfinite(hi):
            a, b = ym + lo * (grid - xm), ym + hi * (grid - xm)
            ax.fill_between(grid, np.minimum(a, b), np.maximum(a, b), color="C1", alpha=0.15, lw=0,
                            label="95% interval of the slope")
        intercept = np.median(y - slope * x)
        ax.plot(grid, intercept + slope * grid, "-", lw=1.2, color="C1", label="Sen's slope")
        ax.set_title(labels.get(name, name), fontsize=9)
        ax.text(0.02, 0.96, f"{t.at[name, 'verdict']}, BH p = {t.at[name, 'mk_p_bh']:.3f}",
                transform=ax.transAxes, fontsize=7.5, va="top", color="#333333")
        ax.set_ylabel(units.get(name, ""), fontsize=8)
        ticks = np.arange(int(x.min()), int(x.max()) + 1)
        ax.set_xticks(ticks, [str(t) for t in ticks], rotation=90)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000
                                                                     else f"{v:g}"))
        ax.tick_params(labelsize=7.5)
    handles, labels_ = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels_, loc="lower center", ncol=4, fontsize=8, frameon=False)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.supxlabel("Fiscal year", fontsize=8, y=0.06)
    TightLayoutEngine(rect=(0, 0.07, 1, 1)).execute(fig)
    return fig


def gross_profit_shares(ratios: pd.DataFrame, years: list[int]):
    """Each segment's share of group gross profit by year; a share resting on revenue x printed margin is hollow."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for k, (seg, label) in enumerate((("internet_services", "Internet services"), ("smartphones", "Smartphones"),
                                      ("iot_lifestyle", "IoT and lifestyle"),
                                      ("smart_ev_new_initiatives", "Smart EV and new initiatives"))):
        r = ratios[ratios["ratio"] == f"segment_gross_profit_share_{seg}"].set_index("fiscal_year").reindex(years)
        v = r["value"].to_numpy(float)
        line, = ax.plot(years, v, marker="o", label=label, color=f"C{k}")
        derived = r["estimate_inputs"].fillna("").astype(str).str.contains("derived").to_numpy()
        if derived.any():
            ax.plot(np.array(years)[derived], v[derived], "o", mfc="white", mec=line.get_color())
    ax.set_ylim(0, 100)
    ax.set_ylabel("Share of group gross profit (%)")
    ax.set_xlabel("Fiscal year")
    ax.set_xticks(years)
    ax.legend(fontsize=8)
    ax.set_title("Where the gross profit is earned (hollow: segment revenue × printed margin)")
    tight_layout(fig)
    return fig


def peers_panels(peers: dict[str, dict], years: list[int]):
    """The companies side by side, a panel per ratio; each company in its own fiscal years (unitless ratios only)."""
    panels = [("gross_margin", "Gross margin (%)"), ("operating_margin", "Operating margin (%)"),
              ("rd_intensity", "R&D intensity (% of revenue)"),
              ("services_gross_profit_share", "Services share of gross profit (%)")]
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.4), squeeze=False)
    for ax, (name, title) in zip(axes.flat, panels):
        for k, (c, p) in enumerate(peers.items()):
            r = p["ratios"]
            s = ratio_values(r, name)
            # on every year of the axis, so that a missing year breaks the line instead of being drawn across
            s = s[~s.index.duplicated()].reindex(years)
            if s.notna().any():
                ax.plot(s.index, s.to_numpy(float), marker="o", ms=3.5, lw=2.2 if k == 0 else 1.2,
                        label=p["name"], color=f"C{k}")
        ax.set_title(title, fontsize=9)
        ax.set_xticks(years, [str(y) for y in years], rotation=90)
        ax.tick_params(labelsize=7.5)
        ax.axhline(0, color="grey", lw=0.5)
    handles, labels_ = [], []
    for ax in axes.flat:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels_:
                handles.append(h)
                labels_.append(l)
    fig.legend(handles, labels_, loc="lower center", ncol=len(labels_), fontsize=8, frameon=False)
    fig.supxlabel("Fiscal year (each company's own: the calendar year in which it ends)", fontsize=8, y=0.055)
    TightLayoutEngine(rect=(0, 0.07, 1, 1)).execute(fig)
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
