"""Checks for uploaded files (tệp đính kèm): type by content, size limits, safe names.

The type of a file is decided from its bytes, never from its name or the
content type the browser sent: a PDF starts with ``%PDF-`` and ends with
``%%EOF``; a JPEG or PNG must be decoded by Pillow as that format. The
original name is kept for display only; files are stored under
:func:`storage_name`, which never contains anything the user typed.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image

MB = 1024 * 1024
KINDS = frozenset({"pdf", "jpeg", "png"})
MAX_NAME_LENGTH = 150
FALLBACK_STEM = "tep-dinh-kem"

_CHUNK_SIZE = 64 * 1024
# Acrobat accepts the header anywhere in the first 1024 bytes and the end-of-file
# marker anywhere in the last 1024; we only allow whitespace before the header so
# that an HTML page cannot pass as a PDF by hiding its markup in front of it.
_PDF_WINDOW = 1024
_PDF_HEADER = re.compile(rb"\A[ \t\r\n\f\x00]*%PDF-[12]\.\d")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"

_TYPES = {
    # kind: (content type, stored extension, extensions a display name may already have)
    "pdf": ("application/pdf", "pdf", {"pdf"}),
    "jpeg": ("image/jpeg", "jpg", {"jpg", "jpeg", "jpe", "jfif"}),
    "png": ("image/png", "png", {"png"}),
}
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
# Characters that mean something to a file system or a Content-Disposition header.
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*;\\/]')


class _Uploaded(Protocol):
    name: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...


@dataclass(frozen=True)
class CheckedUpload:
    """What :func:`check_upload` learned about an accepted file."""

    content_type: str
    extension: str
    size: int
    sha256: str
    safe_name: str


def max_file_bytes() -> int:
    """The per-file limit in bytes (setting ``CONGSO_UPLOAD_MAX_FILE_MB``)."""
    return settings.CONGSO_UPLOAD_MAX_FILE_MB * MB


def max_dossier_bytes() -> int:
    """The per-dossier limit in bytes (setting ``CONGSO_UPLOAD_MAX_DOSSIER_MB``)."""
    return settings.CONGSO_UPLOAD_MAX_DOSSIER_MB * MB


def check_upload(f: _Uploaded, *, allowed: set[str] | None = None) -> CheckedUpload:
    """Accept ``f`` if its content is one of the ``allowed`` kinds ("pdf", "jpeg", "png"; None = all).

    Reads the file once in chunks (hashing it), then rewinds it. Raises
    ``ValidationError`` with code ``file_empty``, ``file_too_large`` or ``file_type``.
    """
    kinds = KINDS if allowed is None else frozenset(allowed)
    unknown = kinds - KINDS
    if unknown or not kinds:
        raise ValueError(f"allowed must be a non-empty subset of {sorted(KINDS)}, got {sorted(allowed or ())}")
    shown_name = clean_filename(getattr(f, "name", None) or "")
    limit = max_file_bytes()

    declared_size = getattr(f, "size", None)
    if isinstance(declared_size, int) and declared_size > limit:
        raise _too_large(shown_name, declared_size, limit)

    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    for chunk in f.chunks(_CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            _rewind(f)
            raise _too_large(shown_name, size, limit)
        digest.update(chunk)
        if len(head) < _PDF_WINDOW:
            head += chunk[: _PDF_WINDOW - len(head)]
        tail = (tail + chunk)[-_PDF_WINDOW:]
    _rewind(f)

    if size == 0:
        raise ValidationError(
            _('Tệp "{name}" không có nội dung (0 byte). Vui lòng chọn lại tệp.').format(name=shown_name),
            code="file_empty",
        )

    kind = _sniff(f, head, tail, kinds)
    _rewind(f)
    if kind is None or kind not in kinds:
        raise ValidationError(
            _('Tệp "{name}" không đúng định dạng cho phép ({kinds}) hoặc đã bị hỏng.').format(
                name=shown_name, kinds=_kinds_label(kinds)
            ),
            code="file_type",
        )

    content_type, extension, _known = _TYPES[kind]
    return CheckedUpload(
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        safe_name=clean_filename(getattr(f, "name", None) or "", kind=kind),
    )


def check_total(sizes: Iterable[int], *, limit: int | None = None) -> None:
    """Refuse a dossier whose files together exceed ``limit`` bytes.

    ``limit`` defaults to ``CONGSO_UPLOAD_MAX_DOSSIER_MB``. Raises ``ValidationError``
    with code ``dossier_too_large``.
    """
    limit = max_dossier_bytes() if limit is None else limit
    total = sum(sizes)
    if total > limit:
        raise ValidationError(
            _("Tổng dung lượng các tệp của hồ sơ ({total} MB) vượt quá giới hạn {limit} MB.").format(
                total=_megabytes(total, above=limit), limit=_megabytes(limit)
            ),
            code="dossier_too_large",
        )


def storage_name(prefix: str, extension: str) -> str:
    """A fresh storage path ``{prefix}/{yyyy}/{mm}/{uuid4 hex}.{extension}`` (UTC month)."""
    now = datetime.now(UTC)
    return f"{prefix.strip('/')}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension.lstrip('.')}"


def clean_filename(name: str, *, kind: str | None = None) -> str:
    """The user's file name made safe to show: no folders, no control characters, at most 150 characters.

    Vietnamese letters are kept (NFC). With ``kind``, an extension matching the
    content is ensured (``anh.pdf`` holding a PNG is shown as ``anh.pdf.png``) and an
    empty name becomes ``tep-dinh-kem.<ext>``; without it the fallback is ``tep-dinh-kem``.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if char.isspace() else char for char in name)
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = " ".join(_UNSAFE_NAME_CHARS.sub("", name).split())

    extension = ""
    if kind is not None:
        _content_type, extension, known = _TYPES[kind]
        stem, dot, suffix = name.rpartition(".")
        if dot and suffix.lower() in known:
            name, extension = stem, suffix
    tail = f".{extension}" if extension else ""
    stem = name.strip(" .")[: MAX_NAME_LENGTH - len(tail)].rstrip(" .") or FALLBACK_STEM
    return stem + tail


