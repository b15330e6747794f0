import pytest

from corpfin.units import parse_number, resolution


@pytest.mark.parametrize("text,expected", [
    ("1234.5", 1234.5), ("-177284649", -177284649.0), ("(449377)", -449377.0), ("( 12.5 )", -12.5),
    ("0", 0.0), (".5", 0.5), ("+3", 3.0),
])
def test_parse_number_accepts_printed_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text,reason", [
    ("1,234", "thousands separator"), ("1,234.5", "thousands separator"), ("12,5", "decimal comma"),
    ("abc", "not a number"), ("", "empty"), ("12.3.4", "not a number"), ("nan", "not a number"),
    ("inf", "not a number"), ("865.78B", "not a number"), ("1e3", "exponent notation"),
    ("1.246e2", "exponent notation"), ("1e30", "exponent notation"), ("n/a", "not a number"),
])
def test_parse_number_refuses_garbage(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_number(text)


def test_resolution_is_half_the_last_printed_digit_in_canonical_units():
    # "36.8" RMB billion: last digit 0.1 bn = 100 RMB m -> half = 50 RMB m
    assert resolution("36.8", 1000) == pytest.approx(50.0)
    # RMB'000 statement figure: 1 thousand = 0.001 m -> 0.0005
    assert resolution("205838682", 0.001) == pytest.approx(0.0005)
    # 亿 with two decimals: 0.01 x 100 = 1 RMB m -> 0.5
    assert resolution("(149.69)", 100) == pytest.approx(0.5)
