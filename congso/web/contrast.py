"""WCAG 2.2 contrast of the design system's colour pairs.

The colours come from the ``:root`` tokens of ``congso.css``; ``PAIRS`` lists
every foreground/background combination the stylesheet uses, with the minimum
ratio it must reach (4.5:1 for text, 3:1 for borders, icons and the focus
ring). ``python -m congso.web.contrast`` prints the table kept in
docs/design-system.md.
"""

import re
from dataclasses import dataclass
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent / "static" / "web" / "css" / "congso.css"

TEXT = 4.5
NON_TEXT = 3.0

_ROOT_BLOCK = re.compile(r":root\s*\{(?P<body>[^}]*)\}")
_HEX_TOKEN = re.compile(r"(?P<name>--[\w-]+)\s*:\s*(?P<value>#[0-9a-fA-F]{6})\s*;")


@dataclass(frozen=True)
class Pair:
    """A foreground token drawn on a background token, and where the stylesheet does it."""

    foreground: str
    background: str
    minimum: float
    usage: str


PAIRS: list[Pair] = [
    Pair("--color-text", "--color-bg", TEXT, "body text"),
    Pair("--color-text", "--color-surface", TEXT, "text on hero, footer, table headers, empty states"),
    Pair("--color-text-muted", "--color-bg", TEXT, "hints, secondary text"),
    Pair("--color-text-muted", "--color-surface", TEXT, "footer notes, back-office nav heading"),
    Pair("--color-link", "--color-bg", TEXT, "links"),
    Pair("--color-link", "--color-surface", TEXT, "links on grey surfaces"),
    Pair("--color-link-hover", "--color-bg", TEXT, "links on hover"),
    Pair("--color-link-visited", "--color-bg", TEXT, "visited links"),
    Pair("--color-on-primary", "--color-primary", TEXT, "header, primary button, current page"),
    Pair("--color-on-primary", "--color-primary-dark", TEXT, "primary button on hover"),
    Pair("--color-primary", "--color-bg", TEXT, "secondary button"),
    Pair("--color-primary-dark", "--color-surface", TEXT, "secondary button on hover"),
    Pair("--color-on-accent", "--color-accent", TEXT, "skip link"),
    Pair("--color-error", "--color-bg", TEXT, "field errors, error summary links"),
    Pair("--color-bg", "--color-error", TEXT, "error icon"),
    Pair("--color-success-text", "--color-success-bg", TEXT, "success badge and alert"),
    Pair("--color-warning-text", "--color-warning-bg", TEXT, "warning badge and alert"),
    Pair("--color-danger-text", "--color-danger-bg", TEXT, "danger badge, error alert"),
    Pair("--color-info-text", "--color-info-bg", TEXT, "info badge and alert"),
    Pair("--color-neutral-text", "--color-neutral-bg", TEXT, "neutral badge"),
    Pair("--color-backoffice-text", "--color-backoffice-bg", TEXT, "back-office header, current module"),
    Pair("--color-border", "--color-bg", NON_TEXT, "form field borders"),
    Pair("--color-border", "--color-surface", NON_TEXT, "form field borders on grey"),
    Pair("--color-error", "--color-bg", NON_TEXT, "error borders"),
    Pair("--color-focus-ring", "--color-bg", NON_TEXT, "focus ring on white"),
    Pair("--color-focus-ring", "--color-surface", NON_TEXT, "focus ring on grey"),
    Pair("--color-focus", "--color-primary", NON_TEXT, "focus ring on the red header"),
    Pair("--color-focus", "--color-backoffice-bg", NON_TEXT, "focus ring on the back-office header"),
]


def css_tokens(css: str) -> dict[str, str]:
    """The ``--name: #rrggbb`` tokens declared in the stylesheet's ``:root`` block, lower-cased."""
    match = _ROOT_BLOCK.search(css)
    if match is None:
        return {}
    return {m["name"]: m["value"].lower() for m in _HEX_TOKEN.finditer(match["body"])}


def relative_luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    digits = hex_colour.lstrip("#")
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def pair_ratios(tokens: dict[str, str]) -> list[tuple[Pair, float]]:
    """Each pair of ``PAIRS`` with its contrast ratio under ``tokens``."""
    return [(pair, contrast_ratio(tokens[pair.foreground], tokens[pair.background])) for pair in PAIRS]


def markdown_table() -> str:
    """The contrast table of the current stylesheet, as Markdown."""
    tokens = css_tokens(STYLESHEET.read_text(encoding="utf-8"))
    lines = [
        "| foreground | background | ratio | minimum | used for |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for pair, ratio in pair_ratios(tokens):
        lines.append(
            f"| `{pair.foreground}` {tokens[pair.foreground]} | `{pair.background}` {tokens[pair.background]} "
            f"| {ratio:.2f}:1 | {pair.minimum:g}:1 | {pair.usage} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
