#include "scoring/encode/xlsx_writer.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "scoring/encode/score_columns.hpp"

namespace psyscore::detail {

namespace {

// Excel keeps at most 32767 characters in a cell.
constexpr std::size_t kMaxCell = 32767;

std::string cell_text(std::string_view text) {
  if (text.size() <= kMaxCell) return std::string(text);
  std::size_t end = kMaxCell;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

// A file made by mkstemp, removed when this goes out of scope.
class TemporaryFile {
 public:
  TemporaryFile() {
    std::error_code ec;
    std::filesystem::path directory = std::filesystem::temp_directory_path(ec);
    if (ec) directory = "/tmp";
    std::string pattern = (directory / "psyscore-XXXXXX.xlsx").string();
    const int fd = mkstemps(pattern.data(), 5);
    if (fd < 0) return;
    ::close(fd);
    path_ = std::move(pattern);
  }
  ~TemporaryFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  // Empty when no file could be made.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string band_range(const Band& band) {
  auto number = [](double x) {
    std::string text = std::to_string(x);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
  };
  if (band.min && band.max) return number(*band.min) + " to " + number(*band.max);
  if (band.min) return number(*band.min) + " and above";
  if (band.max) return "up to " + number(*band.max);
  return "any value";
}

void write_scores(lxw_worksheet* sheet, lxw_format* bold, const Instrument& instrument, const ResponseMatrix& responses,
                  const ScoreTable& table) {
  const std::vector<ScoreColumn> columns = score_columns(instrument);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), columns[c].name.c_str(), bold);
  }
  worksheet_freeze_panes(sheet, 1, 1);
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    const bool usable = responses.usable(r);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const ScoreColumn& column = columns[c];
      const auto col = static_cast<lxw_col_t>(c);
      switch (column.kind) {
        case ScoreColumn::Kind::id:
          worksheet_write_string(sheet, row, col, cell_text(responses.ids[r]).c_str(), nullptr);
          break;
        case ScoreColumn::Kind::errors:
          if (!usable) worksheet_write_string(sheet, row, col, cell_text(joined_errors(responses, r)).c_str(), nullptr);
          break;
        case ScoreColumn::Kind::band: {
          const SubscaleScore& score = table.at(r, column.subscale);
          if (usable && score.band) {
            const Band& band = instrument.subscales[column.subscale].bands[*score.band];
            worksheet_write_string(sheet, row, col, cell_text(band.label).c_str(), nullptr);
          }
          break;
        }
        default:
          if (!usable) break;
          if (const auto number = score_number(column, table.at(r, column.subscale))) {
            worksheet_write_number(sheet, row, col, *number, nullptr);
          }
      }
    }
  }
}

void write_instrument(lxw_worksheet* sheet, lxw_format* bold, const Instrument& instrument) {
  lxw_row_t row = 0;
  auto pair = [&](const char* key, const std::string& value) {
    worksheet_write_string(sheet, row, 0, key, bold);
    worksheet_write_string(sheet, row, 1, cell_text(value).c_str(), nullptr);
    ++row;
  };
  pair("id", instrument.id);
  pair("version", instrument.version);
  pair("name", instrument.name);
  pair("sha256", instrument.sha256);
  pair("citation", instrument.citation);
  pair("license", instrument.license);
  pair("scored_by", "psyscore");
  ++row;
  const char* headers[] = {"subscale", "name", "method", "items", "band", "band_range"};
  for (lxw_col_t c = 0; c < 6; ++c) worksheet_write_string(sheet, row, c, headers[c], bold);
  ++row;
  for (const Subscale& subscale : instrument.subscales) {
    worksheet_write_string(sheet, row, 0, cell_text(subscale.id).c_str(), nullptr);
    worksheet_write_string(sheet, row, 1, cell_text(subscale.name).c_str(), nullptr);
    worksheet_write_string(sheet, row, 2, std::string(to_string(subscale.method)).c_str(), nullptr);
    worksheet_write_number(sheet, row, 3, static_cast<double>(subscale.items.size()), nullptr);
    if (subscale.bands.empty()) ++row;
    for (const Band& band : subscale.bands) {
      worksheet_write_string(sheet, row, 4, cell_text(band.label).c_str(), nullptr);
      worksheet_write_string(sheet, row, 5, band_range(band).c_str(), nullptr);
      ++row;
    }
  }
  worksheet_set_column(sheet, 0, 0, 12, nullptr);
  worksheet_set_column(sheet, 1, 1, 60, nullptr);
}

}  // namespace

Result<std::string> encode_score_xlsx(const Instrument& instrument, const ResponseMatrix& responses,
                                      const ScoreTable& table) {
  if (responses.respondent_count() > kMaxXlsxRespondents) {
    return std::unexpected(
        Error::single(ErrorCode::invalid,
                      Problem{.code = "too_many_rows",
                              .message = "an Excel sheet holds at most " + std::to_string(kMaxXlsxRespondents) +
                                         " respondents; this wave has " + std::to_string(responses.respondent_count()) +
                                         " (ask for CSV instead)"}));
  }
  auto io_error = [](std::string message) {
    return std::unexpected(
        Error::single(ErrorCode::io_error, Problem{.code = "xlsx_io", .message = std::move(message)}));
  };
  const TemporaryFile file;
  const std::string& path = file.path();
  if (path.empty()) return io_error("cannot create a temporary file for the Excel workbook");

  lxw_workbook* workbook = workbook_new(path.c_str());
  if (!workbook) return io_error("cannot start the Excel workbook");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  std::string title = instrument.id + " " + instrument.version + " scores";
  std::string comments = "Scored by psyscore; definition SHA-256 " + instrument.sha256;
  lxw_doc_properties properties{};
  properties.title = title.data();
  properties.comments = comments.data();
  workbook_set_properties(workbook, &properties);
  write_scores(workbook_add_worksheet(workbook, "scores"), bold, instrument, responses, table);
  write_instrument(workbook_add_worksheet(workbook, "instrument"), bold, instrument);
  if (const lxw_error status = workbook_close(workbook); status != LXW_NO_ERROR) {
    return io_error(std::string("cannot write the Excel workbook: ") + lxw_strerror(status));
  }

  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return io_error("cannot read back the Excel workbook");
  return bytes;
}

}  // namespace psyscore::detail