def _sniff(f: _Uploaded, head: bytes, tail: bytes, kinds: frozenset[str]) -> str | None:
    if _PDF_HEADER.match(head):
        return "pdf" if b"%%EOF" in tail else None
    if head.startswith(_PNG_SIGNATURE):
        return "png" if "png" in kinds and _decodes_as(f, "png") else None
    if head.startswith(_JPEG_SIGNATURE):
        return "jpeg" if "jpeg" in kinds and _decodes_as(f, "jpeg") else None
    return None


def _decodes_as(f: _Uploaded, kind: str) -> bool:
    """True if Pillow reads the whole file as ``kind`` without a decompression-bomb warning."""
    pillow_format = _PILLOW_FORMATS[kind]
    # Only image kinds reach here and the file is at most the upload limit, so it fits in memory.
    _rewind(f)
    data = b"".join(f.chunks(_CHUNK_SIZE))
    # Untrusted bytes can make a decoder raise almost anything (struct.error, IndexError,
    # SyntaxError...): every failure means "not a usable image of this kind".
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[pillow_format]) as image:
                if image.format != pillow_format or _too_many_pixels(image.size):
                    return False
                image.verify()  # PNG: every chunk and its checksum
            if kind == "jpeg":
                # Pillow's verify() does nothing for JPEG: decode at 1/8 scale (cheap) to
                # prove the data is a real, complete picture.
                with Image.open(BytesIO(data), formats=[pillow_format]) as image:
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                    image.load()
    except Exception:  # noqa: BLE001
        return False
    return True


def _too_many_pixels(size: tuple[int, int]) -> bool:
    limit = Image.MAX_IMAGE_PIXELS
    return limit is not None and size[0] * size[1] > limit


def _rewind(f: _Uploaded) -> None:
    f.seek(0)


def _too_large(name: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        _('Tệp "{name}" ({size} MB) vượt quá dung lượng cho phép {limit} MB.').format(
            name=name, size=_megabytes(size, above=limit), limit=_megabytes(limit)
        ),
        code="file_too_large",
    )


def _kinds_label(kinds: frozenset[str]) -> str:
    return ", ".join(kind.upper() for kind in ("pdf", "jpeg", "png") if kind in kinds)


def _megabytes(size: int, *, above: int | None = None) -> str:
    """``10`` for exactly 10 MB, otherwise one decimal in the active language (``10,1``).

    A size reported as over the limit ``above`` never reads as equal to it (10.04 MB over 10 MB shows ``10,1``).
    """
    if size % MB == 0:
        return number_format(size // MB)
    tenths = max(1, round(size * 10 / MB))
    if above is not None and tenths * MB <= above * 10:
        tenths = math.floor(size * 10 / MB) + 1
    return number_format(tenths / 10, decimal_pos=1)
