"""Issue 15: the bad-input catalogue run the way a user meets it. Each case starts from a good build (its
outputs and Snakemake's metadata), breaks one thing, and runs the README command twice: both runs must exit
non-zero with a message that names the place and the expectation, and no paper or manifest may be left that
could pass for the current result. Data text must never act as a template, HTML or URL."""
import re
import shutil
import subprocess
import sys

import pytest

from pipeline import ROOT, copy_repo, no_network_env, snakemake

pytestmark = pytest.mark.slow


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def replace_line(path, startswith, new):
    lines = path.read_text(encoding="utf-8").splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith(startswith))
    lines[k] = new(lines[k])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def utf16(w):
    f = w / "data/raw/xiaomi/2019/figures.csv"
    f.write_bytes(f.read_text(encoding="utf-8").encode("utf-16"))


def gbk(w):
    f = w / "data/raw/xiaomi/2018/sources.csv"
    f.write_bytes(f.read_text(encoding="utf-8").encode("gbk", errors="replace"))


def revenue_2019(w, old, new):
    """Edit the FY2019 revenue row of the 2019 extract (printed 205,838,682 thousand)."""
    replace_line(w / "data/raw/xiaomi/2019/figures.csv", "xiaomi,2019,FY,revenue,205838682,",
                 lambda ln: ln.replace(old, new))


def na_value(w):
    revenue_2019(w, "205838682", "n/a")


def repeated_header(w):
    f = w / "data/raw/xiaomi/2017/figures.csv"
    text = f.read_text(encoding="utf-8")
    f.write_text(text + text, encoding="utf-8")


def no_sources(w):
    (w / "data/raw/xiaomi/2016/sources.csv").unlink()


def raised_last(w):
    edit(w / "workflow/config.yaml", "fiscal_years: {first: 2015, last: 2024}", "fiscal_years: {first: 2015, last: 2026}")


def first_after_last(w):
    edit(w / "workflow/config.yaml", "fiscal_years: {first: 2015, last: 2024}", "fiscal_years: {first: 2024, last: 2015}")


def duplicate_source_id(w):
    src = (w / "data/raw/xiaomi/2019/sources.csv").read_text(encoding="utf-8").splitlines()[1]
    sid = src.split(",")[0]
    with open(w / "data/raw/xiaomi/2020/sources.csv", "a", encoding="utf-8") as f:
        f.write(src + "\n")
    with open(w / "data/raw/xiaomi/2020/figures.csv", "a", encoding="utf-8") as f:
        f.write(f"xiaomi,2020,FY,revenue,245866,RMB_million,,{sid}\n")


def bad_period_end(w):
    edit(w / "data/raw/xiaomi/2019/sources.csv", ",2019-12-31,", ",2019-31-12,")


def blank_flag(w):
    f = w / "data/raw/xiaomi/2021/sources.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    rows[1][6] = " "
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    f.write_text(out.getvalue(), encoding="utf-8")


def no_scheme(w):
    edit(w / "data/raw/xiaomi/2022/sources.csv", ",https://", ",www.", 1)


def negative_count(w):
    replace_line(w / "data/raw/xiaomi/2022/figures.csv", "xiaomi,2022,FY,employees,35977,",
                 lambda ln: ln.replace("35977", "-35977"))


def negative_revenue(w):
    revenue_2019(w, "205838682", "-205838682")


def exponent(w):
    revenue_2019(w, "205838682", "1e30")


def huge_money(w):
    revenue_2019(w, ",FY,revenue,205838682,", ",FY,total_assets,205838682000000,")


def quarterly_only(w):
    f = w / "data/raw/xiaomi/2016/figures.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    f.write_text("\n".join([lines[0]] + [ln.replace(",FY,", ",Q4,") for ln in lines[1:]]) + "\n", encoding="utf-8")


def misnamed_folder(w):
    shutil.copytree(w / "data/raw/xiaomi/2024", w / "data/raw/xiaomi/FY2026")


