// The report's plotting module: ticks as R's pretty() gives them, marks at
// the pixels their numbers map to, text that is escaped and cannot overflow,
// and SVG that an XML parser accepts.
#include "scoring/encode/svg_plot.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cmath>
#include <cstddef>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace svg = psyscore::detail::svg;
using boost::property_tree::ptree;

// The figure parsed as XML (fails the test when it is not well-formed).
ptree parse_svg(const std::string& text) {
  std::istringstream in(text);
  ptree tree;
  boost::property_tree::read_xml(in, tree);
  return tree;
}

// Every element named `name` whose class attribute contains `css_class`.
void collect(const ptree& node, const std::string& name, const std::string& css_class, std::vector<ptree>& out) {
  for (const auto& [key, child] : node) {
    if (key == "<xmlattr>") continue;
    if (key == name) {
      const std::string classes = child.get("<xmlattr>.class", "");
      std::istringstream words(classes);
      std::string word;
      while (words >> word) {
        if (word == css_class) {
          out.push_back(child);
          break;
        }
      }
    }
    collect(child, name, css_class, out);
  }
}

std::vector<ptree> find(const ptree& tree, const std::string& name, const std::string& css_class) {
  std::vector<ptree> out;
  collect(tree, name, css_class, out);
  return out;
}

// The (x, y) of "translate(x,y)".
std::pair<double, double> translation(const ptree& element) {
  const std::string transform = element.get<std::string>("<xmlattr>.transform");
  double x = 0;
  double y = 0;
  EXPECT_EQ(std::sscanf(transform.c_str(), "translate(%lf,%lf)", &x, &y), 2) << transform;
  return {x, y};
}

double attribute(const ptree& element, const std::string& name) {
  return std::stod(element.get<std::string>("<xmlattr>." + name));
}

// Coordinates are written with 2 decimals.
constexpr double kPixel = 0.005 + 1e-9;

bool valid_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 2) return false;
    }
    i += length;
  }
  return true;
}

TEST(SvgPretty, AgreesWithR) {
  const boost::json::value fixture = psyscore::test::read_json(psyscore::test::data_dir() / "encode" / "pretty.json");
  for (const auto& item : fixture.at("cases").as_array()) {
    const double lo = item.at("lo").to_number<double>();
    const double hi = item.at("hi").to_number<double>();
    const int n = static_cast<int>(item.at("n").to_number<double>());
    const std::string name =
        "pretty(c(" + std::to_string(lo) + ", " + std::to_string(hi) + "), " + std::to_string(n) + ")";
    const std::vector<double> ticks = svg::pretty(lo, hi, n);
    const auto& expected = item.at("ticks").as_array();
    ASSERT_EQ(ticks.size(), expected.size()) << name;
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      const double want = expected[i].to_number<double>();
      EXPECT_NEAR(ticks[i], want, 1e-12 * std::max(1.0, std::abs(want))) << name << " tick " << i;
    }
  }
}

TEST(SvgScale, MapsDomainOntoRange) {
  struct Case {
    const char* name;
    svg::Scale scale;
    double value;
    double pixel;
  };
  const std::vector<Case> cases = {
      {"linear low end", svg::Scale::linear(0, 54, 64, 620), 0, 64},
      {"linear high end", svg::Scale::linear(0, 54, 64, 620), 54, 620},
      {"linear inside", svg::Scale::linear(0, 54, 64, 620), 33, 64 + 33.0 / 54 * 556},
      {"linear beyond", svg::Scale::linear(0, 10, 0, 100), 12, 120},
      {"reversed y", svg::Scale::linear(0, 30, 348, 20), 7.5, 348 - 0.25 * 328},
      {"negative domain", svg::Scale::linear(-100, 100, 100, 500), -25, 250},
      {"log decade", svg::Scale::log10(1, 1000, 0, 300), 10, 100},
      {"log between", svg::Scale::log10(1, 100, 0, 200), 5, 200 * std::log10(5.0) / 2},
      {"degenerate domain", svg::Scale::linear(3, 3, 10, 30), 3, 20},
      {"nice widens to ticks", svg::Scale::nice_linear(0.62, 0.93, 0, 700), 0.95, 700},
  };
  for (const Case& c : cases) {
    EXPECT_NEAR(c.scale(c.value), c.pixel, 1e-9) << c.name;
  }
  EXPECT_NEAR(svg::Scale::linear(0, 10, 0, 100).clamped(12), 100, 1e-12) << "clamped";
  EXPECT_NEAR(svg::Scale::linear(0, 10, 100, 0).clamped(-3), 100, 1e-12) << "clamped reversed";
}

