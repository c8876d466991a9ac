// psyscore score: per-respondent scores as the JSON result of docs/api.md,
// as CSV, or as a FHIR Bundle of Observations (--format fhir).
//
// A CSV is scored as it is read, a chunk of respondents at a time, so memory
// stays flat however large the file. It is read twice: a first pass checks
// the whole file (its structure and that no id repeats), because a file
// with a problem must print nothing but its problems, exactly as when it was
// decoded at once; the second pass decodes, scores and writes each chunk.
// The output is byte for byte what the whole wave gives in one piece
// (encode_score_result, or the CSV below); tests/cli/cli_test.cpp compares
// the two. JSON input is decoded whole, then scored and written in chunks;
// so is FHIR input (a .json QuestionnaireResponse or Bundle of them,
// docs/fhir.md). A Bundle of Observations is one document, written whole.

#include <cstdio>
#include <functional>
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "input.hpp"
#include "psyscore/fhir.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/decode/csv.hpp"
#include "scoring/encode/sav_writer.hpp"
#include "scoring/encode/score_csv_writer.hpp"
#include "scoring/encode/score_writer.hpp"
#include "scoring/encode/xlsx_writer.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore::cli {

namespace {

// Respondents per chunk: their answers, scores and output text take a few
// megabytes.
constexpr std::size_t kChunkRows = 4096;
// Bytes per read of the input.
constexpr std::size_t kReadBytes = 1 << 20;

// Scores chunks of a wave and writes each to standard output as it comes,
// in either format.
class ScoreOutput {
 public:
  // `input_warnings`: the wave's warnings from decoding.
  ScoreOutput(const Instrument& instrument, bool csv, std::vector<std::string> input_warnings)
      : instrument_(instrument),
        csv_(csv),
        input_warnings_(std::move(input_warnings)),
        json_writer_(instrument),
        csv_writer_(instrument),
        between_bands_(instrument.subscales.size(), 0) {}

  void begin() {
    if (csv_) {
      // The CSV has no place for warnings: they go to stderr, those of the
      // scores once they are all known.
      for (const auto& warning : input_warnings_) std::cerr << "warning: " << warning << '\n';
      csv_writer_.begin(out_);
    } else {
      json_writer_.begin(out_);
    }
    flush();
  }

  void add(const ResponseMatrix& chunk) {
    if (csv_) {
      score(instrument_, chunk, table_);
      for (std::size_t s = 0; s < between_bands_.size(); ++s) between_bands_[s] += table_.between_bands[s];
      csv_writer_.add(out_, chunk, table_);
    } else {
      json_writer_.add(out_, chunk, between_bands_);  // scores as it writes
    }
    flush();
  }

  void end() {
    const std::vector<std::string> score_warnings = psyscore::score_warnings(instrument_, between_bands_);
    if (csv_) {
      for (const auto& warning : score_warnings) std::cerr << "warning: " << warning << '\n';
    } else {
      std::vector<std::string> warnings = input_warnings_;
      warnings.insert(warnings.end(), score_warnings.begin(), score_warnings.end());
      json_writer_.end(out_, warnings);
    }
    flush();
  }

 private:
  void flush() {
    std::cout.write(out_.data(), static_cast<std::streamsize>(out_.size()));
    out_.clear();
  }

