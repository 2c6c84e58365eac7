"""docs/deploy.md's nginx configuration, run as written in front of gunicorn as `make serve`
starts it: pages load over TLS with HSTS, plain HTTP is sent to HTTPS, logging in works with
Secure cookies, the app sees the client's address, and eight slowloris connections, which
freeze gunicorn on its own, do not keep anyone else waiting behind nginx."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from annotator import create_app
from annotator.models import User

from .conftest import ROOT, TEST_PASSWORD, csrf_token_from

DEPLOY_DOC = ROOT / "docs" / "deploy.md"
SECRET_KEY = "deploy-test-secret-key-that-is-long-enough-0123456789"
WORKERS = 2  # make serve's two workers of four threads each: eight threads in all
# Eight slow connections freeze gunicorn when they are spread evenly over its two workers;
# a worker often takes several at once, so the test sends 64 to be sure they are.
SLOW_CLIENTS = 64
FEW_SECONDS = 3


def _nginx() -> str:
    """The nginx binary, or a skip (a failure in CI, which installs it)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        message = "nginx not found: apt-get install nginx-light to test docs/deploy.md"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run it)")
        pytest.skip(message)
    return found


def documented_nginx_config() -> str:
    """The one nginx block of docs/deploy.md."""
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOY_DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/deploy.md should hold exactly one nginx block"
    return blocks[0]


def _replace(config: str, old: str, new: str) -> str:
    assert old in config, f"docs/deploy.md's nginx block no longer has {old!r}"
    return config.replace(old, new)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers on port {port}: {log.read_text(errors='replace')}")


def _wait_for_workers(port: int, process: subprocess.Popen, logs: tuple[Path, Path]) -> None:  # type: ignore[type-arg]
    """Wait until both gunicorn workers have loaded the app and answered (the access log
    names each worker's pid): a worker still starting would take requests later."""
    _wait_for_port(port, process, logs[1])
    deadline = time.monotonic() + 180  # the app's imports take seconds on a busy machine
    while time.monotonic() < deadline:
        _answer_time(f"http://127.0.0.1:{port}/healthz?warm-up", None, 60)
        if len(set(re.findall(r" <(\d+)> ", logs[0].read_text()))) == WORKERS:
            return
    raise AssertionError(f"gunicorn's workers did not all start: {logs[1].read_text()}")


def _self_signed_certificate(folder: Path) -> Path:
    """A certificate for 127.0.0.1 (cert.pem, its key in key.pem) for the test's nginx."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert


def _nginx_conf(folder: Path, error_log: Path, https: int, plain: int, app: int) -> Path:
    """An nginx.conf holding docs/deploy.md's block in its http section, with the test's
    certificate and ports, and every file nginx writes inside ``folder``."""
    config = documented_nginx_config()
    for old, new in (
        ("/etc/letsencrypt/live/annotator.example.org/fullchain.pem", folder / "cert.pem"),
        ("/etc/letsencrypt/live/annotator.example.org/privkey.pem", folder / "key.pem"),
        ("annotator.example.org", "127.0.0.1"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{plain};"),
        ("http://127.0.0.1:8000", f"http://127.0.0.1:{app}"),
    ):
        config = _replace(config, old, str(new))
    temporary = " ".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""
        {"user root;" if os.geteuid() == 0 else ""}
        daemon off;
        worker_processes 1;
        pid {folder / "nginx.pid"};
        error_log {error_log} warn;
        events {{ worker_connections 512; }}
        http {{
            access_log {folder / "logs" / "nginx-access.log"};
            {temporary}
            {config}
        }}
        """,
        encoding="utf-8",
    )
    return conf


