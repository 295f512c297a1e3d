from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from cqs.accounts.models import User

ROOT = Path(__file__).resolve().parents[3]
LONG_KEY = "k9!Qz" * 12  # 60 characters, varied enough for Django's own check
# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the session; a deployment never has it.
ENV_VARS_TO_DROP = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "CQS_ENV",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
)


def _csp(response) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("canbo", password="Mat-khau-2025", full_name="Lê Văn Cường")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_security_headers_on_pages(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    for sources in csp.values():
        for source in sources:
            assert source in {"'self'", "'none'", "data:"}, f"unexpected CSP source {source}"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_security_headers_on_redirects_and_errors(client):
    for response in (client.get("/"), client.get("/khong-ton-tai/")):
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(client, staff):
    client.force_login(staff)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only(client, staff):
    page = client.get(reverse("accounts:login"))
    csrf_cookie = page.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"
    response = client.post(reverse("accounts:login"), {"username": "canbo", "password": "Mat-khau-2025"})
    assert response.status_code == 302
    session_cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert not session_cookie["max-age"], "session cookie must end with the browser"


def test_htmx_requests_carry_the_csrf_token_from_the_page_not_the_cookie():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert 'hx-headers=\'{"X-CSRFToken": "{{ csrf_token }}"}\'' in base
    assert '"includeIndicatorStyles": false' in base


@pytest.mark.django_db
def test_home_page_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/tai-khoan/dang-nhap/?next=/"


@pytest.mark.django_db
def test_csrf_failure_page_is_vietnamese(staff):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "canbo", "password": "Mat-khau-2025"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in html
    assert '<html lang="vi">' in html
    assert "CSRF cookie not set" not in html
    assert "Forbidden" not in html
    assert "Content-Security-Policy" in response.headers


# --- no external assets -------------------------------------------------------------------

EXTERNAL_ASSET = re.compile(
    r"""(?:src|href|action|data-src|srcset)\s*=\s*["']\s*(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)


def _asset_files() -> list[Path]:
    files = [*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("static").rglob("*.css")]
    files += list(ROOT.joinpath("cqs").rglob("templates/**/*.html"))
    return files


def test_external_asset_pattern_catches_cdn_links():
    assert EXTERNAL_ASSET.search('<script src="https://cdn.example.com/htmx.js">')
    assert EXTERNAL_ASSET.search("<link href='//fonts.example.com/x.css'>")
    assert EXTERNAL_ASSET.search("body { background: url(http://x.example/a.png) }")
    assert EXTERNAL_ASSET.search('@import "https://fonts.example.com/css";')
    assert not EXTERNAL_ASSET.search('<script src="/static/django_htmx/htmx-2.min.js">')
    assert not EXTERNAL_ASSET.search("<a href=\"{% url 'home' %}\">")


def test_no_template_or_stylesheet_loads_external_assets():
    files = _asset_files()
    assert any(f.name == "base.html" for f in files)
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in files
        for match in EXTERNAL_ASSET.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


DJANGO_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def test_templates_have_no_inline_script_or_style():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    inline_style = re.compile(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for path in ROOT.joinpath("templates").rglob("*.html"):
        text = DJANGO_COMMENT.sub("", path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in inline_script.finditer(text)]
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in inline_style.finditer(text)]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/tai-khoan/dang-nhap/", "/quan-tri/login/"])
def test_rendered_pages_reference_only_local_assets(client, url):
    html = client.get(url).content.decode()
    assert EXTERNAL_ASSET.findall(html) == []


# --- production refusal (settings are evaluated at import: use a fresh interpreter) -------


def _run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base_env = {k: v for k, v in os.environ.items() if k not in ENV_VARS_TO_DROP}
    base_env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    base_env.update(env)
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=base_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


IMPORT_SETTINGS = [
    "-c",
    "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
]


def test_production_refuses_debug():
    result = _run(IMPORT_SETTINGS, CQS_ENV="production", DEBUG="1", SECRET_KEY=LONG_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CQS_ENV=production nhưng DEBUG đang bật." in result.stderr


def test_production_refuses_the_development_key():
    result = _run(IMPORT_SETTINGS, CQS_ENV="production", DEBUG="0")
    assert result.returncode != 0
    assert "cần SECRET_KEY riêng" in result.stderr


def test_production_refuses_a_short_key():
    result = _run(IMPORT_SETTINGS, CQS_ENV="production", DEBUG="0", SECRET_KEY="ngan-qua")
    assert result.returncode != 0
    assert "cần SECRET_KEY riêng" in result.stderr


def test_production_starts_with_debug_off_and_a_long_key():
    result = _run(IMPORT_SETTINGS, CQS_ENV="production", DEBUG="0", SECRET_KEY=LONG_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"

    check = _run(["manage.py", "check", "--deploy"], CQS_ENV="production", DEBUG="0", SECRET_KEY=LONG_KEY)
    output = check.stdout + check.stderr
    assert "cqs.E00" not in output, output
    assert check.returncode == 0, output


def test_deploy_check_fails_on_the_development_key():
    check = _run(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], DEBUG="0")
    assert check.returncode != 0
    assert "cqs.E002" in check.stderr
    assert "SECRET_KEY là khóa phát triển hoặc quá ngắn." in check.stderr
    assert "cqs.E001" not in check.stderr


def test_deploy_check_fails_on_debug():
    check = _run(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], DEBUG="1", SECRET_KEY=LONG_KEY)
    assert check.returncode != 0
    assert "cqs.E001" in check.stderr
    assert "cqs.E002" not in check.stderr


def test_csp_check_refuses_unsafe_inline(settings):
    from cqs.core.checks import check_production_settings

    settings.DEBUG = False
    settings.SECRET_KEY = LONG_KEY
    assert check_production_settings() == []
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    assert [e.id for e in check_production_settings()] == ["cqs.E003"]
    settings.CONTENT_SECURITY_POLICY = "default-src 'self' https://cdn.example.com"
    assert [e.id for e in check_production_settings()] == ["cqs.E003"]
    settings.CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self' 'sha256-abc='"
    assert check_production_settings() == []
