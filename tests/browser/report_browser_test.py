#!/usr/bin/python3
"""The example reports in a real browser (headless Chromium).

  report_browser_test.py PAGES_DIR ARTIFACTS_DIR

For every report-*.html that tests/report/check_reports.py wrote to
PAGES_DIR: open it, fail on any console error or any request beyond the file
itself, check that every figure has a size and that no text of a figure runs
outside it (measured with the browser's own fonts), that the figures of a row
(the controlled report's Jacobson-Truax plots) stand side by side, and save a whole-page
screenshot and an A4 PDF (printed as --print-to-pdf prints, in the same
browser) to ARTIFACTS_DIR.
Exit 77 (skipped) when Chromium or Selenium is not installed.
"""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# Every text element of every figure: its box against the figure's.
OVERFLOW_SCRIPT = """
const out = [];
for (const svg of document.querySelectorAll('svg.figure')) {
  const box = svg.getBoundingClientRect();
  if (box.width < 50 || box.height < 50) out.push(svg.id + ': figure is ' + box.width + 'x' + box.height);
  for (const text of svg.querySelectorAll('text')) {
    const b = text.getBoundingClientRect();  // after transforms (rotated axis labels)
    if (b.width === 0) continue;
    if (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1) {
      out.push(svg.id + ': "' + text.textContent + '" runs outside the figure (' +
               [b.left - box.left, b.top - box.top, b.width, b.height].map(v => v.toFixed(1)).join(', ') +
               ' in ' + box.width.toFixed(0) + 'x' + box.height.toFixed(0) + ')');
    }
  }
}
return out;
"""

# The figures of a row (each group's plot in the controlled report) stand
# side by side at the window's width: the same top, each right of the one before.
SIDE_BY_SIDE_SCRIPT = """
const out = [];
for (const row of document.querySelectorAll('.figure-row')) {
  const boxes = [...row.querySelectorAll(':scope > figure')].map(f => f.getBoundingClientRect());
  if (boxes.length < 2) out.push('a row of ' + boxes.length + ' figure(s)');
  for (let i = 1; i < boxes.length; ++i) {
    if (Math.abs(boxes[i].top - boxes[0].top) > 1 || boxes[i].left < boxes[i - 1].right - 1) {
      out.push(row.querySelectorAll(':scope > figure')[i].id + ' is not beside the figure before it');
    }
  }
}
return out;
"""

# What a page may load: itself. (Chromium's own chrome:// pages and data:
# URLs are not the page's requests.)
EXTERNAL = re.compile(r"^(https?|wss?|ftp|file):", re.IGNORECASE)


def is_a4(pdf):
    """Every page's MediaBox is 595 x 842 points (to a point)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return bool(boxes) and all(abs(float(w) - 595.28) < 1 and abs(float(h) - 841.89) < 1 for w, h in boxes)


def main():
    pages_dir, artifacts_dir = sys.argv[1], sys.argv[2]
    if not harness.available():
        print("chromium, chromium-driver or python3-selenium is not installed; skipping")
        return 77
    pages = sorted(glob.glob(os.path.join(pages_dir, "report-*.html")))
    if not pages:
        print("no report pages in", pages_dir)
        return 1
    failures = []
    with harness.Browser(artifacts_dir) as browser:
        for page in pages:
            name = os.path.splitext(os.path.basename(page))[0]
            url = "file://" + os.path.abspath(page)
            browser.open(url)
            for error in browser.console_errors():
                failures.append(f"{name}: console error: {error.get('message')}")
            for requested in browser.requests():
                if requested != url and EXTERNAL.match(requested):
                    failures.append(f"{name}: requested {requested}")
            for problem in browser.run(OVERFLOW_SCRIPT):
                failures.append(f"{name}: {problem}")
            for problem in browser.run(SIDE_BY_SIDE_SCRIPT):
                failures.append(f"{name}: {problem}")
            figures = browser.run("return document.querySelectorAll('svg.figure').length")
            if figures == 0:
                failures.append(f"{name}: no figure rendered")
            if name.endswith("-ids"):
                continue  # the same page with ids: checked, not saved again
            print(f"{name}: {figures} figures, screenshot {browser.screenshot(name, scale=0.6)}")
            pdf = browser.print_pdf(name)
            with open(pdf, "rb") as f:
                data = f.read()
            pages_in_pdf = len(re.findall(rb"/Type\s*/Page[^s]", data))
            if not is_a4(data):
                failures.append(f"{name}: the PDF is not A4")
            # One page break before each section at least.
            sections = browser.run("return document.querySelectorAll('section.report-section').length")
            if pages_in_pdf < sections:
                failures.append(f"{name}: {pages_in_pdf} PDF pages for {sections} sections")
            print(f"{name}: {pages_in_pdf} A4 pages, {pdf}")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
