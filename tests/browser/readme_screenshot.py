#!/usr/bin/python3
"""Writes docs/report.png, the README's picture of the report: the change
section of examples/balint-cohort's pre/post report (no ids), from the
heading of Emotional exhaustion to the end of its Jacobson-Truax plot.

  readme_screenshot.py PAGE.html OUT.png

Make PAGE.html with
  psyscore report -i mbi-hss --pre examples/balint-cohort/pre.csv \
      --post examples/balint-cohort/post.csv -o PAGE.html
"""

import base64
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    page, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    with harness.Browser(tempfile.mkdtemp(prefix="psyscore-shot-"), width=900, height=1200) as browser:
        browser.open("file://" + page)
        top = browser.run("return document.getElementById('change-EE').getBoundingClientRect().top + window.scrollY - 12")
        bottom = browser.run("const f = document.getElementById('figure-change-jt-EE');"
                             "return f.getBoundingClientRect().bottom + window.scrollY + 8")
        shot = browser.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": top, "width": 900, "height": bottom - top, "scale": 1}})
        with open(out, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    print(out)


if __name__ == "__main__":
    sys.exit(main())
