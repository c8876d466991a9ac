#include "scoring/encode/report_view.hpp"

#include <kainjow/mustache.hpp>

#include <string>

#include "scoring/encode/report_templates.hpp"
#include "scoring/encode/svg_plot.hpp"

namespace psyscore::detail {
namespace {

namespace mustache = kainjow::mustache;

// HTML text and attribute values: the same escaping as the figures' text,
// which also repairs invalid UTF-8 and drops control characters.
std::string escape(const std::string& text) { return svg::escape_text(text); }

mustache::data list_of(const std::vector<std::string>& values) {
  mustache::data out{mustache::data::type::list};
  for (const std::string& value : values) out.push_back(mustache::data{value});
  return out;
}

mustache::data cell_data(const TableCell& cell) {
  mustache::data out;
  out.set("text", cell.text);
  out.set("numeric", cell.numeric ? mustache::data::type::bool_true : mustache::data::type::bool_false);
  return out;
}

mustache::data table_data(const TableView& table) {
  mustache::data out;
  // Mustache takes an empty string as true: a table without an id is false
  // here, so it gets no empty id attribute (which HTML does not allow).
  if (table.id.empty()) {
    out.set("id", mustache::data::type::bool_false);
  } else {
    out.set("id", table.id);
  }
  out.set("caption", table.caption);
  mustache::data columns{mustache::data::type::list};
  for (const TableCell& column : table.columns) {
    mustache::data c = cell_data(column);
    c.set("label", column.text);
    columns.push_back(c);
  }
  out.set("columns", columns);
  mustache::data rows{mustache::data::type::list};
  for (const std::vector<TableCell>& row : table.rows) {
    mustache::data cells{mustache::data::type::list};
    for (const TableCell& cell : row) cells.push_back(cell_data(cell));
    mustache::data r;
    r.set("cells", cells);
    rows.push_back(r);
  }
  out.set("rows", rows);
  return out;
}

mustache::data figure_list(const std::vector<FigureView>& figures) {
  mustache::data out{mustache::data::type::list};
  for (const FigureView& figure : figures) {
    mustache::data f;
    f.set("id", figure.id);
    f.set("svg", figure.svg);
    f.set("caption", figure.caption);
    out.push_back(f);
  }
  return out;
}

// Every key the block template reads is set, so a subscale's block never
// falls back to its section's values through Mustache's context stack.
void set_block(mustache::data& out, const Block& block) {
  out.set("statements", list_of(block.statements));
  const bool has_notes = !block.plain_notes.empty() || !block.details.empty();
  out.set("has_notes", has_notes ? mustache::data::type::bool_true : mustache::data::type::bool_false);
  out.set("plain", list_of(block.plain_notes));
  out.set("has_details", block.details.empty() ? mustache::data::type::bool_false : mustache::data::type::bool_true);
  out.set("details", list_of(block.details));
  out.set("figures", figure_list(block.figures));
  out.set("has_figure_row",
          block.figure_row.empty() ? mustache::data::type::bool_false : mustache::data::type::bool_true);
  out.set("figure_row", figure_list(block.figure_row));
  mustache::data tables{mustache::data::type::list};
  for (const TableView& table : block.tables) tables.push_back(table_data(table));
  out.set("tables", tables);
}

std::string template_text(std::string_view name) {
  return std::string(report_template(std::string(name) + ".mustache"));
}

void set_partials(mustache::data& out) {
  for (const char* name : {"block", "figure", "table"}) {
    out.set(name, mustache::partial([name] { return template_text(name); }));
  }
}

std::string render_section(const Section& section) {
  mustache::data view;
  set_block(view, section.block);
  mustache::data subscales{mustache::data::type::list};
  for (const SubscaleBlock& subscale : section.subscales) {
    mustache::data s;
    s.set("anchor", subscale.anchor);
    s.set("name", subscale.name);
    set_block(s, subscale.block);
    subscales.push_back(s);
  }
  view.set("subscales", subscales);
  set_partials(view);
  mustache::mustache tmpl{template_text(section.template_name)};
  tmpl.set_custom_escape(escape);
  return tmpl.render(view);
}

}  // namespace

std::string element_id(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  out += '-';
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (ok) {
      out += c;
    } else {
      // Distinct names stay distinct: other bytes as their hex value.
      static constexpr char kHex[] = "0123456789abcdef";
      const auto byte = static_cast<unsigned char>(c);
      out += '_';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string render_page(const Page& page) {
  mustache::data view;
  view.set("title", page.title);
  view.set("subtitle", page.subtitle);
  view.set("instrument_id", page.instrument_id);
  view.set("instrument_name", page.instrument_name);
  view.set("instrument_version", page.instrument_version);
  view.set("instrument_sha256", page.instrument_sha256);
  view.set("license", page.license);
  view.set("generator", page.generator);
  view.set("respondents", page.respondents);
  view.set("ids_policy", page.ids_policy);
  view.set("footer", page.footer);
  mustache::data sections{mustache::data::type::list};
  for (const Section& section : page.sections) {
    mustache::data s;
    s.set("id", section.id);
    s.set("title", section.title);
    s.set("body", render_section(section));
    sections.push_back(s);
  }
  view.set("sections", sections);
  mustache::mustache tmpl{template_text("page")};
  tmpl.set_custom_escape(escape);
  return tmpl.render(view);
}

}  // namespace psyscore::detail
