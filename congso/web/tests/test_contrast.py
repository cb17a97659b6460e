"""Every colour pair of the design system meets WCAG 2.2 AA, and the documented table is current."""

from pathlib import Path

import pytest

from congso.web.contrast import (
    NON_TEXT,
    PAIRS,
    STYLESHEET,
    TEXT,
    contrast_ratio,
    css_tokens,
    markdown_table,
    pair_ratios,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "design-system.md"


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_css_tokens_reads_only_the_root_block():
    css = ":root { --a: #FFFFFF; --b: 1rem; --c: #000000; }\n.x { --d: #123456; }"

    assert css_tokens(css) == {"--a": "#ffffff", "--c": "#000000"}


def test_every_pair_names_tokens_declared_in_the_stylesheet():
    tokens = css_tokens(STYLESHEET.read_text(encoding="utf-8"))

    missing = {name for pair in PAIRS for name in (pair.foreground, pair.background) if name not in tokens}

    assert missing == set()


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: f"{pair.foreground} on {pair.background}")
def test_pair_meets_its_minimum_ratio(pair):
    tokens = css_tokens(STYLESHEET.read_text(encoding="utf-8"))

    ratio = dict(pair_ratios(tokens))[pair]

    assert pair.minimum in (TEXT, NON_TEXT)
    assert ratio >= pair.minimum


def test_docs_show_the_current_contrast_table():
    assert markdown_table() in DOCS.read_text(encoding="utf-8")