TEST(SvgScale, TicksStayInsideTheDomain) {
  struct Case {
    const char* name;
    svg::Scale scale;
    std::vector<double> ticks;
  };
  const std::vector<Case> cases = {
      {"EE 0..54", svg::Scale::linear(0, 54, 0, 1), {0, 10, 20, 30, 40, 50}},
      {"DP 0..30", svg::Scale::linear(0, 30, 0, 1), {0, 5, 10, 15, 20, 25, 30}},
      {"log 1..1000", svg::Scale::log10(1, 1000, 0, 1), {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}},
      {"log 1..1e5", svg::Scale::log10(1, 1e5, 0, 1), {1, 10, 100, 1000, 10000, 100000}},
  };
  for (const Case& c : cases) {
    const std::vector<double> ticks = c.scale.ticks();
    ASSERT_EQ(ticks.size(), c.ticks.size()) << c.name;
    for (std::size_t i = 0; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i], c.ticks[i], 1e-9 * c.ticks[i]) << c.name;
  }
}

TEST(SvgScale, BandsSplitTheRange) {
  const svg::BandScale bands(3, 100, 400, 0.2);
  EXPECT_NEAR(bands.step(), 100, 1e-12) << "step";
  EXPECT_NEAR(bands.bandwidth(), 80, 1e-12) << "bandwidth";
  EXPECT_NEAR(bands.start(0), 110, 1e-12) << "first band";
  EXPECT_NEAR(bands.center(2), 350, 1e-12) << "last centre";
}

TEST(SvgNumbers, FormatsTicksAndCoordinates) {
  struct Case {
    const char* name;
    std::vector<double> ticks;
    int decimals;
  };
  const std::vector<Case> cases = {
      {"integers", {0, 10, 20}, 0},
      {"tenths from seq noise", {0.6000000000000001, 0.65, 0.7000000000000001}, 2},
      {"small", {1e-5, 1.5e-5}, 6},
      {"negative halves", {-0.5, 0, 0.5}, 1},
  };
  for (const Case& c : cases) EXPECT_EQ(svg::tick_decimals(c.ticks), c.decimals) << c.name;
  EXPECT_EQ(svg::coordinate(12.345), "12.35") << "rounded";
  EXPECT_EQ(svg::coordinate(12.0), "12") << "trailing zeros";
  EXPECT_EQ(svg::coordinate(-0.001), "0") << "no minus zero";
  EXPECT_EQ(svg::coordinate(-3.1), "-3.1") << "negative";
  EXPECT_EQ(svg::format_fixed(-0.04, 1), "0.0") << "fixed minus zero";
  EXPECT_EQ(svg::format_fixed(0.125, 2), "0.12") << "fixed rounding as printf";
}

