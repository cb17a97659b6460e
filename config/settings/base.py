"""Settings for Công Sở, read from the environment.

Every value has a safe default for the embedded demo (SQLite, local files,
console e-mail). Production sets the variables documented in README.md.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CONGSO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-demo-key-only-for-local-use"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "congso.core",
    "congso.geo",
    "congso.accounts",
    "congso.agencies",
    "congso.procedures",
    "congso.notify",
    "congso.dossiers",
    "congso.opendata",
    "congso.web",
    "congso.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "congso.core.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "congso.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'congso.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Lock an account (per username) after repeated failures; unlock after a cool-off.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
# Per account, whatever the address: a guesser rotating IPs is still stopped. The
# price (someone can lock a known account for the cool-off) is accepted; see ADR 0001.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "congso.accounts.views.lockout_response"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "congso.web.views.csrf_failure"
OTP_TOTP_ISSUER = "Công Sở"

# --- Security headers ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)

# --- Language and time ------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Day-first date input (Django's vi locale would read 11/10/2026 as 10 November).
FORMAT_MODULE_PATH = ["congso.core.formats"]

# --- Files ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if env_str("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_MEMORY_BYTES", 2_621_440)
# Limits on what applicants attach (congso.core.uploads), in MB (1 MB = 1024 × 1024 bytes).
CONGSO_UPLOAD_MAX_FILE_MB = env_int("CONGSO_UPLOAD_MAX_FILE_MB", 10)
CONGSO_UPLOAD_MAX_DOSSIER_MB = env_int("CONGSO_UPLOAD_MAX_DOSSIER_MB", 50)
# Open data: the largest file a publisher may upload, in MB; counts below this are published as "<N".
CONGSO_OPENDATA_MAX_UPLOAD_MB = env_int("CONGSO_OPENDATA_MAX_UPLOAD_MB", 128)
CONGSO_OPENDATA_MIN_CELL = env_int("CONGSO_OPENDATA_MIN_CELL", 5)
for _name, _value in [
    ("CONGSO_UPLOAD_MAX_FILE_MB", CONGSO_UPLOAD_MAX_FILE_MB),
    ("CONGSO_UPLOAD_MAX_DOSSIER_MB", CONGSO_UPLOAD_MAX_DOSSIER_MB),
    ("CONGSO_OPENDATA_MAX_UPLOAD_MB", CONGSO_OPENDATA_MAX_UPLOAD_MB),
    ("CONGSO_OPENDATA_MIN_CELL", CONGSO_OPENDATA_MIN_CELL),
]:
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be a positive number of megabytes, got {_value}")

# --- E-mail -----------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Công Sở <no-reply@congso.local>")

# --- Background tasks (Django tasks API) ---------------------------------------------
# "immediate" runs each task in the process that enqueues it (embedded demo, tests);
# "database" queues it for `manage.py db_worker` (production).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate").strip().lower()
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, got {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# --- Công Sở domain settings (see DOMAIN.md: configurable defaults) ----------------
# Office hours as "HH:MM-HH:MM" ranges; work received after the last range
# counts from the next working morning.
# Absolute address of the site, printed on letters and in QR codes.
CONGSO_PUBLIC_URL = env_str("CONGSO_PUBLIC_URL", "http://127.0.0.1:8000")
CONGSO_OFFICE_HOURS = env_list("CONGSO_OFFICE_HOURS", ["07:00-11:30", "13:30-17:00"])
# How notifications (thông báo) go out: registered channel names or dotted paths to
# congso.notify.channels.Channel subclasses.
CONGSO_NOTIFY_CHANNELS = ["inbox", "email"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
