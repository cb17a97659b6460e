"""Seed the benchmark database and write the files the wrk script reads.

Run by ``bench.run`` after ``migrate`` with ``DJANGO_SETTINGS_MODULE=bench.settings``::

    python -m bench.seed --out DIR [--citizens 20] [--tracked 200] [--procedure 1.002755]

Writes into DIR: ``tokens.txt`` (one API key a line), ``submit_body_<n>.bin`` (citizen n's multipart submission
to the agency of ward n), ``submit_one_body_<n>.bin`` (the same, all to the first ward's agency) and
``submit_content_type.txt``, ``tracking_paths.txt`` (one tracking URL a line) and ``seed.json`` (what was seeded).
Everything goes through the project's services: the demo catalogue loader, ``citizen_register``,
``api_token_create`` and, for the dossiers to track, the submission API itself (in-process test client).
"""

import argparse
import io
import json
import os
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["CONGSO_BENCH_SEEDING"] = "1"  # cheap password hashing for the bench citizens (see bench/settings.py)

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from congso.accounts.models import User  # noqa: E402
from congso.accounts.services import api_token_create, citizen_register  # noqa: E402
from congso.procedures.form_schema import clean_submission  # noqa: E402
from congso.procedures.models import Procedure  # noqa: E402
from congso.web.demo import loader  # noqa: E402

BOUNDARY = "----congso-bench-7d1f3a9c"
SUBMIT_PATH = "/api/v1/dossiers/"
DEFAULT_PROCEDURE = "1.002755"  # Gia hạn tạm trú: fully online, one mandatory document (PDF accepted)


