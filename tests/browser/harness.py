"""What psyscore's browser tests share: a `psyscore serve` on a free loopback
port, a headless Chromium driven by Selenium, and the checks every page must
pass (no console errors, no Content-Security-Policy violations).

Debian packages: chromium, chromium-driver, python3-selenium (the Makefile's
PACKAGES). Run with the system Python: /usr/bin/python3.

    with Server(binary) as server, Browser(artifacts_dir) as browser:
        browser.driver.get(server.url + "/")
        ...
        browser.assert_clean()  # no console errors, no CSP violations
"""
import base64
import contextlib
import http.client
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`psyscore serve` on 127.0.0.1 and a free port, stopped with SIGTERM on
    exit. `args`: further options of serve (e.g. --api-key-file)."""

    def __init__(self, binary, args=(), timeout=20):
        self.binary = str(binary)
        self.args = list(args)
        self.timeout = timeout
        self.port = None
        self.process = None
        self.log = tempfile.TemporaryFile()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        for _ in range(5):  # another process may take the port between free_port() and bind
            self.port = free_port()
            self.process = subprocess.Popen(
                [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--threads", "2", *self.args],
                stdout=self.log, stderr=subprocess.STDOUT)
            if self._wait_ready():
                return self
            self.process.kill()
            self.process.wait()
        raise RuntimeError(f"psyscore serve did not start: {self.output()}")

    def _wait_ready(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
                time.sleep(0.05)
        return False

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) of one request; never raises on a status."""
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, method, path, body=None, headers=None):
        status, _, data = self.request(method, path, body, headers)
        if status != 200:
            raise AssertionError(f"{method} {path}: {status} {data[:500]!r}")
        return json.loads(data)


# Records every CSP violation of a document where a script may run; the
# console records them too (as errors), also in frames where none may.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


class Browser:
    """A fresh headless Chromium (its own profile, downloads to a temporary
    folder), closed on exit."""

    def __init__(self, artifacts_dir, width=1280, height=900):
        self.artifacts_dir = pathlib.Path(artifacts_dir)
        self.width = width
        self.height = height
        self.driver = None
        self._profile = None
        self.downloads = None

    def __enter__(self):
        self.artifacts_dir.mkdir(parents=True, exist_ok=True)
        self._profile = tempfile.TemporaryDirectory(prefix="psyscore-chromium-")
        self.downloads = pathlib.Path(self._profile.name) / "downloads"
        self.downloads.mkdir()
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     "--disable-extensions", "--disable-default-apps", "--password-store=basic",
                     f"--user-data-dir={self._profile.name}/profile", f"--window-size={self.width},{self.height}"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {
            "download.default_directory": str(self.downloads),
            "download.prompt_for_download": False,
        })
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_script_timeout(30)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(self.downloads)})
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _RECORD_VIOLATIONS})
        self.set_width(self.width)
        return self

    def __exit__(self, *exc):
        if self.driver:
            self.driver.quit()
        if self._profile:
            self._profile.cleanup()

    def set_width(self, width, height=None):
        """The viewport (not the window) `width` CSS pixels wide."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height or self.height, "deviceScaleFactor": 1, "mobile": width < 500})

    def wait(self, condition, timeout=30, message=""):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(condition, message)

    def console(self):
        """The browser's log entries since the last call."""
        return self.driver.get_log("browser")

    def violations(self):
        return self.driver.execute_script("return window.__cspViolations || []")

    def assert_clean(self, entries=None, expected_statuses=()):
        """No console errors (CSP violations are logged as errors, also from
        frames) and no violation recorded in the top document. Chromium logs
        each response with an error status as an error: those with one of
        `expected_statuses` (answers the test asked for) are let through."""
        entries = self.console() if entries is None else entries
        allowed = tuple(f"the server responded with a status of {s} " for s in expected_statuses)
        errors = [e for e in entries if e.get("level") == "SEVERE" and not (
            e.get("source") == "network" and any(a in e.get("message", "") for a in allowed))]
        violations = self.violations()
        if errors or violations:
            raise AssertionError(f"console errors: {errors}; CSP violations: {violations}")

    def screenshot(self, name):
        """A full-page PNG in the artifacts folder; returns its path."""
        path = self.artifacts_dir / name
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def wait_for_download(self, name, timeout=30):
        """The bytes of downloads/`name` once Chromium has written it whole."""
        path = self.downloads / name
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            partial = list(self.downloads.glob("*.crdownload"))
            if path.exists() and not partial:
                return path.read_bytes()
            time.sleep(0.05)
        raise AssertionError(f"no download {name}; the folder holds {sorted(os.listdir(self.downloads))}")

    def clear_downloads(self):
        for path in self.downloads.iterdir():
            with contextlib.suppress(OSError):
                path.unlink()
