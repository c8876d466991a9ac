#!/usr/bin/python3
"""The page of `psyscore serve` (GET /) driven in headless Chromium.

Every flow runs with the files of examples/balint-cohort and is checked
against the API and the CLI on the same files: the report the page shows and
downloads is byte for byte the one POST .../report gives for the same
answers, its numbers are those of the JSON analyses, the scores download is
`psyscore score --format csv`, a malformed CSV is named by the line and
column the server names, and no page logs a console error or breaks its
Content-Security-Policy. Screenshots at 320 and 1280 px wide go to the
artifacts folder.

Usage: page_test.py --binary build/release/cli/psyscore --artifacts build/release/browser [unittest args]
"""
import argparse
import csv
import io
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from harness import Browser, Server  # noqa: E402

import openpyxl  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

SOURCE = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = SOURCE / "examples" / "balint-cohort"
PRE, POST, COHORT = EXAMPLES / "pre.csv", EXAMPLES / "post.csv", EXAMPLES / "cohort.csv"
DEFINITION = SOURCE / "instruments" / "mbi-hss.json"
INSTRUMENT = "mbi-hss"
ARGS = None  # set in main()


def respondents(path, group_column=None):
    """The answers of a simple CSV (no quoting, whole numbers) as the API's
    respondents, independently of the page's reader: {group or None: [...]}."""
    waves = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            answers = {k: int(v) for k, v in row.items() if k not in ("id", group_column) and v != ""}
            waves.setdefault(row[group_column] if group_column else None, []).append(
                {"id": row["id"], "answers": answers})
    return waves


def numbers_in(text):
    """Every number written in `text` (a minus sign may be U+2212)."""
    return [float(m.replace("\u2212", "-")) for m in re.findall(r"[-\u2212]?\d+(?:\.\d+)?", text)]


# Decimals the report rounds to: statistics (alpha, t, H, effect sizes) 2,
# scores on a sum scale and their means 1.
STATISTIC, SCORE = 2, 1


def shown(value, text_numbers, places):
    """True when `value` rounded to `places` decimals is among `text_numbers`."""
    return any(abs(n - round(value, places)) < 1e-9 for n in text_numbers)


BROWSER = None  # one Chromium for every test: starting one takes seconds


def setUpModule():
    global BROWSER
    BROWSER = Browser(ARGS.artifacts).__enter__()


def tearDownModule():
    BROWSER.__exit__(None, None, None)


class PageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(ARGS.binary).__enter__()
        cls.browser = BROWSER
        cls.driver = cls.browser.driver
        cls.tmp = tempfile.TemporaryDirectory(prefix="psyscore-page-")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()

    def setUp(self):
        self.browser.set_width(1280)
        self.browser.clear_downloads()
        self.open(self.server)

    def tearDown(self):
        self.browser.assert_clean(expected_statuses=self.expected_statuses)

    # Responses with an error status this test asks for (Chromium logs them).
    expected_statuses = ()

    # Helpers -----------------------------------------------------------------

    def open(self, server, wait_for_list=True):
        self.driver.get(server.url + "/")
        if wait_for_list:
            self.browser.wait(lambda d: len(self.by_id("instrument").find_elements(By.TAG_NAME, "option")) > 2,
                              message="the questionnaires never appeared")

    def by_id(self, testid):
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def choose(self, instrument=INSTRUMENT):
        Select(self.by_id("instrument")).select_by_value(instrument)

    def attach(self, testid, path):
        self.by_id(testid).send_keys(str(path))

    def run_page(self, timeout=60):
        """Clicks run; returns the text of `error` ('' when the report came)."""
        self.by_id("run").click()
        self.browser.wait(lambda d: self.by_id("run").is_enabled() and (
            self.by_id("status").text == "The report is ready." or self.by_id("error").text != ""),
            timeout=timeout, message="the run never finished")
        return self.by_id("error").text

    def run_ok(self, timeout=60):
        error = self.run_page(timeout)
        self.assertEqual(error, "", "the page showed an error")
        self.assertTrue(self.by_id("report").is_displayed())

    def report_text(self):
        self.driver.switch_to.frame(self.by_id("report"))
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        finally:
            self.driver.switch_to.default_content()

    def download(self, testid):
        link = self.by_id(testid)
        name = link.get_attribute("download")
        link.click()
        return self.browser.wait_for_download(name)

    def cli(self, *args):
        result = subprocess.run([str(ARGS.binary), *map(str, args)], capture_output=True, check=True)
        return result.stdout

    def api_report(self, body, instrument=INSTRUMENT):
        status, headers, data = self.server.request(
            "POST", f"/v1/instruments/{instrument}/report", json.dumps(body),
            {"Content-Type": "application/json"})
        self.assertEqual(status, 200, data[:500])
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        return data

    def assert_numbers_shown(self, text, values, what):
        """`values`: (name, value, decimals) that the report must show."""
        found = numbers_in(text)
        missing = [(name, value) for name, value, places in values
                   if value is not None and not shown(value, found, places)]
        self.assertFalse(missing, f"{what}: the report in the page does not show {missing}")

    # Flows -------------------------------------------------------------------

    def test_one_file_gives_scores_distributions_and_reliability(self):
        self.choose()
        self.attach("data-file", PRE)
        self.run_ok()
        wave = respondents(PRE)[None]
        expected = self.api_report({"responses": wave, "options": {"ci_level": 0.95}})
        self.assertEqual(self.download("download-report"), expected, "the report download is the API's report")
        reliability = json.loads(self.cli("reliability", "-i", INSTRUMENT, PRE))
        self.assert_numbers_shown(self.report_text(), [
            (f"{s['id']} raw_alpha", s["raw_alpha"], STATISTIC) for s in reliability["subscales"]], "reliability")
        self.assertEqual(self.download("download-scores"),
                         self.cli("score", "-i", INSTRUMENT, PRE, "--format", "csv"))
        self.assert_score_files("", len(respondents(PRE)[None]))

    def assert_score_files(self, suffix, rows):
        """The SPSS and Excel downloads are those files, with a row per respondent."""
        sav = self.download(f"download-sav{suffix}")
        self.assertEqual(sav[:4], b"$FL2", "an SPSS system file")
        xlsx = self.download(f"download-xlsx{suffix}")
        self.assertEqual(xlsx[:2], b"PK", "an Excel workbook (a zip)")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
        self.assertEqual(sum(1 for _ in sheet.iter_rows()), rows + 1, "a header and a row per respondent")

    def test_before_and_after_gives_change(self):
        self.choose()
        self.attach("pre-file", PRE)
        self.attach("post-file", POST)
        self.run_ok()
        body = {"pre": respondents(PRE)[None], "post": respondents(POST)[None],
                "options": {"ci_level": 0.95, "rci_reliability": "sample"}}
        self.assertEqual(self.download("download-report"), self.api_report(body))
        change = json.loads(self.cli("change", "-i", INSTRUMENT, "--pre", PRE, "--post", POST))
        values = []
        for s in change["subscales"]:
            values += [(f"{s['id']} t", s["paired_t"]["t"], STATISTIC),
                       (f"{s['id']} mean difference", s["difference"]["mean"], SCORE),
                       (f"{s['id']} d_z", s["effect_sizes"]["d_z"], STATISTIC)]
        self.assert_numbers_shown(self.report_text(), values, "change")
        # The scores of both files, each row saying which.
        pre_scores = self.cli("score", "-i", INSTRUMENT, PRE, "--format", "csv").decode().splitlines()
        post_scores = self.cli("score", "-i", INSTRUMENT, POST, "--format", "csv").decode().splitlines()
        expected = ["wave," + pre_scores[0]] + ["pre," + r for r in pre_scores[1:]] + ["post," + r for r in post_scores[1:]]
        self.assertEqual(self.download("download-scores").decode().splitlines(), expected)
        self.assert_score_files("-pre", len(pre_scores) - 1)
        self.assert_score_files("-post", len(post_scores) - 1)

    def test_group_column_gives_comparison(self):
        self.choose()
        self.attach("data-file", COHORT)
        self.by_id("group-column").send_keys("years")
        self.run_ok()
        groups = respondents(COHORT, "years")
        self.assertEqual(list(groups), ["under_1", "1_to_4", "5_plus"])
        self.assertEqual(self.download("download-report"),
                         self.api_report({"groups": groups, "options": {"ci_level": 0.95}}))
        compare = json.loads(self.cli("compare", "-i", INSTRUMENT, "--group-column", "years", COHORT))
        values = [(f"{s['id']} H", s["kruskal_wallis"]["h"], STATISTIC) for s in compare["subscales"]]
        values += [(f"{s['id']} {g.get('name', i)} mean", g["mean"], SCORE)
                   for s in compare["subscales"] for i, g in enumerate(s["groups"])]
        self.assert_numbers_shown(self.report_text(), values, "compare")
        scores = self.cli("score", "-i", INSTRUMENT, COHORT, "--format", "csv").decode().splitlines()
        with open(COHORT, newline="") as f:
            years = [row["years"] for row in csv.DictReader(f)]
        expected = ["years," + scores[0]] + [f"{y},{r}" for y, r in zip(years, scores[1:])]
        self.assertEqual(self.download("download-scores").decode().splitlines(), expected)

    def test_definition_file_instead_of_a_bundled_questionnaire(self):
        self.attach("definition-file", DEFINITION)
        self.browser.wait(lambda d: "Using" in self.driver.find_element(By.ID, "definition-file-hint").text,
                          message="the definition was never accepted")
        self.assertFalse(self.by_id("instrument").is_enabled())
        self.attach("data-file", PRE)
        self.run_ok()
        # The same definition inline gives the same report as the bundled one.
        definition = json.loads(DEFINITION.read_text())
        status, _, inline = self.server.request(
            "POST", "/v1/report", json.dumps({"instrument": definition, "responses": respondents(PRE)[None]}),
            {"Content-Type": "application/json"})
        self.assertEqual(status, 200, inline[:500])
        self.assertEqual(self.download("download-report"), inline)
        self.assertEqual(self.download("download-scores"),
                         self.cli("score", "-i", DEFINITION, PRE, "--format", "csv"))

    def test_a_broken_definition_file_is_named_with_its_place(self):
        cases = [
            ("syntax.json", '{\n  "id": "x",\n  "version": 1.0.0\n}\n', "line 3"),
            ("typo.json", json.dumps({**json.loads(DEFINITION.read_text()), "subscale": []}), "/subscale"),
        ]
        self.expected_statuses = (400, 422)
        for name, text, place in cases:
            with self.subTest(name):
                self.open(self.server)
                path = pathlib.Path(self.tmp.name) / name
                path.write_text(text)
                self.attach("definition-file", path)
                self.browser.wait(lambda d: self.by_id("error").text != "", message=f"{name}: no error shown")
                self.assertIn(place, self.by_id("error").text, name)
                self.assertIn(name, self.by_id("error").text, name)
                self.assertIn(place, self.driver.find_element(By.ID, "definition-file-error").text, name)

    def test_options_reach_the_report(self):
        # Bootstrap for one file.
        self.choose()
        self.attach("data-file", PRE)
        self.driver.find_element(By.CSS_SELECTOR, "#options summary").click()
        self.by_id("bootstrap").click()
        iterations = self.by_id("bootstrap-iterations")
        iterations.clear()
        iterations.send_keys("200")
        seed = self.by_id("bootstrap-seed")
        seed.clear()
        seed.send_keys("7")
        self.run_ok()
        options = {"ci_level": 0.95, "bootstrap": {"iterations": 200, "seed": 7}}
        self.assertEqual(self.download("download-report"),
                         self.api_report({"responses": respondents(PRE)[None], "options": options}))
        # The clinical significance criterion for before and after.
        self.open(self.server)
        self.browser.clear_downloads()
        self.choose()
        self.attach("pre-file", PRE)
        self.attach("post-file", POST)
        self.driver.find_element(By.CSS_SELECTOR, "#options summary").click()
        Select(self.by_id("clinical-criterion")).select_by_value("a")
        self.run_ok()
        options = {"ci_level": 0.95, "rci_reliability": "sample", "clinical_significance": {"criterion": "a"}}
        with_criterion = self.api_report({"pre": respondents(PRE)[None], "post": respondents(POST)[None],
                                          "options": options})
        self.assertEqual(self.download("download-report"), with_criterion)

    # Problems ----------------------------------------------------------------

    MALFORMED = [
        # name, text, line, column (0: the whole line)
        ("quote.csv", 'id,1,2\np1,1,2\np2,1,a"b\n', 3, 3),
        ("unclosed.csv", 'id,1,2\np1,1,2\np2,"1,2\n', 3, 2),
        ("after_quote.csv", 'id,1,2\np1,"1"x,2\n', 2, 2),
        ("ragged.csv", 'id,1,2\np1,1,2\np2,1\np3,1,2\n', 3, 3),
        ("empty_id.csv", 'id,1,2\np1,1,2\n  ,1,2\n', 3, 1),
        ("duplicate_id.csv", 'id,1,2\np1,1,2\np2,1,2\r\n\r\np1,3,3\n', 5, 1),
        ("no_id.csv", 'rid,1,2\np1,1,2\n', 1, 0),
        ("duplicate_column.csv", 'id,1,1\np1,1,2\n', 1, 3),
        ("multiline.csv", 'id,note,1\np1,"two\nlines",1\np2,"x"y,2\n', 4, 2),
    ]

    def test_a_malformed_csv_is_named_by_line_and_column(self):
        for name, text, line, column in self.MALFORMED:
            with self.subTest(name):
                # The server names the same place for the same file.
                status, _, body = self.server.request("POST", f"/v1/instruments/{INSTRUMENT}/score", text,
                                                      {"Content-Type": "text/csv"})
                self.assertIn(status, (400, 422), name)
                problem = json.loads(body)["errors"][0]
                self.assertEqual((problem.get("line"), problem.get("column", 0)), (line, column), name)

                self.open(self.server)
                path = pathlib.Path(self.tmp.name) / name
                path.write_text(text, newline="")
                self.choose()
                self.attach("data-file", path)
                error = self.run_page()
                place = f"line {line}, column {column}" if column else f"line {line}"
                self.assertIn(place, error, name)
                self.assertIn(name, error, name)
                beside = self.driver.find_element(By.ID, "data-file-error").text
                self.assertIn(place, beside, name)
                self.assertEqual(self.by_id("data-file").get_attribute("aria-invalid"), "true", name)
                self.assertFalse(self.driver.find_element(By.ID, "result").is_displayed(), name)

    def test_missing_choices_are_said_and_focus_goes_to_them(self):
        self.by_id("run").send_keys(Keys.ENTER)
        self.browser.wait(lambda d: self.by_id("error").text != "")
        error = self.by_id("error").text
        self.assertIn("choose a questionnaire", error)
        self.assertIn("give an export", error)
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("data-testid"), "error")
        self.assertEqual(self.by_id("error").get_attribute("aria-live"), "assertive")
        # A before file without an after file.
        self.choose()
        self.attach("pre-file", PRE)
        self.assertIn("after as well", self.run_page())

    def test_invalid_answers_are_noted_beside_their_file(self):
        path = pathlib.Path(self.tmp.name) / "invalid.csv"
        text = PRE.read_text().splitlines()
        cells = text[3].split(",")
        cells[5] = "9"  # off the 0..6 scale
        text[3] = ",".join(cells)
        path.write_text("\n".join(text) + "\n")
        self.choose()
        self.attach("data-file", path)
        self.run_ok()
        note = self.driver.find_element(By.ID, "data-file-note").text
        self.assertIn("line 4: not scored", note)

    # Accessibility and layout ----------------------------------------------------

    def test_every_control_has_a_label_and_visible_focus(self):
        unlabelled = self.driver.execute_script("""
            return [...document.querySelectorAll('input, select, textarea')]
              .filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label'))
              .map((e) => e.id);""")
        self.assertEqual(unlabelled, [])
        # Tab from the top reaches the questionnaire first, with a visible outline.
        ActionChains(self.driver).send_keys(Keys.TAB).perform()
        active = self.driver.switch_to.active_element
        self.assertEqual(active.get_attribute("data-testid"), "instrument")
        self.assertNotEqual(active.value_of_css_property("outline-style"), "none")
        self.assertNotEqual(active.value_of_css_property("outline-width"), "0px")
        # Every control is reachable by Tab.
        seen = set()
        for _ in range(30):
            seen.add(self.driver.switch_to.active_element.get_attribute("id"))
            if "run" in seen:
                break
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
        for control in ("instrument", "definition-file", "data-file", "group-column", "pre-file", "post-file", "run"):
            self.assertIn(control, seen)

    def assert_fits(self, name):
        """No sideways scrolling from 320 px to desktop; screenshots as artifacts."""
        for width in (320, 1280):
            self.browser.set_width(width)
            time.sleep(0.3)
            overflow = self.driver.execute_script("return document.documentElement.scrollWidth")
            self.assertLessEqual(overflow, width, f"{name}: the page scrolls sideways at {width} px")
            self.browser.screenshot(f"{name}-{width}.png")
        self.browser.set_width(1280)

    def test_layout_from_320_px_to_desktop(self):
        self.choose()
        self.attach("pre-file", PRE)
        self.driver.find_element(By.CSS_SELECTOR, "#options summary").click()
        self.assertIn("after as well", self.run_page())
        self.assert_fits("page")

    def test_layout_with_the_report(self):
        self.choose()
        self.attach("pre-file", PRE)
        self.attach("post-file", POST)
        self.run_ok()
        self.assert_fits("report")

    def test_large_files_show_upload_progress(self):
        path = pathlib.Path(self.tmp.name) / "large.csv"
        rows = PRE.read_text().splitlines()
        with open(path, "w") as f:
            f.write(rows[0] + "\n")
            for i in range(20000):
                f.write(f"r{i}," + rows[1 + i % 12].split(",", 1)[1] + "\n")
        self.choose()
        self.attach("data-file", path)
        self.driver.set_network_conditions(offline=False, latency=0, download_throughput=-1,
                                           upload_throughput=1_000_000)
        try:
            self.by_id("run").click()
            seen = self.browser.wait(lambda d: (lambda v: v if v and 0 < float(v) < 100 else None)(
                self.by_id("progress").get_attribute("value")) if self.by_id("progress").is_displayed() else None,
                message="no upload progress was shown")
            self.assertTrue(0 < float(seen) < 100)
            self.browser.wait(lambda d: self.by_id("status").text == "The report is ready.", timeout=120)
        finally:
            self.driver.delete_network_conditions()
        self.assertFalse(self.by_id("progress").is_displayed())