TEST(SvgText, EscapesEverythingThatReachesTheOutput) {
  struct Case {
    const char* name;
    std::string text;
    std::string escaped;
  };
  const std::vector<Case> cases = {
      {"markup", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"ampersand and quotes", "A & B's \"group\"", "A &amp; B&#39;s &quot;group&quot;"},
      {"control characters",
       std::string("a\x01"
                   "b\x1F"
                   "c\x7F"),
       "abc"},
      {"newline and tab", "a\nb\tc", "a b c"},
      {"invalid UTF-8",
       std::string("x\xFF"
                   "y\xC3"),
       "x\xEF\xBF\xBDy\xEF\xBF\xBD"},
      {"overlong encoding", std::string("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"surrogate", std::string("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"umlaut kept", "Ersch\xC3\xB6pfung", "Ersch\xC3\xB6pfung"},
      {"C1 control dropped",
       std::string("a\xC2\x85"
                   "b"),
       "ab"},
  };
  for (const Case& c : cases) EXPECT_EQ(svg::escape_text(c.text), c.escaped) << c.name;
}

TEST(SvgText, MeasuresAndFitsText) {
  // Helvetica: "0" is 556/1000 em; 10 of them at 10 px, with the 15 % margin.
  EXPECT_NEAR(svg::text_width("0000000000", 10), 55.6 * 1.15, 1e-9) << "digits";
  EXPECT_GT(svg::text_width("WWW", 12), svg::text_width("iii", 12)) << "proportional";
  EXPECT_NEAR(svg::text_width("\xE4\xBA\xBA", 10), 10 * 1.15, 1e-9) << "CJK is one em";

  struct Case {
    const char* name;
    std::string text;
    double max_width;
  };
  const std::vector<Case> cases = {
      {"fits", "Emotional exhaustion", 400},
      {"long ASCII", "Emotional exhaustion measured before the first Balint group session", 120},
      {"umlauts",
       "\xC3\x9C"
       "berdruss und Ersch\xC3\xB6pfung im Beruf \xC3\xA4\xC3\xB6\xC3\xBC",
       60},
      {"CJK", "\xE4\xBA\xBA\xE4\xBA\xBA\xE4\xBA\xBA\xE4\xBA\xBA\xE4\xBA\xBA\xE4\xBA\xBA", 35},
      {"narrower than the ellipsis", "abc", 2},
  };
  for (const Case& c : cases) {
    const std::string fitted = svg::fit_text(c.text, c.max_width, 12);
    EXPECT_LE(svg::text_width(fitted, 12), c.max_width) << c.name;
    EXPECT_TRUE(valid_utf8(fitted)) << c.name;
    if (svg::text_width(c.text, 12) <= c.max_width) {
      EXPECT_EQ(fitted, c.text) << c.name;
    } else if (!fitted.empty()) {
      EXPECT_EQ(fitted.substr(fitted.size() - 3), "\xE2\x80\xA6") << c.name;
    }
  }
}

TEST(SvgText, WrapsIntoLinesThatFit) {
  struct Case {
    const char* name;
    std::string text;
    double max_width;
    std::size_t max_lines;
    std::size_t lines;
    bool ellipsis;
  };
  const std::vector<Case> cases = {
      {"one line", "under 1", 100, 2, 1, false},
      {"two lines", "supportive relationship with colleagues", 150, 2, 2, false},
      {"cut after two", "discussions are superficial and the group does not help me at all", 120, 2, 2, true},
      {"long word", "Supercalifragilisticexpialidocious", 60, 2, 1, true},
  };
  for (const Case& c : cases) {
    const std::vector<std::string> lines = svg::wrap_text(c.text, c.max_width, 12, c.max_lines);
    ASSERT_EQ(lines.size(), c.lines) << c.name;
    for (const std::string& line : lines) EXPECT_LE(svg::text_width(line, 12), c.max_width) << c.name << ": " << line;
    const bool ends_with_ellipsis =
        lines.back().size() >= 3 && lines.back().substr(lines.back().size() - 3) == "\xE2\x80\xA6";
    EXPECT_EQ(ends_with_ellipsis, c.ellipsis) << c.name;
  }
}

svg::Figure make_figure(double x_hi = 54, double y_hi = 54) {
  svg::Figure figure({.id = "ee change", .title = "EE <before> & after", .description = "One mark per resident."});
  figure.set_x(svg::Scale::linear(0, x_hi, figure.plot_left(), figure.plot_right()));
  figure.set_y(svg::Scale::linear(0, y_hi, figure.plot_bottom(), figure.plot_top()));
  return figure;
}

TEST(SvgFigure, PlacesMarksAtTheirNumbers) {
  svg::Figure figure = make_figure();
  const svg::Scale x = figure.x();
  const svg::Scale y = figure.y();
  struct Point {
    double x;
    double y;
    svg::Shape shape;
  };
  const std::vector<Point> points = {{33, 27, svg::Shape::circle},       {0, 0, svg::Shape::triangle},
                                     {54, 54, svg::Shape::square},       {12.5, 40.25, svg::Shape::diamond},
                                     {20, 1, svg::Shape::triangle_down}, {7, 50, svg::Shape::cross}};
  for (const Point& p : points) figure.point(p.x, p.y, {.colour = svg::kOkabeIto[3], .shape = p.shape});
  figure.x_axis("Before");
  figure.y_axis("After");
  const ptree tree = parse_svg(figure.render());
  const std::vector<ptree> marks = find(tree, "g", "mark");
  ASSERT_EQ(marks.size(), points.size()) << "one mark per point";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [px, py] = translation(marks[i]);
    EXPECT_NEAR(px, x(points[i].x), kPixel) << "point " << i << " x";
    EXPECT_NEAR(py, y(points[i].y), kPixel) << "point " << i << " y";
  }
  // Each tick line sits at its value's pixel.
  for (const ptree& tick : find(tree, "line", "tick-x")) {
    const double value = std::stod(tick.get<std::string>("<xmlattr>.data-value"));
    EXPECT_NEAR(attribute(tick, "x1"), x(value), kPixel) << "x tick " << value;
  }
  const std::vector<ptree> y_ticks = find(tree, "line", "tick-y");
  EXPECT_EQ(y_ticks.size(), 6u) << "0, 10, ..., 50";
  for (const ptree& tick : y_ticks) {
    const double value = std::stod(tick.get<std::string>("<xmlattr>.data-value"));
    EXPECT_NEAR(attribute(tick, "y1"), y(value), kPixel) << "y tick " << value;
  }
}