def claim_typo(w):
    edit(w / "data/raw/claims/claims.csv", ",ratios,segment_gross_margin_iot_lifestyle,", ",ratios,segment_gross_margin_iot_lifestye,")


def market_typo(w):
    edit(w / "data/raw/market/cost_of_capital.csv", ",2020,3.203,percent,", ",2020,3.2O3,percent,")


def duplicate_key(w):
    edit(w / "workflow/config.yaml", "fiscal_years: {first: 2015, last: 2024}",
         "fiscal_years: {first: 2015, last: 2024, last: 2023}")


def erp_500(w):
    edit(w / "data/raw/market/cost_of_capital.csv", "damodaran_implied_erp_us_start_of_year,2020,5.20,",
         "damodaran_implied_erp_us_start_of_year,2020,500,")


def sign_in_parentheses(w):
    revenue_2019(w, "205838682", "(-205838682)")


def fullwidth_folder(w):
    shutil.copytree(w / "data/raw/xiaomi/2024", w / "data/raw/xiaomi/\uff12\uff10\uff12\uff15")


def far_year_folder(w):
    shutil.copytree(w / "data/raw/xiaomi/2024", w / "data/raw/xiaomi/0201")


def lower_case_source_id(w):
    edit(w / "data/raw/xiaomi/2019/sources.csv", "\nL00421,", "\nl00421,")


def oversized_field(w):
    edit(w / "data/raw/xiaomi/2019/sources.csv", ',"2019 Annual Report p.183,', ',"' + "x" * 200 * 1024 + " p.183,")


def phantom_waiver(w):
    (w / "data/raw/xiaomi/bound_waivers.csv").write_text(
        "source_id,item,fiscal_year,reason\nL99999,employees,2022,test: names no row\n", encoding="utf-8")


def claim_out_of_the_data(w):
    edit(w / "data/raw/claims/claims.csv", "equals,panel,smartphone_rank_global,2023,",
         "equals,panel,smartphone_rank_global,2031,")


