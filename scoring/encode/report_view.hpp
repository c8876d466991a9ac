// The report's view model and its rendering through the Mustache templates.
//
// A report is a page of sections. A section is one template partial
// (scoring/encode/report/<name>.mustache) and one function that builds its
// `Section` from an analysis result (report_sections.hpp). Sections hold
// blocks of the same shape (sentences, notes, figures, tables), once for the
// section and once per subscale, so the templates stay small and a new
// section needs no new C++ rendering code: docs/report.md says how to add one.
//
// Private to the engine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace psyscore::detail {

struct TableCell {
  std::string text;
  bool numeric = false;
};

struct TableView {
  std::string id = {};  // optional element id
  std::string caption = {};
  std::vector<TableCell> columns = {};  // header labels; numeric right-aligns the column
  std::vector<std::vector<TableCell>> rows = {};
};

struct FigureView {
  std::string id = {};
  std::string svg = {};  // a complete <svg> element from svg::Figure::render()
  std::string caption = {};
};

// Text, notes, figures, the row of figures and tables in that order.
struct Block {
  std::vector<std::string> statements = {};   // plain-language sentences, one paragraph each
  std::vector<std::string> plain_notes = {};  // cautions in plain words (small samples, ...)
  std::vector<std::string> details = {};      // the analysis's own warnings, verbatim
  std::vector<FigureView> figures = {};
  // Figures drawn side by side (one per group), wrapping onto the next line
  // where the page is too narrow for them.
  std::vector<FigureView> figure_row = {};
  std::vector<TableView> tables = {};
};

struct SubscaleBlock {
  std::string anchor = {};  // element id, unique in the page
  std::string name = {};    // heading
  Block block = {};
};

struct Section {
  std::string id = {};             // element id, unique in the page
  std::string title = {};          // heading and contents entry
  std::string template_name = {};  // "<template_name>.mustache" in scoring/encode/report/
  Block block = {};                // before the subscales
  std::vector<SubscaleBlock> subscales = {};
};

struct Page {
  std::string title;
  std::string subtitle;
  std::string instrument_id;
  std::string instrument_name;
  std::string instrument_version;
  std::string instrument_sha256;
  std::string license;
  std::string generator;  // "psyscore 0.1.0"
  std::string respondents;
  std::string ids_policy;
  std::string footer;
  std::vector<Section> sections;
};

// The complete HTML document. The templates are compiled in and every one is
// rendered by the tests, so a template that does not parse cannot ship.
std::string render_page(const Page& page);

// A page-unique element id from a prefix and a subscale or group id:
// letters, digits and '-' only.
std::string element_id(std::string_view prefix, std::string_view name);

}  // namespace psyscore::detail