TEST(SvgFigure, DrawsAreasIntervalsAndBoxesAtTheirNumbers) {
  svg::Figure figure = make_figure(30, 30);
  const svg::Scale x = figure.x();
  const svg::Scale y = figure.y();
  figure.rect(2, 5, 0, 12, {.colour = svg::kOkabeIto[5]});
  figure.band_x(6, 9, {.colour = svg::kOkabeIto[1], .pattern = svg::Pattern::hatch}, "moderate");
  figure.error_bar_y(100, 10, 20, {});
  figure.box_plot(300, 40, 8, 11, 15, 3, 24, {.colour = svg::kOkabeIto[2]});
  const ptree tree = parse_svg(figure.render());

  const std::vector<ptree> bars = find(tree, "rect", "bar");
  ASSERT_EQ(bars.size(), 1u) << "rect";
  EXPECT_NEAR(attribute(bars[0], "x"), x(2), kPixel) << "rect x";
  EXPECT_NEAR(attribute(bars[0], "width"), x(5) - x(2), 2 * kPixel) << "rect width";
  EXPECT_NEAR(attribute(bars[0], "y"), y(12), kPixel) << "rect top";
  EXPECT_NEAR(attribute(bars[0], "height"), y(0) - y(12), 2 * kPixel) << "rect height";

  const std::vector<ptree> bands = find(tree, "rect", "band");
  ASSERT_EQ(bands.size(), 1u) << "band";
  EXPECT_NEAR(attribute(bands[0], "x"), x(6), kPixel) << "band x";
  EXPECT_NEAR(attribute(bands[0], "height"), figure.plot_bottom() - figure.plot_top(), kPixel) << "band height";
  EXPECT_NE(bands[0].get<std::string>("<xmlattr>.fill").find("url(#ee_change-pattern-0)"), std::string::npos)
      << "hatched band uses the figure's own pattern id";

  const std::vector<ptree> boxes = find(tree, "rect", "box-body");
  ASSERT_EQ(boxes.size(), 1u) << "box";
  EXPECT_NEAR(attribute(boxes[0], "y"), y(15), kPixel) << "box top at q3";
  EXPECT_NEAR(attribute(boxes[0], "y") + attribute(boxes[0], "height"), y(8), 2 * kPixel) << "box bottom at q1";
  const std::vector<ptree> medians = find(tree, "line", "median");
  ASSERT_EQ(medians.size(), 1u) << "median";
  EXPECT_NEAR(attribute(medians[0], "y1"), y(11), kPixel) << "median";
  EXPECT_EQ(find(tree, "path", "whisker").size(), 2u) << "two whiskers";
  EXPECT_EQ(find(tree, "path", "interval").size(), 1u) << "error bar";
}

TEST(SvgFigure, DivergingBarsStraddleZero) {
  svg::Figure figure({.id = "likert", .title = "t", .description = "d"});
  figure.set_x(svg::Scale::linear(-100, 100, figure.plot_left(), figure.plot_right()));
  const svg::Scale x = figure.x();
  const std::vector<svg::BarSegment> segments = {{10, svg::kDiverging[0], "strongly disagree"},
                                                 {20, svg::kDiverging[1], "disagree"},
                                                 {30, svg::kDiverging[2], "neutral"},
                                                 {25, svg::kDiverging[3], "agree"},
                                                 {15, svg::kDiverging[4], "strongly agree"}};
  figure.diverging_bar(50, 20, segments, 2, 0);
  figure.diverging_bar(80, 20, {{40, svg::kDiverging[1], "no"}, {60, svg::kDiverging[3], "yes"}}, std::nullopt, 1);
  const ptree tree = parse_svg(figure.render());
  const std::vector<ptree> rects = find(tree, "rect", "segment");
  ASSERT_EQ(rects.size(), 7u) << "segments";
  // Neutral centred on 0: disagreement ends at -15, agreement starts at +15.
  EXPECT_NEAR(attribute(rects[0], "x"), x(-45), kPixel) << "left end";
  EXPECT_NEAR(attribute(rects[2], "x"), x(-15), kPixel) << "neutral start";
  EXPECT_NEAR(attribute(rects[2], "x") + attribute(rects[2], "width"), x(15), 2 * kPixel) << "neutral end";
  EXPECT_NEAR(attribute(rects[4], "x") + attribute(rects[4], "width"), x(55), 2 * kPixel) << "right end";
  EXPECT_NEAR(attribute(rects[5], "x"), x(-40), kPixel) << "no neutral: left";
  EXPECT_NEAR(attribute(rects[6], "x"), x(0), kPixel) << "no neutral: split at 0";
}