CASES = {
    "duplicate_key": (duplicate_key, r"workflow/config\.yaml: key 'last' on line \d+ is already defined on line \d+"),
    "erp_500": (erp_500, r"cost_of_capital\.csv, row 13, column 'value': value of "
                         r"damodaran_implied_erp_us_start_of_year outside its plausible range; expected 0 to 20"),
    "sign_in_parentheses": (sign_in_parentheses, r"2019/figures\.csv, row \d+, column 'value': value is not a number "
                                                 r"\(a sign inside parentheses"),
    "fullwidth_folder": (fullwidth_folder, r"data/raw/xiaomi/\uff12\uff10\uff12\uff15/: unexpected folder name"),
    "far_year_folder": (far_year_folder, r"data/raw/xiaomi/0201/: a year folder far from the window"),
    "lower_case_source_id": (lower_case_source_id, r"2019/sources\.csv, row 2, column 'source_id': malformed "
                                                   r"source_id; expected an id matching"),
    "oversized_field": (oversized_field, r"2019/sources\.csv, row 2, column 'document': field of 204,8\d\d "
                                         r"characters; expected at most 4,000"),
    "phantom_waiver": (phantom_waiver, r"bound_waivers\.csv, row 2, column 'source_id': waiver for a row that does not "
                                       r"exist"),
    "claim_out_of_the_data": (claim_out_of_the_data, r"claims\.csv, row 21, column 'fiscal_year': a year outside the "
                                                     r"data"),
    "utf16": (utf16, r"data/raw/xiaomi/2019/figures\.csv: file is UTF-16 text; expected UTF-8"),
    "gbk": (gbk, r"data/raw/xiaomi/2018/sources\.csv: file is not UTF-8 text .*; expected UTF-8"),
    "na_value": (na_value, r"2019/figures\.csv, row \d+, column 'value': value is not a number .*found 'n/a'"),
    "repeated_header": (repeated_header, r"2017/figures\.csv, row \d+: the header line is repeated"),
    "no_sources": (no_sources, r"data/raw/xiaomi/2016/sources\.csv: missing; every fiscal year"),
    "raised_last": (raised_last, r"data/raw/xiaomi/2025/figures\.csv: missing|data/raw/xiaomi/2026/figures\.csv: missing"),
    "first_after_last": (first_after_last, r"fiscal_years: first \(2024\) is after last \(2015\)"),
    "duplicate_source_id": (duplicate_source_id, r"2020/sources\.csv, column 'source_id': source_id already used "
                                                 r"in another year folder"),
    "bad_period_end": (bad_period_end, r"2019/sources\.csv, row \d+, column 'doc_period_end': doc_period_end is not "
                                       r"a calendar date; expected YYYY-MM-DD"),
    "blank_flag": (blank_flag, r"2021/sources\.csv, row 2, column 'reliability_flag': unknown reliability flag"),
    "no_scheme": (no_scheme, r"2022/sources\.csv, row \d+, column 'url': URL without an http\(s\) scheme"),
    "negative_count": (negative_count, r"2022/figures\.csv, row \d+, column 'value': implausible value for employees; "
                                       r"expected a count"),
    "negative_revenue": (negative_revenue, r"2019/figures\.csv, row \d+, column 'value': implausible value for "
                                           r"revenue; expected .*nonnegative item cannot be negative"),
    "exponent": (exponent, r"2019/figures\.csv, row \d+, column 'value': value is not a number \(exponent notation"),
    "huge_money": (huge_money, r"2019/figures\.csv, row \d+, column 'value': implausible value for total_assets; "
                               r"expected a money figure is at most 20 x the year's revenue"),
    "quarterly_only": (quarterly_only, r"data/raw/xiaomi/2016/figures\.csv, column 'period': no full-year \(FY\) "
                                       r"figure"),
    "misnamed_folder": (misnamed_folder, r"data/raw/xiaomi/FY2026/: unexpected folder name; expected a four-digit"),
    "claim_typo": (claim_typo, r"claims\.csv, row \d+, column 'key': unknown key for table ratios"),
    "market_typo": (market_typo, r"cost_of_capital\.csv, row \d+, column 'value': market value is not a number.*"
                                 r"found '3\.2O3'"),
}


@pytest.fixture(scope="module")
def good(built):
    """The session's good build (tests/conftest.py), copied before every case."""
    return built


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_fails_on_every_run_and_leaves_no_current_looking_output(good, tmp_path, name):
    work = tmp_path / "w"
    shutil.copytree(good, work)          # outputs and .snakemake metadata of the last good build
    breaker, pattern = CASES[name]
    breaker(work)
    for attempt in (1, 2):
        r = snakemake(work)
        out = r.stdout + r.stderr
        assert r.returncode != 0, f"run {attempt} of {name} exited 0:\n{out[-2000:]}"
        assert re.search(pattern, out), f"run {attempt} of {name}: message not found:\n{out[-3000:]}"
        for f in ("reports/paper.html", "reports/paper.docx", "reports/manifest.tsv"):
            assert not (work / f).exists(), f"{f} survived run {attempt} of {name}"
    v = subprocess.run([sys.executable, str(ROOT / "tools/verify.py"), "--root", str(work)], capture_output=True, text=True,
                       cwd=work)
    assert v.returncode != 0