def small_pdf() -> bytes:
    """A one-page PDF of about 1 KB that passes the upload check (``%PDF-`` header, ``%%EOF`` trailer)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(200, 100), pageCompression=1)
    page.drawString(20, 50, "Cong So bench")
    page.save()
    return buffer.getvalue()


def citizen_identity(n: int) -> dict[str, Any]:
    """A valid, fictitious citizen: born 1990 in HCMC (province 079), phone 0987 6xx xxx."""
    return {
        "n": n,
        "personal_id": f"0790905{n:05d}",
        "full_name": f"Công Dân Thử Tải {n}",
        "date_of_birth": date(1990, 1, 1),
        "phone": f"09876{n:05d}",
        "email": f"bench{n}@example.vn",
    }


def _field_value(spec: dict, citizen: dict[str, Any]) -> Any:
    """A plausible valid value for one form field, from its type and bounds."""
    kind = spec["type"]
    name = spec["name"]
    required = spec.get("required", False)
    if kind == "personal_id":
        return citizen["personal_id"]
    if kind == "phone":
        return citizen["phone"]
    if kind == "email":
        return citizen["email"]
    if kind == "date":
        return "1990-01-01" if "birth" in name else date.today().replace(day=1).isoformat()
    if kind == "integer":
        low = spec.get("min", 1)
        return max(int(low), min(int(spec.get("max", 3)), 3))
    if kind == "decimal":
        return str(spec.get("min", "12.5"))
    if kind in ("select", "radio"):
        return spec["choices"][0][0]
    if kind == "checkbox":
        return bool(required)
    if kind == "textarea":
        return "Nội dung thử tải của hệ thống Công Sở."
    if "name" in name:
        return citizen["full_name"]
    if "address" in name:
        return "12 Lê Lợi, phường Sài Gòn, TP. Hồ Chí Minh"
    return "Thử tải"[: spec.get("max_length", 255)]


def form_data(procedure: Procedure, citizen: dict[str, Any]) -> dict[str, Any]:
    """Values for the whole application form, checked against the schema like the API will."""
    data = {spec["name"]: _field_value(spec, citizen) for spec in procedure.form_schema}
    clean_submission(procedure.form_schema, data)  # fails loudly here rather than with 400s under load
    return data


def submission_fields(procedure: Procedure, citizen: dict[str, Any], *, spread: bool) -> dict[str, str]:
    """The non-file multipart fields of ``POST /api/v1/dossiers/`` (see congso/dossiers/api.py ``SubmitForm``).

    When several agencies handle the procedure (one per ward), citizen n files with agency n (``spread``, as
    citizens of different wards do) or everybody with the first one (the busiest-counter case).
    """
    agencies = sorted(agency.code for agency in procedure.agencies.all() if agency.is_active)
    agency = agencies[citizen["n"] % len(agencies) if spread else 0] if len(agencies) > 1 else ""
    return {
        "procedure": procedure.code,
        "agency": agency,
        "data": json.dumps(form_data(procedure, citizen), ensure_ascii=False),
        "applicant_phone": citizen["phone"],
        "applicant_email": citizen["email"],
        "applicant_address": "12 Lê Lợi, phường Sài Gòn, TP. Hồ Chí Minh",
    }


def attachment_fields(procedure: Procedure) -> list[str]:
    """``doc_<id>`` for every mandatory document (the bench procedure has one)."""
    return [f"doc_{document.pk}" for document in procedure.documents.filter(is_mandatory=True).order_by("order")]


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> bytes:
    """An RFC 7578 body with CRLF line ends, as a browser or HTTP library sends it."""
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    for name, (filename, content_type, content) in files.items():
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def seed_catalogue() -> None:
    """Administrative units, agencies, the procedure catalogue and the demo staff, through the demo loader.

    The loader's steps are called one by one so that no demo dossier history is generated: the bench measures
    its own dossiers on an otherwise small database.
    """
    with transaction.atomic():
        loader.load_units()
        loader.load_agencies()
        loader.load_procedures()
        loader.load_accounts()


def seed_citizens(count: int) -> list[tuple[dict[str, Any], str]]:
    """``count`` citizen accounts, each with one API key."""
    citizens = []
    for n in range(count):
        identity = citizen_identity(n)
        user = User.objects.filter(personal_id=identity["personal_id"]).first()
        if user is None:
            fields = {key: value for key, value in identity.items() if key != "n"}
            user = citizen_register(**fields, password=f"bench-{uuid.uuid4().hex}", consent=True)
        _token, key = api_token_create(user=user, name="bench")
        citizens.append((identity, key))
    return citizens


def seed_tracked(
    procedure: Procedure, citizens: list[tuple[dict[str, Any], str]], count: int, *, spread: bool
) -> list[str]:
    """Submit ``count`` dossiers through the API; return their tracking paths."""
    client = Client()
    pdf = small_pdf()
    paths = []
    for n in range(count):
        identity, key = citizens[n % len(citizens)]
        payload: dict[str, Any] = submission_fields(procedure, identity, spread=spread)
        for name in attachment_fields(procedure):
            payload[name] = _named_file(pdf)
        response = client.post(
            SUBMIT_PATH,
            payload,
            headers={"authorization": f"Bearer {key}", "idempotency-key": f"bench-seed-{n}-{uuid.uuid4().hex}"},
        )
        if response.status_code not in (200, 201):
            raise SystemExit(f"seed submission failed: {response.status_code} {response.content[:500]!r}")
        receipt = response.json()["receipt_code"]
        paths.append(f"/api/v1/dossiers/tracking/{receipt}?phone_last4={identity['phone'][-4:]}")
    return paths


def _named_file(content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = "to-khai.pdf"
    return upload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--citizens", type=int, default=20)
    parser.add_argument("--tracked", type=int, default=200)
    parser.add_argument("--procedure", default=DEFAULT_PROCEDURE)
    parser.add_argument("--no-dossiers", action="store_true", help="only the floor can run (no dossiers API yet)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    seed_catalogue()
    citizens = seed_citizens(args.citizens)
    (args.out / "tokens.txt").write_text("".join(key + "\n" for _identity, key in citizens))
    summary: dict[str, Any] = {"citizens": len(citizens), "procedure": args.procedure}

    if not args.no_dossiers:
        procedure = Procedure.objects.get(code=args.procedure)
        files = {name: ("to-khai.pdf", "application/pdf", small_pdf()) for name in attachment_fields(procedure)}
        for n, (identity, _key) in enumerate(citizens):
            # One body per citizen: the load generator sends body n with key n.
            body = multipart(submission_fields(procedure, identity, spread=True), files)
            (args.out / f"submit_body_{n}.bin").write_bytes(body)
            one = multipart(submission_fields(procedure, identity, spread=False), files)
            (args.out / f"submit_one_body_{n}.bin").write_bytes(one)
        (args.out / "submit_content_type.txt").write_text(f"multipart/form-data; boundary={BOUNDARY}\n")
        paths = seed_tracked(procedure, citizens, args.tracked, spread=True)
        (args.out / "tracking_paths.txt").write_text("".join(path + "\n" for path in paths))
        agencies = len({a.pk for a in procedure.agencies.all() if a.is_active})
        summary |= {
            "tracked": len(paths),
            "submit_body_bytes": len(body),
            "attachments": len(files),
            "agencies": agencies,
        }

    summary["seconds"] = round(time.monotonic() - started, 1)
    (args.out / "seed.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