  const Instrument& instrument_;
  bool csv_;
  std::vector<std::string> input_warnings_;
  detail::ScoreResultWriter json_writer_;
  detail::ScoreCsvWriter csv_writer_;
  ScoreTable table_;                        // a chunk's, for the CSV
  std::vector<std::size_t> between_bands_;  // summed over the chunks
  std::string out_;                         // one chunk's text
};

void clear_respondents(ResponseMatrix& wave) {
  wave.ids.clear();
  wave.answers.clear();
  wave.errors.clear();
  wave.groups.clear();
}

// Runs `decoder` over the whole input from its start, a window of text at a
// time; with `chunk`, calls `on_chunk` for each chunk of respondents decoded
// into it.
Result<void> decode_input(InputStream& input, detail::CsvResponseDecoder& decoder, ResponseMatrix* chunk,
                          const std::function<void(const ResponseMatrix&)>& on_chunk) {
  if (auto rewound = input.rewind(); !rewound) return rewound;
  std::string text;
  std::size_t begin = 0;  // of the text not yet decoded
  bool end_of_input = false;
  bool needs_text = true;
  while (!decoder.finished()) {
    if (needs_text && !end_of_input) {
      text.erase(0, begin);  // the start of a record cut by the last read, at most
      begin = 0;
      const auto size = input.read(text, kReadBytes);
      if (!size) return std::unexpected(size.error());
      end_of_input = *size == 0;
    }
    if (chunk) clear_respondents(*chunk);
    begin += decoder.decode(std::string_view(text).substr(begin), end_of_input, chunk, kChunkRows);
    needs_text = decoder.needs_more_text();
    if (chunk && chunk->respondent_count() > 0) on_chunk(*chunk);
  }
  return {};
}

int score_csv(const Instrument& instrument, InputStream& input, const ScoreOptions& options) {
  CsvOptions csv = csv_options(options.id_column, options.column_prefix);
  csv.source = input.source();

  detail::CsvResponseDecoder checker(instrument, csv);
  if (auto read = decode_input(input, checker, nullptr, {}); !read) return report(read.error());
  if (auto error = checker.error()) return report(*error);

  ScoreOutput output(instrument, options.format == "csv", checker.warnings());
  // The first pass found every id unique; the second need not remember them.
  detail::CsvResponseDecoder decoder(instrument, csv, /*check_ids=*/false);
  ResponseMatrix chunk;
  chunk.item_count = instrument.items.size();
  output.begin();
  auto read = decode_input(input, decoder, &chunk, [&](const ResponseMatrix& rows) { output.add(rows); });
  if (!read) return report(read.error());
  if (auto error = decoder.error()) return report(*error);  // the file changed between the passes
  output.end();
  return kSuccess;
}

// Writes the scores of a whole wave: JSON or CSV a chunk at a time, SPSS or
// Excel at once (their writers need every row, and ReadStat the count).
int score_wave(const Instrument& instrument, const ResponseMatrix& wave, const ScoreOptions& options) {
  if (options.format == "sav" || options.format == "xlsx") {
    const ScoreTable table = score(instrument, wave);
    auto bytes = options.format == "sav" ? detail::encode_score_sav(instrument, wave, table)
                                         : detail::encode_score_xlsx(instrument, wave, table);
    if (!bytes) return report(bytes.error());
    // A binary file has no place for warnings either.
    for (const auto& warning : wave.warnings) std::cerr << "warning: " << warning << '\n';
    for (const auto& warning : table.warnings) std::cerr << "warning: " << warning << '\n';
    std::cout.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    std::cout.flush();
    return kSuccess;
  }
  ScoreOutput output(instrument, options.format == "csv", wave.warnings);
  ResponseMatrix chunk;
  chunk.item_count = wave.item_count;
  output.begin();
  for (std::size_t first = 0; first < wave.respondent_count(); first += kChunkRows) {
    const std::size_t last = std::min(first + kChunkRows, wave.respondent_count());
    clear_respondents(chunk);
    chunk.ids.assign(wave.ids.begin() + first, wave.ids.begin() + last);
    chunk.answers.assign(wave.answers.begin() + first * wave.item_count, wave.answers.begin() + last * wave.item_count);
    chunk.errors.assign(wave.errors.begin() + first, wave.errors.begin() + last);
    output.add(chunk);
  }
  output.end();
  return kSuccess;
}

// --format fhir: a Bundle of Observations, as POST /v1/fhir/score answers.
int write_observations(const FhirWave& wave) {
  const ScoreTable table = psyscore::score(*wave.instrument, wave.responses);
  const std::string bundle = encode_fhir_observations(wave, table);
  std::cout.write(bundle.data(), static_cast<std::streamsize>(bundle.size()));
  return kSuccess;
}

// A JSON input is FHIR (a QuestionnaireResponse or a Bundle of them) rather
// than {"responses": [...]} when it names a resourceType.
bool is_fhir(std::string_view text) { return text.find("\"resourceType\"") != std::string_view::npos; }

// Decodes the whole input (JSON or FHIR JSON, a ReadStat file, or a CSV to be
// written as SPSS, Excel or FHIR), then scores it.
int score_whole(const InstrumentPtr& instrument, InputStream& input, const ScoreOptions& options, InputFormat format) {
  const auto text = input.read_all();
  if (!text) return report(text.error());
  const auto failed = [&](Error error) {
    for (auto& problem : error.problems) {
      if (problem.source.empty()) problem.source = input.source();
    }
    return report(error);
  };
  if (format == InputFormat::json && is_fhir(text->view())) {
    auto wave = decode_fhir_responses(instrument, text->view());
    if (!wave) return failed(std::move(wave.error()));
    if (options.format == "fhir") return write_observations(*wave);
    return score_wave(*instrument, wave->responses, options);
  }
  CsvOptions csv = csv_options(options.id_column, options.column_prefix);
  csv.source = input.source();
  auto wave = decode_responses(*instrument, text->view(), format, csv);
  if (!wave) return failed(std::move(wave.error()));
  if (options.format == "fhir") return write_observations(fhir_wave_of(instrument, std::move(*wave)));
  return score_wave(*instrument, *wave, options);
}

// The input's format: a ReadStat format by the file's extension, else by
// the first bytes (ReadStat's magic numbers, JSON's '{', else CSV).
Result<InputFormat> input_format(InputStream& input) {
  if (const auto by_name = input_format_from_file_name(input.source())) {
    if (*by_name != InputFormat::json && *by_name != InputFormat::csv) return *by_name;
  }
  std::string text;
  while (true) {
    const auto size = input.read(text, kReadBytes);
    if (!size) return std::unexpected(size.error());
    if (*size == 0 || text.find_first_not_of(" \t\r\n") != std::string::npos) return detect_input_format(text);
  }
}

}  // namespace

int score(const Context& context, const ScoreOptions& options) {
  const auto instrument = resolve_instrument(context, options.instrument);
  if (!instrument) return report(instrument.error());
  auto input = InputStream::open(options.data);
  if (!input) return report(input.error());
  const auto format = input_format(*input);
  if (!format) return report(format.error());
  // A CSV is scored as it is read, but into SPSS, Excel or FHIR, which are written whole.
  if (*format == InputFormat::csv && options.format != "sav" && options.format != "xlsx" && options.format != "fhir") {
    return score_csv(**instrument, *input, options);
  }
  return score_whole(*instrument, *input, options, *format);
}

}  // namespace psyscore::cli
