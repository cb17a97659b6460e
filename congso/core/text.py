"""Text folding so that Vietnamese typed without diacritics still matches."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d included) and collapse white space.

    >>> fold("Phường  Bến Thành")
    'phuong ben thanh'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def search_terms(query: str) -> list[str]:
    """Folded words of a user's query, at most 10, each at most 50 characters.

    Control characters (a NUL byte, for one, which PostgreSQL refuses) are dropped.
    """
    printable = "".join(ch for ch in query if not unicodedata.category(ch).startswith("C"))
    return [word[:50] for word in fold(printable).split(" ") if word][:10]
