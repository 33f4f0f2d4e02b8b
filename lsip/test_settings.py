"""The one override the test suite needs: a throwaway key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-key-not-used-anywhere-else-0123456789")

from lsip.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files are served by runserver in development and collected in production; the
# suite needs neither, and WhiteNoise would warn about the missing STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
