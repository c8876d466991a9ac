#!/usr/bin/python3
"""The reports of examples/balint-cohort, examples/balint-trial and
examples/balint-survey, read with a real HTML parser.

  check_reports.py PSYSCORE_BINARY SOURCE_DIR OUTPUT_DIR

Makes every example report with the CLI and over HTTP and checks that:
- the bytes are the same from both faces (and the CLI's -o file is stdout's);
- the page loads nothing from elsewhere (no script, link, img, iframe, no URL
  outside the page) and every id is unique;
- every figure is an <svg> with <title> and <desc> and is followed by a table;
- the Jacobson-Truax plot puts each participant (b01 first) at the pixels its
  pre and post scores map to on the plot's own axes, and the band of no
  reliable change at +/- criterion x s_diff around the identity line, as the
  JSON change result of the same data says; in the controlled report the same
  for each group's plot, and the adjusted means and their intervals at the
  pixels of the JSON controlled result's numbers; in the model section each
  odds ratio and its interval at the pixels of the JSON model result's numbers
  on the forest plot's log axis;
- ids appear only with show_ids;
- bad input gets exactly the problem the underlying analysis gives.
Writes the pages to OUTPUT_DIR (the browser test opens them there).
"""

import json
import math
import os
import subprocess
import sys
import urllib.error
import urllib.request

try:
    import lxml.html
except ImportError:  # the Makefile installs python3-lxml; without it, skip
    print("python3-lxml is not installed; skipping")
    sys.exit(77)

PIXEL = 0.011  # coordinates are written with 2 decimals
FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message)


def run(binary, *arguments, expect=0):
    result = subprocess.run([binary, *arguments], capture_output=True)
    check(result.returncode == expect,
          f"{' '.join(arguments)}: exit {result.returncode}, wanted {expect}: {result.stderr.decode()[:500]}")
    return result


