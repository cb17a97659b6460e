"""The English translation: switching language renders English, and the catalogue is complete and compiled."""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from congso.web.tests.factories import ProcedureFactory

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# Proper names and words that are the same in both languages.
SAME_IN_ENGLISH = {"Công Sở", "English", "Menu"}


# --- Switching language -----------------------------------------------------------------------------


def _switch_to_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_setlang_renders_the_home_page_in_english(client):
    ProcedureFactory(name="Đăng ký khai sinh")
    _switch_to_english(client)

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Complete administrative procedures online" in html
    assert "Skip to main content" in html
    assert "Find an administrative procedure" in html
    assert "Procedures you can apply for online" in html
    assert "3 working day(s)" in html
    assert 'aria-label="Main navigation"' in html
    assert "Ho Chi Minh City Public Service Portal" in html
    # The switcher offers Vietnamese, named in Vietnamese.
    assert 'value="vi" lang="vi">Tiếng Việt</button>' in html
    assert "Làm thủ tục hành chính trực tuyến" not in html
    assert "Bỏ qua, đến nội dung chính" not in html


@pytest.mark.django_db
def test_setlang_renders_the_procedure_search_in_english(client):
    ProcedureFactory(name="Đăng ký khai sinh")
    _switch_to_english(client)

    html = client.get("/procedures/").content.decode()

    assert '<html lang="en">' in html
    assert "<h1>Search administrative procedures</h1>" in html
    assert "Filter results" in html
    assert "Apply filters" in html
    assert "Clear filters" in html
    assert "1 procedure found" in html
    assert "Online service level" in html
    assert "Tra cứu thủ tục hành chính" not in html
    assert "Lọc kết quả" not in html


@pytest.mark.django_db
def test_without_a_choice_the_site_stays_in_vietnamese(client):
    html = client.get("/procedures/").content.decode()

    assert '<html lang="vi">' in html
    assert "Tra cứu thủ tục hành chính" in html


@pytest.mark.django_db
def test_switching_back_to_vietnamese(client):
    _switch_to_english(client)
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})

    html = client.get("/").content.decode()

    assert '<html lang="vi">' in html
    assert "Làm thủ tục hành chính trực tuyến" in html


# --- The catalogue ------------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(0)), text)


def parse_po(text: str) -> list[Entry]:
    """A minimal reader for the .po files xgettext and msgmerge write: one entry per blank-line-separated block.

    Obsolete (``#~``) lines are skipped; other comments are ignored apart from the ``#,`` flags.
    """
    entries: list[Entry] = []
    line_number = 1
    for block in re.split(r"\n[ \t]*\n", text):
        entry, key = Entry(line_number), ""
        for offset, raw in enumerate(block.splitlines()):
            line = raw.strip()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif not line or line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert key, f"line {line_number + offset}: continuation without a keyword"
                entry.fields[key] += _unquote(line[1:-1])
            else:
                match = _KEYWORD.match(line)
                assert match, f"line {line_number + offset}: cannot parse {raw!r}"
                key = match.group(1)
                entry.fields[key] = _unquote(match.group(2))
        if "msgid" in entry.fields:
            entries.append(entry)
        line_number += block.count("\n") + 2
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def _messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid]


def test_the_parser_reads_plurals_flags_and_continuations():
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        "#: a.py:1\n#, fuzzy, python-format\n"
        'msgid ""\n"Hai "\n"dòng"\nmsgstr "Two \\"lines\\""\n\n'
        'msgid "%(n)s thủ tục"\nmsgid_plural "%(n)s thủ tục"\nmsgstr[0] "%(n)s procedure"\nmsgstr[1] ""\n'
    )

    assert [entry.msgid for entry in entries] == ["", "Hai dòng", "%(n)s thủ tục"]
    assert entries[0].fields["msgstr"] == "Language: en\n"
    assert entries[1].flags == {"fuzzy", "python-format"}
    assert entries[1].translations == ['Two "lines"']
    assert entries[2].translations == ["%(n)s procedure", ""]


def test_the_english_catalogue_has_its_header_and_plural_forms(po_entries):
    header = po_entries[0]

    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.fields["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.fields["msgstr"]
    assert "charset=UTF-8" in header.fields["msgstr"]


def test_every_english_entry_is_translated_and_not_fuzzy(po_entries):
    messages = _messages(po_entries)
    assert len(messages) > 500

    fuzzy = [entry.msgid for entry in messages if "fuzzy" in entry.flags]
    untranslated = [entry.msgid for entry in messages if not all(entry.translations)]
    copied = [
        entry.msgid for entry in messages if entry.msgid in entry.translations and entry.msgid not in SAME_IN_ENGLISH
    ]
    plurals_incomplete = [
        entry.msgid for entry in messages if "msgid_plural" in entry.fields and len(entry.translations) != 2
    ]

    assert fuzzy == []
    assert untranslated == []
    assert copied == []
    assert plurals_incomplete == []


# Interpolation placeholders and inline HTML (not the “<username>” of a command line in help text).
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|</?(?:a|abbr|b|br|code|em|i|kbd|span|strong)\b[^>]*>")


def test_translations_keep_placeholders_and_markup(po_entries):
    mismatched = []
    for entry in _messages(po_entries):
        expected = sorted(_PLACEHOLDER.findall(entry.msgid))
        for translation in entry.translations:
            if sorted(_PLACEHOLDER.findall(translation)) != expected:
                mismatched.append((entry.msgid, translation))

    assert mismatched == []


def test_the_compiled_catalogue_matches_the_po_file(po_entries):
    """The committed .mo serves English on machines without gettext: it must be compiled from this .po."""
    with MO_FILE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)

    stale = []
    for entry in _messages(po_entries):
        context = entry.fields.get("msgctxt")
        if "msgid_plural" in entry.fields:
            for count, expected in ((1, entry.fields["msgstr[0]"]), (2, entry.fields["msgstr[1]"])):
                if context is None:
                    got = catalogue.ngettext(entry.msgid, entry.fields["msgid_plural"], count)
                else:
                    got = catalogue.npgettext(context, entry.msgid, entry.fields["msgid_plural"], count)
                if got != expected:
                    stale.append((entry.msgid, count, got, expected))
        else:
            expected = entry.fields["msgstr"]
            got = catalogue.gettext(entry.msgid) if context is None else catalogue.pgettext(context, entry.msgid)
            if got != expected:
                stale.append((entry.msgid, got, expected))

    assert stale == [], "locale/en/LC_MESSAGES/django.mo is out of date: run `make messages` / compilemessages"
    # No leftovers either: the .mo holds the header ("") plus one string per msgstr of the .po.
    assert len(catalogue._catalog) == 1 + sum(len(entry.translations) for entry in _messages(po_entries))