@dataclass
class Site:
    """gunicorn behind nginx, as docs/deploy.md sets them up."""

    https: str
    http: str
    gunicorn_port: int
    tls: ssl.SSLContext
    access_log: Path
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def opener(self) -> urllib.request.OpenerDirector:
        """A browser-like client: trusts the site's certificate, keeps cookies."""
        return urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.tls),
            urllib.request.HTTPCookieProcessor(self.cookies),
        )


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    """The app under gunicorn (on the test database) with the documented nginx in front,
    over a self-signed certificate; every file and port of its own."""
    nginx = _nginx()
    folder = tmp_path / "site"
    (folder / "logs").mkdir(parents=True)
    cert = _self_signed_certificate(folder)
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "ANNOTATOR_INSTANCE_PATH": str(folder / "instance"),
        "ANNOTATOR_PROXY_FIX": "1",
        "ANNOTATOR_SECURE_COOKIES": "1",
    }
    error_log = folder / "logs" / "nginx-error.log"
    conf = _nginx_conf(folder, error_log, https_port, http_port, app_port)
    nginx_command = [nginx, "-p", str(folder), "-e", str(error_log), "-c", str(conf)]
    checked = subprocess.run([*nginx_command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    logs = (folder / "logs" / "gunicorn-access.log", folder / "logs" / "gunicorn.log")
    gunicorn_output = logs[1].open("wb")
    gunicorn = proxy = None
    try:
        # The Makefile's `serve` line on a port of the test's own; the access log also names
        # the worker (%(p)s) that answered.
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", "4"]
            + ["--bind", f"127.0.0.1:{app_port}", "--access-logfile", str(logs[0])]
            + ["--access-logformat", '%(h)s %(p)s "%(r)s" %(s)s', "annotator:create_app()"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=gunicorn_output,
        )
        proxy = subprocess.Popen(
            nginx_command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_for_workers(app_port, gunicorn, logs)
        _wait_for_port(https_port, proxy, error_log)
        tls = ssl.create_default_context(cafile=str(cert))
        yield Site(
            f"https://127.0.0.1:{https_port}",
            f"http://127.0.0.1:{http_port}",
            app_port,
            tls,
            logs[0],
        )
    finally:
        # Both stop at once: nginx on TERM, gunicorn on INT (TERM would wait for its workers).
        for process, stop in ((proxy, signal.SIGTERM), (gunicorn, signal.SIGINT)):
            if process is not None:
                process.send_signal(stop)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        gunicorn_output.close()


def test_the_site_works_through_the_documented_nginx(
    site: Site, make_user: Callable[..., User]
) -> None:
    """Over TLS the login page loads with Strict-Transport-Security and no nginx version;
    plain HTTP only redirects to HTTPS; a user logs in as a browser would (the form, its CSRF
    token, the page's Referer) and gets a Secure, HttpOnly session cookie that opens the
    pages after it; and the app sees the address that connected to nginx, not nginx's own
    (ANNOTATOR_PROXY_FIX=1: the access log and the login throttle name the client)."""
    make_user("alice")
    browser = site.opener()
    with browser.open(site.https + "/login", timeout=30) as page:
        assert page.status == 200
        assert page.headers["Strict-Transport-Security"] == "max-age=63072000"
        assert page.headers["Server"] == "nginx"
        token = csrf_token_from(page.read().decode())

    plain = http.client.HTTPConnection(*urllib.parse.urlsplit(site.http).netloc.split(":"))
    try:
        plain.request("GET", "/documents?page=2")
        answer = plain.getresponse()
        assert answer.status == 301
        assert answer.getheader("Location") == "https://127.0.0.1/documents?page=2"
    finally:
        plain.close()

    form = urllib.parse.urlencode(
        {"username": "alice", "password": TEST_PASSWORD, "csrf_token": token}
    ).encode()
    login = urllib.request.Request(  # noqa: S310 - an https URL of the test's own
        site.https + "/login", data=form, headers={"Referer": site.https + "/login"}
    )
    with browser.open(login, timeout=30) as landed:
        assert landed.status == 200 and landed.url == site.https + "/documents"
    session = next(cookie for cookie in site.cookies if cookie.name == "session")
    assert session.secure and session.has_nonstandard_attr("HttpOnly")
    with browser.open(site.https + "/api/me", timeout=30) as me:
        assert b'"username":"alice"' in me.read()

    host, port = urllib.parse.urlsplit(site.https).netloc.split(":")
    elsewhere = http.client.HTTPSConnection(
        host, int(port), context=site.tls, source_address=("127.0.0.2", 0), timeout=30
    )
    try:
        elsewhere.request("GET", "/healthz?from=second-address")
        assert elsewhere.getresponse().status == 200
    finally:
        elsewhere.close()
    deadline = time.monotonic() + 10
    while "second-address" not in site.access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    line = next(x for x in site.access_log.read_text().splitlines() if "second-address" in x)
    assert line.startswith("127.0.0.2 "), line


class SlowClient(threading.Thread):
    """A slowloris connection: a request line, then one more header line every half second,
    never the blank line that would end the headers."""

    def __init__(self, port: int, tls: ssl.SSLContext | None) -> None:
        super().__init__(daemon=True)
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.socket = tls.wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
        self.socket.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.wait(0.5):
            number += 1
            try:
                self.socket.sendall(f"X-Drip-{number}: a\r\n".encode())
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.join(timeout=5)
        self.socket.close()


def _answer_time(url: str, tls: ssl.SSLContext | None, seconds: float) -> float | None:
    """How long a normal GET of ``url`` takes, or None when it has no answer in ``seconds``."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.netloc.split(":")
    connection = (
        http.client.HTTPSConnection(host, int(port), timeout=seconds, context=tls)
        if tls
        else http.client.HTTPConnection(host, int(port), timeout=seconds)
    )
    started = time.monotonic()
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        assert connection.getresponse().status == 200
    except TimeoutError:
        return None
    finally:
        connection.close()
    return time.monotonic() - started


def _under_slowloris(port: int, tls: ssl.SSLContext | None, check: Callable[[], None]) -> None:
    """Run ``check`` while SLOW_CLIENTS connections drip headers to ``port``."""
    clients = [SlowClient(port, tls) for _ in range(SLOW_CLIENTS)]
    for client in clients:
        client.start()
    try:
        time.sleep(1)  # every connection has been accepted and has dripped a header
        check()
    finally:
        for client in clients:
            client.close()


def test_slowloris_freezes_gunicorn_alone_but_not_the_site_behind_nginx(site: Site) -> None:
    """Connections dripping headers leave gunicorn without a free thread: a normal request
    gets no answer within a few seconds. Through nginx the same attack delays nobody."""
    direct = f"http://127.0.0.1:{site.gunicorn_port}/healthz"
    assert (_answer_time(direct, None, FEW_SECONDS) or FEW_SECONDS) < FEW_SECONDS

    def gunicorn_alone() -> None:
        # The control: the attack does freeze gunicorn. On a busy machine its workers may
        # not have taken every slow connection yet when the first probe comes (one CI run on
        # PostgreSQL saw an answer in 34 ms), so the freeze gets three probes to show.
        for _ in range(3):
            if _answer_time(direct, None, FEW_SECONDS) is None:
                return
            time.sleep(1)
        raise AssertionError("answered all three probes: no slowloris?")

    _under_slowloris(site.gunicorn_port, None, gunicorn_alone)
    assert _answer_time(direct, None, 30) is not None  # free again once they are gone

    def behind_nginx() -> None:
        for _ in range(5):
            took = _answer_time(site.https + "/healthz", site.tls, FEW_SECONDS)
            assert took is not None and took < FEW_SECONDS
            time.sleep(0.2)

    _under_slowloris(int(urllib.parse.urlsplit(site.https).port or 0), site.tls, behind_nginx)


@pytest.mark.parametrize("value", ["yes", "-1", "1.5"])
def test_a_mistyped_proxy_setting_stops_the_server_with_its_name(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ANNOTATOR_PROXY_FIX takes a number of proxies; anything else stops the start, saying
    which setting is wrong, rather than trusting forged headers or none silently."""
    monkeypatch.setenv("ANNOTATOR_PROXY_FIX", value)
    with pytest.raises(RuntimeError, match=f"ANNOTATOR_PROXY_FIX='{re.escape(value)}'"):
        create_app(
            {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://", "SECRET_KEY": SECRET_KEY}
        )