TEST(SvgFigure, TitleDescriptionAndIdsAreSafe) {
  svg::Figure figure = make_figure();
  figure.text(100, 100, "<b>bold</b>", "middle", 40);
  figure.legend({{.label = "improved (4)", .colour = std::string(svg::kOkabeIto[5])},
                 {.label = "<i>x</i>", .colour = "\"><script>", .kind = svg::LegendEntry::Kind::area}});
  const std::string text = figure.render();
  const ptree tree = parse_svg(text);
  const ptree& root = tree.get_child("svg");
  EXPECT_EQ(root.get<std::string>("<xmlattr>.id"), "ee_change") << "id sanitized";
  EXPECT_EQ(root.get<std::string>("title"), "EE <before> & after") << "title unescaped by the parser";
  EXPECT_EQ(root.get<std::string>("desc"), "One mark per resident.") << "desc";
  EXPECT_EQ(root.get<std::string>("<xmlattr>.aria-labelledby"), "ee_change-title ee_change-desc") << "aria";
  EXPECT_EQ(text.find("<script"), std::string::npos) << "no markup from text";
  EXPECT_EQ(text.find("<b>"), std::string::npos) << "no markup from labels";
  EXPECT_EQ(text.find("http"), std::string::npos) << "no URL at all";
  EXPECT_GT(attribute(root, "height"), 400) << "legend grows the figure";
}

TEST(SvgFigure, LegendWrapsWithinTheWidth) {
  svg::Figure figure({.id = "legend", .title = "t", .description = "d", .width = 300});
  std::vector<svg::LegendEntry> entries;
  for (int i = 0; i < 8; ++i) {
    entries.push_back({.label = "category number " + std::to_string(i),
                       .colour = std::string(svg::kOkabeIto[static_cast<std::size_t>(i)]),
                       .shape = svg::shape_for(static_cast<std::size_t>(i))});
  }
  figure.legend(entries);
  const ptree tree = parse_svg(figure.render());
  const std::vector<ptree> labels = find(tree, "text", "legend-label");
  ASSERT_EQ(labels.size(), 8u) << "labels";
  for (const ptree& label : labels) {
    const double right = attribute(label, "x") + svg::text_width(label.get_value<std::string>(), 12);
    EXPECT_LE(right, 300) << label.get_value<std::string>();
  }
}

TEST(SvgFigure, DensityCountsEveryPoint) {
  svg::Figure figure = make_figure();
  std::vector<double> xs;
  std::vector<double> ys;
  for (int i = 0; i < 5000; ++i) {
    xs.push_back(i % 55);
    ys.push_back((i * 7) % 55);
  }
  xs.push_back(std::nan(""));
  ys.push_back(3);
  const svg::DensitySummary summary = figure.density(xs, ys, 20, 20);
  EXPECT_EQ(summary.points, 5000u) << "missing values left out";
  const ptree tree = parse_svg(figure.render());
  std::size_t total = 0;
  for (const ptree& cell : find(tree, "rect", "density-cell")) total += std::stoul(cell.get<std::string>("title"));
  EXPECT_EQ(total, 5000u) << "cells add up to the points";
  const std::vector<svg::LegendEntry> key = svg::Figure::density_key(summary);
  ASSERT_FALSE(key.empty()) << "key";
  EXPECT_NE(key.back().label.find(std::to_string(summary.max_count)), std::string::npos) << "key ends at the maximum";
}

TEST(SvgStyles, ShapesAndPatternsDifferForNeighbours) {
  for (std::size_t i = 0; i + 1 < 6; ++i) EXPECT_NE(svg::shape_for(i), svg::shape_for(i + 1)) << "shape " << i;
  for (std::size_t i = 0; i + 1 < 4; ++i) EXPECT_NE(svg::pattern_for(i), svg::pattern_for(i + 1)) << "pattern " << i;
}

}  // namespace
