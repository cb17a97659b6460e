"""Settings for the load benchmark only: production settings plus the floor view.

``bench.run`` serves the app with these settings under gunicorn against a throw-away PostgreSQL database
(``DATABASE_URL``, set by the runner). Never deploy with them: the secret key below is public.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-public-key-never-deploy")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings.base import *  # noqa: F403

# The floor view (a trivial response through the whole middleware stack) lives only here.
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# Static files are not measured: serve them from the apps, so no collectstatic/manifest is needed with DEBUG off.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None

# Seeding only (``bench.seed`` sets the variable): the production hasher (PBKDF2, about 2.7 s a password on the
# bench machine) would make creating the bench citizens take minutes. The served app keeps the production hashers;
# the bench never signs in with a password (it uses API bearer tokens).
if os.environ.get("CONGSO_BENCH_SEEDING") == "1":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
