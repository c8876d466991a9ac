"""What psyscore's browser tests share: a headless Chromium driven by Selenium
(Debian's chromium, chromium-driver and python3-selenium, which `make deps`
installs), a `psyscore serve` on a free loopback port, and the checks every
page must pass. Run with the system Python: /usr/bin/python3.

    from harness import Browser, Server
    with Browser(artifacts_dir) as browser:
        browser.open("file:///.../report.html")
        assert not browser.console_errors()
        browser.screenshot("report")        # <artifacts>/report.png, the whole page
        browser.print_pdf("report")         # <artifacts>/report.pdf, as printed

    with Server(binary) as server, Browser(artifacts_dir) as browser:
        browser.open(server.url + "/")
        ...
        browser.assert_clean()              # no console errors, no CSP violations

Chromium starts with a fresh profile and without its background traffic, so
a test sees only what the page itself loads. `requests()` lists every URL the
page asked for; downloads land in `browser.downloads`. `available()` says
whether the packages are there.
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

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
         "--disable-extensions", "--hide-scrollbars", "--disable-dev-shm-usage", "--password-store=basic"]


def available():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)


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
    folder), started at construction and closed by close() or on exit."""

    def __init__(self, artifacts_dir, width=1000, height=1400):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        self.artifacts_dir = str(artifacts_dir)
        os.makedirs(self.artifacts_dir, exist_ok=True)
        self.width = width
        self.height = height
        self.profile = tempfile.mkdtemp(prefix="psyscore-chromium-")
        self.downloads = pathlib.Path(self.profile) / "downloads"
        self.downloads.mkdir()
        options = Options()
        options.binary_location = CHROMIUM
        for flag in FLAGS + [f"--user-data-dir={self.profile}/profile", f"--window-size={width},{height}"]:
            options.add_argument(flag)
        options.add_experimental_option("prefs", {
            "download.default_directory": str(self.downloads),
            "download.prompt_for_download": False,
        })
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(30)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": str(self.downloads)})
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _RECORD_VIOLATIONS})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, url):
        self.driver.get(url)

    def run(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def set_width(self, width, height=None):
        """The viewport (not the window) `width` CSS pixels wide."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height or self.height, "deviceScaleFactor": 1, "mobile": width < 500})

    def wait(self, condition, timeout=30, message=""):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(condition, message)

    def console(self):
        """The browser's log entries since the last call (of this or console_errors())."""
        return self.driver.get_log("browser")

    def console_errors(self):
        """Console messages of level SEVERE (errors, failed loads) since the last call."""
        return [entry for entry in self.console() if entry.get("level") == "SEVERE"]

    def requests(self):
        """URLs the page requested since the last call."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def violations(self):
        """The CSP violations the top document recorded."""
        return self.run("return window.__cspViolations || []")

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

    def screenshot(self, name, scale=1.0):
        """The whole page (beyond the window) as <artifacts>/<name>.png, at
        `scale`; returns the path."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": scale}})
        path = os.path.join(self.artifacts_dir, name if name.endswith(".png") else name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return path

    def print_pdf(self, name):
        """The open page printed as --print-to-pdf prints it (the page's @page
        size and margins, no header or footer) to <artifacts>/<name>.pdf, in
        this browser (no second Chromium to start); returns the path."""
        pdf = self.driver.execute_cdp_cmd("Page.printToPDF", {
            "preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False})
        path = os.path.join(self.artifacts_dir, name + ".pdf")
        with open(path, "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
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


def print_to_pdf(url, path):
    """Chromium's own --print-to-pdf of `url` (the page's @page rules apply)."""
    profile = tempfile.mkdtemp(prefix="psyscore-chromium-")
    try:
        subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                        f"--print-to-pdf={path}", url], check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return path