class ServerWithKeysTest(unittest.TestCase):
    """A server with API keys and a small body limit."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="psyscore-page-keys-")
        keys = pathlib.Path(cls.tmp.name) / "keys"
        keys.write_text("page-test-key\n")
        cls.server = Server(ARGS.binary, ["--api-key-file", str(keys), "--max-body-bytes", "60000"]).__enter__()
        cls.browser = BROWSER
        cls.driver = cls.browser.driver

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()

    def tearDown(self):
        self.browser.assert_clean(self._console_without_401())

    def _console_without_401(self):
        # Chromium logs every 401 the page meets as a failed resource load;
        # the page asks for the key because of them.
        return [e for e in self.browser.console() if "status of 401" not in e.get("message", "")]

    def by_id(self, testid):
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def test_the_page_asks_for_a_key_and_keeps_it_in_memory(self):
        self.assertEqual(self.server.request("GET", "/")[0], 200, "the page itself is public")
        self.assertEqual(self.server.request("GET", "/v1/instruments")[0], 401)
        self.driver.get(self.server.url + "/")
        key = self.browser.wait(lambda d: self.by_id("api-key") if self.by_id("api-key").is_displayed() else None)
        key.send_keys("wrong")
        self.by_id("api-key-submit").click()
        self.browser.wait(lambda d: "did not accept" in self.driver.find_element(By.ID, "api-key-error").text)
        self.by_id("api-key").send_keys("page-test-key" + Keys.ENTER)
        self.browser.wait(lambda d: len(self.by_id("instrument").find_elements(By.TAG_NAME, "option")) > 2)
        Select(self.by_id("instrument")).select_by_value(INSTRUMENT)
        stored = self.driver.execute_script(
            "return [localStorage.length, sessionStorage.length, document.cookie]")
        self.assertEqual(stored, [0, 0, ""])
        # Too large for this server: said in words.
        path = pathlib.Path(self.tmp.name) / "large.csv"
        rows = PRE.read_text().splitlines()
        path.write_text("\n".join([rows[0]] + [f"r{i}," + rows[1].split(",", 1)[1] for i in range(2000)]) + "\n")
        self.by_id("data-file").send_keys(str(path))
        self.by_id("run").click()
        self.browser.wait(lambda d: self.by_id("error").text != "")
        self.assertIn("too large for this server", self.by_id("error").text)
        self.assertIn("at most 0.1 MB in one request", self.by_id("error").text)
        console = self._console_without_401()
        self.assertTrue(any("413" in e.get("message", "") for e in console), console)
        self.browser.assert_clean([e for e in console if "413" not in e.get("message", "")])

    def test_a_run_with_a_key_gives_the_report(self):
        self.driver.get(self.server.url + "/")
        self.browser.wait(lambda d: self.by_id("api-key").is_displayed())
        self.by_id("api-key").send_keys("page-test-key" + Keys.ENTER)
        self.browser.wait(lambda d: len(self.by_id("instrument").find_elements(By.TAG_NAME, "option")) > 2)
        Select(self.by_id("instrument")).select_by_value(INSTRUMENT)
        self.by_id("data-file").send_keys(str(PRE))
        self.by_id("run").click()
        self.browser.wait(lambda d: self.by_id("status").text == "The report is ready.")
        self.assertEqual(self.driver.execute_script("return [localStorage.length, sessionStorage.length, document.cookie]"),
                         [0, 0, ""])
        # The page's requests are counted like any client's.
        status, _, metrics = self.server.request("GET", "/metrics", headers={"Authorization": "Bearer page-test-key"})
        self.assertEqual(status, 200)
        for route in ("/", "/assets/{name}", "/v1/instruments/{id}/report", "/v1/instruments/{id}/score"):
            self.assertIn(f'psyscore_http_requests_total{{route="{route}",status="200"}}', metrics.decode())


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, type=pathlib.Path)
    parser.add_argument("--artifacts", required=True, type=pathlib.Path)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
