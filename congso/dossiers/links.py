"""Absolute links printed on letters, encoded in QR codes and sent by e-mail."""

from django.conf import settings
from django.urls import reverse

from congso.dossiers.models import Dossier


def public_url(path: str) -> str:
    """``CONGSO_PUBLIC_URL`` + ``path``."""
    return settings.CONGSO_PUBLIC_URL.rstrip("/") + path


def tracking_url(dossier: Dossier) -> str:
    """The public tracking page of a dossier, its receipt code filled in."""
    return public_url(reverse("dossiers:track") + f"?code={dossier.receipt_code}")


def verify_url(dossier: Dossier) -> str:
    """The public page that confirms a result was issued (the result's QR code)."""
    return public_url(reverse("dossiers:verify", args=[dossier.result_token]))
