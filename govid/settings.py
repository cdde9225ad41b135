"""Django settings: every value can come from the environment; the embedded default needs none."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext

from govid.conf import read_block
from govid.env import env_block, env_bool, env_int, env_list, env_str, secret_key_from
from govid.sso.conf import SsoSettings, oauth2_provider_settings
from govid.sso.keys import signing_keys

django_stubs_ext.monkeypatch()  # lets admin and managers take type parameters at run time

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("GOVID_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()

SECRET_KEY = secret_key_from(VAR_DIR)
# Rotation: the old key here until every code, counter and link made under it has expired.
SECRET_KEY_FALLBACKS = env_list("GOVID_SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("GOVID_DEBUG", False)
ALLOWED_HOSTS = env_list("GOVID_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("GOVID_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "govid.audit",
    "govid.directory",
    "govid.passwords",
    "govid.sms",
    "govid.tasks",
    "govid.recovery",
    "govid.limits",
    "govid.captcha",
    "govid.sso",
    "govid.backoffice",
    "govid.web",
    "govid.ops",
    "govid.demo",
    "govid.sso.apps.OAuthConfig",  # django-oauth-toolkit, named in Vietnamese
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "govid.tasks.apps.TaskResultsConfig",  # django-tasks-db, named in Vietnamese
]

MIDDLEWARE = [
    "govid.ops.middleware.RequestMiddleware",
    "govid.sso.notices.events.NoticeRequestMiddleware",  # the browser a security notice names
    "govid.web.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govid.web.middleware.LanguageMiddleware",
    "govid.web.middleware.FriendlyErrorsMiddleware",
    "govid.directory.middleware.DirectoryUnavailableMiddleware",
    "govid.web.middleware.NulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "govid.sso.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "govid.urls"
WSGI_APPLICATION = "govid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govid.web.context.branding",
                "govid.backoffice.context.staff_links",
            ],
        },
    },
]

# SQLite under var/ by default; GOVID_DATABASE_URL=postgresql://... in production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("GOVID_DATABASE_URL", f"sqlite:///{VAR_DIR / 'govid.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue instead of deadlocking.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that tests with threads see one database with real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool (Django >= 5.1) replaces persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 2, "max_size": 20, "timeout": 10}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Counters (rate limits, login holds) live in the cache. By default the database, so that every
# process (the server's workers, manage.py accounts unblock) shares them (`make setup` runs
# `createcachetable`); Redis as soon as GOVID_REDIS_URL is set.
REDIS_URL = env_str("GOVID_REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "govid.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "govid",
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "govid_cache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    )
}

AUTH_USER_MODEL = "sso.User"
AUTHENTICATION_BACKENDS = ["govid.sso.backends.DirectoryBackend"]
LOGIN_URL = "sso:login"
LOGIN_REDIRECT_URL = "sso:account"

# The directory hashes its own passwords; Django's hashers only serve SqlDirectory.
PASSWORD_HASHERS = [
    "govid.passwords.hashers.OwaspArgon2idHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "govid.passwords.policy.MinimumLengthValidator"},
    {"NAME": "govid.passwords.policy.CharacterClassesValidator"},
    {"NAME": "govid.passwords.policy.AccountNameValidator"},
    {"NAME": "govid.passwords.policy.CommonPasswordValidator"},
]

# Sessions live with the counters: in Redis when it is there (no database write per login, and
# every instance sees them), else in the database.
SESSION_ENGINE = "govid.sso.session_store" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_SECURE = env_bool("GOVID_SECURE_COOKIES", False)
# Under TLS (GOVID_SECURE_COOKIES=1) the cookies take the "__Host-" prefix: the browser then
# keeps them Secure, for this host only and path "/" (ASVS 3.4.4). Cookies are also marked
# Secure on any TLS request (govid.web.headers), and Lax: sent on a relying party's redirect.
_HOST_PREFIX = "__Host-" if SESSION_COOKIE_SECURE else ""
SESSION_COOKIE_NAME = f"{_HOST_PREFIX}govid_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = f"{_HOST_PREFIX}govid_csrf"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "govid.web.errors.csrf_failure"
MESSAGE_STORAGE = "govid.web.messages.OnceEachStorage"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HSTS is sent on TLS requests only (Django's rule); X-Forwarded-Proto is believed from the
# trusted proxies only (govid.web.headers drops it from anyone else).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("GOVID_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GOVID_HSTS_INCLUDE_SUBDOMAINS", False)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "govid_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Form fields are short; anything bigger than this is not a person typing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "govid.ops.logging.RequestIdFilter"},
        "expected_refusals": {"()": "govid.ops.logging.ExpectedRefusalFilter"},
    },
    "formatters": {
        "plain": {"()": "govid.ops.logging.PlainFormatter"},
        "json": {"()": "govid.ops.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("GOVID_LOG_FORMAT", "plain"),
            "filters": ["request_id", "expected_refusals"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("GOVID_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The task worker logs every poll and every task at INFO; govid logs what matters.
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        # smpplib's wire log dumps whole PDUs (texts, so codes) at DEBUG: never below ERROR.
        # The SMPP session logs what matters itself (link up, down).
        "govid.sms.smpp.wire": {"level": "ERROR"},
        # pysaml2 logs whole assertions (names, addresses) at DEBUG and its schema loader
        # chats at INFO: the SAML views say what matters.
        "saml2": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
    },
}

# --- govid's own settings: one block per concern; each app's conf.py holds the defaults ---
GOVID_BRAND = env_block("GOVID_BRAND_")
GOVID_SUPPORT = env_block("GOVID_SUPPORT_")
GOVID_RECOVERY = env_block("GOVID_RECOVERY_")
GOVID_LIMITS = env_block("GOVID_LIMITS_")
GOVID_CAPTCHA = env_block("GOVID_CAPTCHA_")
GOVID_PASSWORDS = env_block("GOVID_PASSWORDS_")
if env_str("GOVID_PASSWORD_EXPIRY_NOTICE_DAYS", ""):
    GOVID_PASSWORDS["expiry_notice_days"] = env_str("GOVID_PASSWORD_EXPIRY_NOTICE_DAYS", "")
GOVID_DIRECTORY = {
    key: value
    for key, value in {
        "backend": env_str("GOVID_DIRECTORY", ""),
        "mail_domain": env_str("GOVID_MAIL_DOMAIN", ""),
        "mail_domains": env_str("GOVID_MAIL_DOMAINS", ""),
    }.items()
    if value
}
GOVID_OPS = env_block("GOVID_OPS_")
GOVID_LDAP = env_block("GOVID_LDAP_")
GOVID_ZIMBRA = env_block("GOVID_ZIMBRA_")
GOVID_BACKOFFICE = env_block("GOVID_BACKOFFICE_")
GOVID_SMS = {"outbox": str(VAR_DIR / "sms-outbox.jsonl"), **env_block("GOVID_SMS_")}
GOVID_SSO = env_block("GOVID_SSO_")
GOVID_FACTORS = env_block("GOVID_FACTORS_")
# Security notices (govid/sso/notices/): each event's channels, and the SMTP server of the
# e-mails (no GOVID_SMTP_HOST: no e-mail notices).
GOVID_NOTICES = env_block("GOVID_NOTICES_")
GOVID_SMTP = env_block("GOVID_SMTP_")
GOVID_DEMO = {"port": env_str("PORT", "8000")}  # the demo relying party's (make run's PORT)
_SSO = read_block(SsoSettings, "GOVID_SSO", GOVID_SSO)
SESSION_COOKIE_AGE = int(_SSO.remember_for.total_seconds())  # "Nhớ mật khẩu"
# django-oauth-toolkit, the OpenID Connect provider: derived from the same GOVID_SSO_* block.
OAUTH2_PROVIDER = oauth2_provider_settings(_SSO, signing_keys(VAR_DIR))
# Its own models, never swapped; named because govid's models point at them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105  (a model name)
GOVID_KANNEL = env_block("GOVID_KANNEL_")
GOVID_SMPP = env_block("GOVID_SMPP_")
GOVID_HTTP_SMS = env_block("GOVID_HTTP_SMS_")
GOVID_TASKS = env_block("GOVID_TASKS_")
GOVID_AUDIT = {"head_file": str(VAR_DIR / "audit-heads.jsonl"), **env_block("GOVID_AUDIT_")}
# Where gateways call back (delivery reports), e.g. https://login.soctrang.gov.vn
GOVID_PUBLIC_URL = env_str("GOVID_PUBLIC_URL", "").rstrip("/")

# Django's tasks API (the django-tasks backport): the queue is a database table, so a message
# and the task that sends it commit together. Workers: see govid/tasks/worker.py.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