def test_a_bound_is_waived_for_one_row_with_a_stated_reason(good, tmp_path):
    work = tmp_path / "w"
    shutil.copytree(good, work)
    negative_count(work)
    sid = next(ln for ln in (work / "data/raw/xiaomi/2022/figures.csv").read_text().splitlines()
               if ",FY,employees,-35977," in ln).split(",")[-1]
    waivers = work / "data/raw/xiaomi/bound_waivers.csv"
    waivers.write_text(f"source_id,item,fiscal_year,reason\n{sid},employees,2022,\n", encoding="utf-8")
    r = snakemake(work, "data/processed/xiaomi/panel.csv")
    assert r.returncode != 0 and "a waiver needs a stated reason" in r.stdout + r.stderr
    waivers.write_text(f"source_id,item,fiscal_year,reason\n{sid},employees,2022,test: a deliberate sign flip\n",
                       encoding="utf-8")
    r = snakemake(work, "data/processed/xiaomi/panel.csv")
    assert r.returncode == 0, (r.stdout + r.stderr)[-2000:]


def test_a_path_with_a_space_is_refused_by_the_project(tmp_path):
    work = copy_repo(tmp_path / "with space")
    r = snakemake(work, "-n")
    assert r.returncode != 0
    assert "contains a space" in r.stdout + r.stderr


PAYLOADS = ["{{< include SECRET >}}", "<img src=\"http://198.51.100.7/x.png\">", "<b>raw html</b>",
            "![fetch](http://198.51.100.7/y.png)", "[@stewart_1991]", "see @tbl-nope", "#set page(width: 1cm)",
            "{{< var company >}}"]


def with_payload(path, columns, rows_to_change, payload):
    """Append the payload to `columns` of the first `rows_to_change` data rows of a CSV file (quoted as CSV)."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for r in rows[:rows_to_change]:
        for c in columns:
            r[c] = f"{r[c]} {payload}"
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_data_text_is_shown_as_text_in_every_output_and_the_build_needs_no_network(tmp_path):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.fail("unshare -n is needed to remove the network namespace for this test")
    token = "TOP-SECRET-7c1f"
    secret = tmp_path / "secret.txt"
    secret.write_text(token, encoding="utf-8")
    work = copy_repo(tmp_path / "p")
    payload = " ".join(PAYLOADS).replace("SECRET", str(secret))
    # every text field a reader meets: the claims' wording and English clause, the quotes and titles of the sources
    # (hover titles, the list of company documents), the market quotes (the cost-of-capital hover titles)
    with_payload(work / "data/raw/claims/claims.csv", ["wording", "claim_en"], 30, payload)
    for year in (2019, 2024):
        with_payload(work / f"data/raw/xiaomi/{year}/sources.csv", ["document", "evidence"], 200, payload)
    with_payload(work / "data/raw/market/cost_of_capital.csv", ["evidence"], 200, payload)
    r = subprocess.run(["unshare", "-n", sys.executable, "-m", "snakemake", "--cores", "2"], cwd=work,
                       capture_output=True, text=True, timeout=900, env=no_network_env())
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    leaks = [str(f.relative_to(work)) for d in ("reports", "data/interim", "data/processed")
             for f in (work / d).rglob("*") if f.is_file() and token.encode() in f.read_bytes()]
    assert leaks == []                                          # the include never acted, in any output
    html = " ".join((work / "reports/paper.html").read_text(encoding="utf-8").split())
    assert "{{&lt; include" in html and "{{&lt; var company &gt;}}" in html     # ... and is shown as text
    assert "see @tbl-nope" in html                              # not a cross-reference
    assert "http://198.51.100.7" in html and '<img src="http://198.51.100.7' not in html
    assert "&lt;b&gt;raw html&lt;/b&gt;" in html and "<b>raw html</b>" not in html
    typst = (work / "data/interim/paper/paper.typ").read_text(encoding="utf-8")
    assert "\n#set page(width: 1cm)" not in typst                # Typst code in data stays text
    from pypdf import PdfReader

    assert len(PdfReader(work / "reports/paper.pdf").pages) > 10
    log = "".join((work / f"logs/{rule}.log").read_text(encoding="utf-8") for rule in ("parse_paper", "render_paper"))
    log += r.stderr
    assert "Could not fetch" not in log