class Server:
    def __init__(self, binary, instruments):
        self.process = subprocess.Popen([binary, "--instruments", instruments, "serve", "--port", "0",
                                         "--threads", "2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.process.stdout.readline().decode()
        if not line.startswith("listening on port"):
            self.process.kill()
            raise RuntimeError("the server did not start: " + line)
        self.port = int(line.split()[-1])

    def post(self, path, body, content_type):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method="POST",
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers.get("Content-Type"), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type"), error.read()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def linear_fit(pairs):
    """The map value -> pixel through the first and last tick."""
    (v0, p0), (v1, p1) = pairs[0], pairs[-1]
    slope = (p1 - p0) / (v1 - v0)
    return lambda v: p0 + (v - v0) * slope


def axis(svg, name, coordinate):
    ticks = [(float(t.get("data-value")), float(t.get(coordinate)))
             for t in svg.xpath(f".//*[local-name()='line'][contains(@class, 'tick-{name}')]")]
    check(len(ticks) >= 2, f"{svg.get('id')}: {name} axis has ticks")
    ticks.sort()
    fit = linear_fit(ticks)
    for value, pixel in ticks:
        check(abs(fit(value) - pixel) < 2 * PIXEL, f"{svg.get('id')}: {name} tick {value} on a straight line")
    return fit


def log_axis(svg, name, coordinate):
    """The map value -> pixel of a log10 axis, checked on every tick."""
    ticks = [(math.log10(float(t.get("data-value"))), float(t.get(coordinate)))
             for t in svg.xpath(f".//*[local-name()='line'][contains(@class, 'tick-{name}')]")]
    check(len(ticks) >= 2, f"{svg.get('id')}: {name} log axis has ticks")
    ticks.sort()
    fit = linear_fit(ticks)
    for value, pixel in ticks:
        check(abs(fit(value) - pixel) < 2 * PIXEL, f"{svg.get('id')}: {name} tick 10^{value:.3f} on a log scale")
    return lambda v: fit(math.log10(v))


def translation(element):
    transform = element.get("transform")
    inner = transform[len("translate("):-1]
    x, y = inner.split(",")
    return float(x), float(y)


def check_page(name, html, show_ids):
    document = lxml.html.document_fromstring(html)
    check(html.startswith(b"<!DOCTYPE html>"), f"{name}: HTML5 doctype")
    for tag in ("script", "link", "img", "iframe", "object", "embed", "base", "form"):
        check(not document.xpath(f"//{tag}"), f"{name}: no <{tag}>")
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            if attribute in ("href", "xlink:href", "src", "action") or attribute.endswith("}href"):
                check(value.startswith("#"), f"{name}: {attribute}={value} stays in the page")
            check("http:" not in value and "https:" not in value,
                  f"{name}: no URL in {attribute}")
            if "url(" in value:
                check(value.startswith("url(#"), f"{name}: {attribute} refers only into the page")
    for style in document.xpath("//style"):
        check("@import" not in style.text and "url(" not in style.text, f"{name}: the style loads nothing")
    check(b"http://" not in html and b"https://" not in html, f"{name}: no http(s) URL anywhere")
    ids = [e.get("id") for e in document.iter() if isinstance(e.tag, str) and e.get("id")]
    check(len(ids) == len(set(ids)), f"{name}: ids are unique")

    svgs = document.xpath("//svg")
    check(len(svgs) > 0, f"{name}: has figures")
    for svg in svgs:
        children = [c for c in svg if isinstance(c.tag, str)]
        check(len(children) >= 2 and children[0].tag == "title" and children[1].tag == "desc",
              f"{name}: {svg.get('id')} opens with <title> and <desc>")
        check((children[0].text or "").strip() != "" and (children[1].text or "").strip() != "",
              f"{name}: {svg.get('id')} title and desc say something")
        labelled = svg.get("aria-labelledby", "").split()
        check(labelled == [children[0].get("id"), children[1].get("id")], f"{name}: {svg.get('id')} aria-labelledby")
        figure = svg.getparent()
        check(figure.tag == "figure" and figure.xpath("./figcaption"), f"{name}: {svg.get('id')} in a captioned figure")
        check(bool(figure.xpath("following::table")), f"{name}: {svg.get('id')} is followed by a table")
    for section in document.xpath("//section"):
        check(len(section.xpath(".//table")) >= len(section.xpath(".//figure")),
              f"{name}: section {section.get('id')} has a table for each figure")
    return document


def check_jacobson_truax(name, document, change, show_ids):
    for subscale in change["subscales"]:
        check_jacobson_truax_plot(name, document, f"change-jt-{subscale['id']}", subscale["id"], subscale["rci"],
                                  show_ids)


def check_controlled(name, document, controlled, show_ids):
    """Each group's Jacobson-Truax plot, and the adjusted means at their numbers."""
    for subscale in controlled["subscales"]:
        for group in subscale["groups"]:
            check_jacobson_truax_plot(name, document, f"controlled-jt-{subscale['id']}-{group['name']}",
                                      f"{subscale['id']} {group['name']}", group["rci"], show_ids)
        row = document.xpath(f"//h3[@id='controlled-{subscale['id']}']/following-sibling::div[@class='figure-row'][1]")
        check(len(row) == 1 and len(row[0].xpath("./figure/svg")) == len(subscale["groups"]),
              f"{name}: {subscale['id']}: the groups' plots side by side in one row")
        svg = document.xpath(f"//svg[@id='controlled-means-{subscale['id']}']")
        check(len(svg) == 1, f"{name}: adjusted means of {subscale['id']}")
        if not svg:
            continue
        svg = svg[0]
        y = axis(svg, "y", "y1")
        means = subscale["ancova"]["adjusted_means"]
        marks = svg.xpath(".//*[@class='marks']/*[contains(concat(' ', @class, ' '), ' adjusted-mean ')]")
        intervals = svg.xpath(".//*[local-name()='path'][contains(@class, 'adjusted-interval')]")
        check(len(marks) == len(means) and len(intervals) == len(means),
              f"{name}: {subscale['id']}: one mark and one interval per group")
        for mark, interval, mean in zip(marks, intervals, means):
            who = f"{name}: {subscale['id']} adjusted mean of {mean['group']}"
            px, py = translation(mark)
            check(abs(py - y(mean["estimate"])) < PIXEL, f"{who}: y at {mean['estimate']}")
            # M x lo V hi ...: the interval's ends
            start, end = interval.get("d")[1:].split("M")[0].split("V")
            x0, y0 = map(float, start.split())
            check(abs(x0 - px) < PIXEL, f"{who}: the interval under its mark")
            check(abs(y0 - y(mean["lower"])) < PIXEL and abs(float(end) - y(mean["upper"])) < PIXEL,
                  f"{who}: interval {mean['lower']} to {mean['upper']}")
            check(mark.xpath("./title")[0].text.startswith(mean["group"] + ": adjusted mean"), f"{who}: its title")


def check_model(name, document, model):
    """The forest plot: a row per term, each odds ratio and its profile
    interval where the JSON model result puts them."""
    svg = document.xpath("//svg[@id='model-forest']")
    check(len(svg) == 1, f"{name}: the forest plot")
    if not svg:
        return
    svg = svg[0]
    x = log_axis(svg, "x", "x1")
    terms = [c for c in model["logistic"]["coefficients"] if c["term"] != "(Intercept)"]
    marks = svg.xpath(".//*[@class='marks']/*[contains(concat(' ', @class, ' '), ' odds-ratio ')]")
    intervals = svg.xpath(".//*[local-name()='path'][contains(@class, 'odds-interval')]")
    check(len(marks) == len(terms) and len(intervals) == len(terms),
          f"{name}: one odds ratio and one interval per term ({len(marks)}, {len(intervals)}, {len(terms)})")
    rows = []
    for mark, interval, term in zip(marks, intervals, terms):
        who = f"{name}: {term['term']}"
        px, py = translation(mark)
        check(abs(px - x(term["odds_ratio"])) < PIXEL, f"{who}: odds ratio at {term['odds_ratio']}")
        # M lo y H hi ...: the interval's ends and row
        start, end = interval.get("d")[1:].split("M")[0].split("H")
        x0, y0 = map(float, start.split())
        profile = term["profile"]
        check(abs(x0 - x(profile["lower"])) < PIXEL and abs(float(end) - x(profile["upper"])) < PIXEL,
              f"{who}: interval {profile['lower']} to {profile['upper']}")
        check(abs(y0 - py) < PIXEL, f"{who}: the interval through its mark")
        rows.append(py)
    check(rows == sorted(rows), f"{name}: terms top to bottom in model order")
    line = svg.xpath(".//*[local-name()='line'][contains(@class, 'no-difference')]")
    check(len(line) == 1 and abs(float(line[0].get("x1")) - x(1)) < PIXEL, f"{name}: the line of no difference at 1")
    table = document.xpath("//table[@id='table-model-coefficients']/tbody/tr")
    check(len(table) == len(terms) + 1, f"{name}: a table row per coefficient")


def check_jacobson_truax_plot(name, document, svg_id, label, rci, show_ids):
    svg = document.xpath(f"//svg[@id='{svg_id}']")
    check(len(svg) == 1, f"{name}: Jacobson-Truax plot of {label}")
    if not svg:
        return
    svg = svg[0]
    x = axis(svg, "x", "x1")
    y = axis(svg, "y", "y1")
    marks = svg.xpath(".//*[@class='marks']/*[contains(concat(' ', @class, ' '), ' mark ')]")
    participants = rci["participants"]
    check(len(marks) == len(participants), f"{name}: {label}: one mark per participant")
    for mark, participant in zip(marks, participants):
        px, py = translation(mark)
        who = f"{name}: {label} participant {participant['id']}"
        check(abs(px - x(participant["pre"])) < PIXEL, f"{who}: x at pre {participant['pre']}")
        check(abs(py - y(participant["post"])) < PIXEL, f"{who}: y at post {participant['post']}")
        category = participant.get("clinical_category", participant["category"])
        check(category in mark.get("class").split(), f"{who}: drawn as {category}")
        title = mark.xpath("./title")
        check(bool(title) and (title[0].text.startswith(participant["id"] + ":") == show_ids),
              f"{who}: id shown only with show_ids")
    # The band of no reliable change: +/- criterion x s_diff around y = x.
    reach = rci["criterion"] * rci["s_diff"]
    band = svg.xpath(".//*[local-name()='polygon'][contains(@class, 'rci-band')]")
    check(len(band) == 1, f"{name}: {label}: one band")
    if band:
        points = [tuple(map(float, p.split(","))) for p in band[0].get("points").split()]
        lo = float(svg.xpath(".//*[local-name()='line'][contains(@class, 'tick-x')]")[0].get("data-value"))
        corners = [(points[0], lo, lo - reach), (points[3], lo, lo + reach)]
        for (px, py), vx, vy in corners:
            check(abs(px - x(vx)) < PIXEL and abs(py - y(vy)) < PIXEL,
                  f"{name}: {label}: band corner at ({vx}, {vy:.3f})")
        hi_x = points[1][0]
        hi = lo + (hi_x - x(lo)) / (x(lo + 1) - x(lo))
        check(abs(points[1][1] - y(hi - reach)) < PIXEL and abs(points[2][1] - y(hi + reach)) < PIXEL,
              f"{name}: {label}: band's far corners at +/- {reach:.3f}")
    cutoff = rci.get("clinical_significance")
    lines = svg.xpath(".//*[local-name()='line'][contains(@class, 'cutoff')]")
    if cutoff:
        check(len(lines) == 2, f"{name}: {label}: two cut-off lines")
        if len(lines) == 2:
            check(abs(float(lines[0].get("x1")) - x(cutoff["cutoff"])) < PIXEL, f"{name}: vertical cut-off")
            check(abs(float(lines[1].get("y1")) - y(cutoff["cutoff"])) < PIXEL, f"{name}: horizontal cut-off")
    else:
        check(not lines, f"{name}: {label}: no cut-off lines without clinical significance")
    legend = " ".join(t.text for t in svg.xpath(".//*[@class='legend']//*[local-name()='text']"))
    counts = rci["counts"]
    for category in ("improved", "unchanged", "deteriorated"):
        if not cutoff:
            check(f"{category} ({counts[category]})" in legend, f"{name}: legend counts {category}")


def main():
    binary, source, output = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(output, exist_ok=True)
    examples = os.path.join(source, "examples", "balint-cohort")
    pre, post, cohort = (os.path.join(examples, f) for f in ("pre.csv", "post.csv", "cohort.csv"))
    instruments = os.path.join(source, "instruments")
    base = [binary, "--instruments", instruments]

    change_json = json.loads(run(base[0], *base[1:], "change", "-i", "mbi-hss", "--pre", pre, "--post", post).stdout)
    clinical_args = ["--rci-reliability", "published", "--clinical-significance", "auto"]
    change_clinical = json.loads(
        run(base[0], *base[1:], "change", "-i", "mbi-hss", "--pre", pre, "--post", post, *clinical_args).stdout)

    trial = os.path.join(source, "examples", "balint-trial")
    trial_groups = ["--group", ",".join(["balint=" + os.path.join(trial, "balint_pre.csv"),
                                        os.path.join(trial, "balint_post.csv")]),
                    "--group", ",".join(["waitlist=" + os.path.join(trial, "waitlist_pre.csv"),
                                        os.path.join(trial, "waitlist_post.csv")])]
    controlled_json = json.loads(
        run(base[0], *base[1:], "controlled", "-i", "mbi-hss", "--reference", "waitlist", *trial_groups).stdout)

    survey_dir = os.path.join(source, "examples", "balint-survey")
    survey = os.path.join(survey_dir, "survey.csv")
    predictors = ["duration", "obligation", "teaching", "management", "prevention", "age"]
    model_args = ["-i", "who-5", survey, "--outcome", "raw>=13", *[a for p in predictors for a in ("--predictor", p)],
                  "--reference", "duration=lt1"]
    model_json = json.loads(run(base[0], *base[1:], "model", *model_args).stdout)

    cases = {
        "wave": (["report", "-i", "mbi-hss", pre], False),
        "model": (["report", *model_args], False),
        "change": (["report", "-i", "mbi-hss", "--pre", pre, "--post", post], False),
        "change-ids": (["report", "-i", "mbi-hss", "--pre", pre, "--post", post, "--show-ids", *clinical_args], True),
        "groups": (["report", "-i", "mbi-hss", "--group-column", "years", cohort], False),
        "controlled": (["report", "-i", "mbi-hss", "--reference", "waitlist", *trial_groups], False),
    }
    pages = {}
    for name, (arguments, show_ids) in cases.items():
        path = os.path.join(output, f"report-{name}.html")
        stdout = run(base[0], *base[1:], *arguments).stdout
        run(base[0], *base[1:], *arguments, "-o", path)
        with open(path, "rb") as f:
            pages[name] = f.read()
        check(pages[name] == stdout, f"{name}: -o writes what stdout shows")
        document = check_page(name, pages[name], show_ids)
        if name.startswith("change"):
            check_jacobson_truax(name, document, change_clinical if show_ids else change_json, show_ids)
        if name == "controlled":
            check_controlled(name, document, controlled_json, show_ids)
        if name == "model":
            check_model(name, document, model_json)
        text = pages[name].decode()
        for participant_id in ("b01", "b12", "c01", "t01", "w01"):
            if not show_ids:
                check(f">{participant_id}<" not in text and f"{participant_id}:" not in text,
                      f"{name}: id {participant_id} not shown")

    server = Server(binary, instruments)
    try:
        with open(os.path.join(examples, "change.json"), "rb") as f:
            change_body = json.load(f)
        with open(pre, "rb") as f:
            pre_csv = f.read()
        with open(cohort, "rb") as f:
            cohort_csv = f.read()
        with open(os.path.join(trial, "controlled.json"), "rb") as f:
            controlled_body = f.read()
        with open(os.path.join(survey_dir, "model.json"), "rb") as f:
            model_body = f.read()
        with open(survey, "rb") as f:
            survey_csv = f.read()
        model_query = ("?outcome=raw%3E%3D13&predictors=" + ",".join(predictors) + "&reference=duration%3Dlt1")
        requests = {
            "wave": ("/v1/instruments/mbi-hss/report", pre_csv, "text/csv"),
            "model": ("/v1/instruments/who-5/report", model_body, "application/json"),
            "model (CSV)": ("/v1/instruments/who-5/report" + model_query, survey_csv, "text/csv"),
            "change": ("/v1/instruments/mbi-hss/report", json.dumps(change_body).encode(), "application/json"),
            "change-ids": ("/v1/instruments/mbi-hss/report", json.dumps(
                dict(change_body, show_ids=True,
                     options={"rci_reliability": "published", "clinical_significance": {}})).encode(),
                "application/json"),
            "groups": ("/v1/instruments/mbi-hss/report?group_column=years", cohort_csv, "text/csv"),
            "controlled": ("/v1/instruments/mbi-hss/report", controlled_body, "application/json"),
        }
        for name, (path, body, content_type) in requests.items():
            status, media, page = server.post(path, body, content_type)
            check(status == 200, f"HTTP {name}: status {status}: {page[:300]!r}")
            check(media == "text/html; charset=utf-8", f"HTTP {name}: content type {media}")
            check(page == pages[name.split(" ")[0]], f"HTTP {name}: the same bytes as the CLI")

        # Bad input: exactly the underlying analysis's problem.
        bad = [
            ("change options", "/v1/instruments/mbi-hss/change", "/v1/instruments/mbi-hss/report",
             json.dumps(dict(change_body, options={"ci_level": 2, "rci_criterion": -1})).encode(), "application/json"),
            ("one pair", "/v1/instruments/mbi-hss/change", "/v1/instruments/mbi-hss/report",
             json.dumps({"pre": change_body["pre"][:1], "post": change_body["post"][:1]}).encode(), "application/json"),
            ("bad answer type", "/v1/instruments/mbi-hss/change", "/v1/instruments/mbi-hss/report",
             json.dumps({"pre": [{"id": "x", "answers": {"1": "a"}}], "post": []}).encode(), "application/json"),
            ("reliability options", "/v1/instruments/mbi-hss/reliability", "/v1/instruments/mbi-hss/report",
             json.dumps({"responses": change_body["pre"], "options": {"missing": "some"}}).encode(),
             "application/json"),
            ("ragged CSV", "/v1/instruments/mbi-hss/reliability", "/v1/instruments/mbi-hss/report",
             pre_csv + b"b99,1,2\n", "text/csv"),
            ("missing group column", "/v1/instruments/mbi-hss/compare?group_column=cohort",
             "/v1/instruments/mbi-hss/report?group_column=cohort", cohort_csv, "text/csv"),
            ("groups", "/v1/instruments/mbi-hss/compare", "/v1/instruments/mbi-hss/report",
             json.dumps({"groups": {"a": change_body["pre"]}}).encode(), "application/json"),
            ("controlled", "/v1/instruments/mbi-hss/controlled", "/v1/instruments/mbi-hss/report",
             json.dumps(dict(json.loads(controlled_body), options={"reference": "nobody"})).encode(),
             "application/json"),
            ("model reference", "/v1/instruments/who-5/model", "/v1/instruments/who-5/report",
             json.dumps(dict(json.loads(model_body), options=dict(json.loads(model_body)["options"],
                                                                  reference={"duration": "never"}))).encode(),
             "application/json"),
            ("model outcome", "/v1/instruments/who-5/model", "/v1/instruments/who-5/report",
             json.dumps(dict(json.loads(model_body), options={"predictors": ["age"]})).encode(), "application/json"),
            ("model CSV text in age", "/v1/instruments/who-5/model?outcome=raw%3E%3D13&predictors=age",
             "/v1/instruments/who-5/report?outcome=raw%3E%3D13&predictors=age",
             survey_csv + b"x1,lt1,yes,no,no,no,old,1,2,3,4,5\n", "text/csv"),
        ]
        for name, analysis_path, report_path, body, content_type in bad:
            expected = server.post(analysis_path, body, content_type)
            actual = server.post(report_path, body, content_type)
            check(expected[0] >= 400, f"bad input {name}: the analysis refuses it ({expected[0]})")
            check(actual == expected, f"bad input {name}: report {actual[0]} {actual[2][:300]!r} "
                                      f"vs analysis {expected[0]} {expected[2][:300]!r}")
    finally:
        server.stop()

    # The CLI says the same as the analysis's own subcommand.
    ragged = os.path.join(output, "ragged.csv")
    with open(ragged, "wb") as f:
        f.write(pre_csv + b"b99,1,2\n")
    for arguments, analysis in (
            (["report", "-i", "mbi-hss", "--pre", ragged, "--post", post],
             ["change", "-i", "mbi-hss", "--pre", ragged, "--post", post]),
            (["report", "-i", "mbi-hss", ragged], ["reliability", "-i", "mbi-hss", ragged]),
            (["report", "-i", "mbi-hss", "--group-column", "nope", cohort],
             ["compare", "-i", "mbi-hss", "--group-column", "nope", cohort]),
            (["report", "-i", "mbi-hss", "--reference", "nobody", *trial_groups],
             ["controlled", "-i", "mbi-hss", "--reference", "nobody", *trial_groups]),
            (["report", *model_args, "--reference", "teaching=maybe"],
             ["model", *model_args, "--reference", "teaching=maybe"])):
        actual = run(base[0], *base[1:], *arguments, expect=1)
        expected = run(base[0], *base[1:], *analysis, expect=1)
        check(actual.stderr == expected.stderr and actual.stdout == b"",
              f"CLI {' '.join(arguments[:4])}: {actual.stderr!r} vs {expected.stderr!r}")

    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("every report check passed; pages in", output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
