"""The figures' data, read back from the matplotlib objects (what is drawn, not how it looks)."""
import numpy as np
import pandas as pd


def test_a_missing_year_breaks_a_peer_line_instead_of_being_drawn_across():
    """Xiaomi's internet share of gross profit is sourced for FY2015-17 and FY2022-24 only: the line has a gap
    (NaN) at FY2018-21, so no straight segment joins FY2017 to FY2022."""
    import matplotlib

    matplotlib.use("Agg")
    from corpfin.figures import peers_panels

    years = list(range(2015, 2025))
    have = {2015: 77.0, 2016: 58.1, 2017: 39.3, 2022: 42.8, 2023: 38.9, 2024: 34.1}
    ratios = pd.DataFrame({"ratio": "services_gross_profit_share", "fiscal_year": years,
                           "value": [have.get(y, np.nan) for y in years]})
    fig = peers_panels({"xiaomi": {"ratios": ratios, "name": "Xiaomi Corporation"}}, years)
    line = fig.axes[3].lines[0]
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    assert list(x) == years
    assert np.isnan(y[3:7]).all() and list(y[[0, 1, 2, 7, 8, 9]]) == list(have.values())
    # a ratio the company never has draws no line of it (the axis keeps only its zero line)
    assert "Xiaomi Corporation" not in [ln.get_label() for ln in fig.axes[0].lines]
