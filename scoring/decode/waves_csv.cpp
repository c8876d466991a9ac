// The long CSV of a waves analysis: one row per respondent and wave.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "psyscore/waves.hpp"
#include "scoring/decode/csv.hpp"
#include "scoring/decode/readstat_input.hpp"

namespace psyscore {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// Beyond this many problems a report stops listing them.
constexpr std::size_t kMaxProblems = 100;

Error waves_error(std::vector<Problem> problems) {
  std::string message =
      problems.size() == 1 ? problems.front().message : std::to_string(problems.size()) + " problems with the waves";
  return Error{ErrorCode::invalid, std::move(message), std::move(problems)};
}

// wave_order names no wave twice and none empty.
std::optional<Error> check_wave_order(const CsvWavesOptions& options) {
  std::vector<Problem> problems;
  std::unordered_set<std::string_view> listed;
  for (const std::string& name : options.wave_order) {
    if (name.empty()) {
      problems.push_back(
          {.source = options.csv.source, .code = "empty_wave", .message = "wave_order names an empty wave"});
    } else if (!listed.insert(name).second) {
      problems.push_back({.source = options.csv.source,
                          .code = "duplicate_wave",
                          .message = "wave_order lists wave " + quote(name) + " twice"});
    }
  }
  if (problems.empty()) return std::nullopt;
  return Error{ErrorCode::invalid, problems.front().message, std::move(problems)};
}

// The respondents of `all`, whose groups name their waves, wave by wave.
DecodedWaves split_waves(const ResponseMatrix& all, std::vector<std::string> names,
                         const std::unordered_map<std::string, std::size_t>& wave_index) {
  DecodedWaves result;
  result.names = std::move(names);
  result.warnings = all.warnings;
  result.waves.resize(result.names.size());
  for (ResponseMatrix& wave : result.waves) wave.item_count = all.item_count;
  for (std::size_t r = 0; r < all.respondent_count(); ++r) {
    const auto found = wave_index.find(all.groups[r]);
    if (found == wave_index.end()) continue;  // not reachable: every wave was indexed
    ResponseMatrix& wave = result.waves[found->second];
    wave.ids.push_back(all.ids[r]);
    const auto row = all.row(r);
    wave.answers.insert(wave.answers.end(), row.begin(), row.end());
    wave.errors.push_back(all.errors[r]);
  }
  return result;
}

// A long SPSS, Stata or SAS file: one case per respondent and wave.
Result<DecodedWaves> decode_stat_waves(const Instrument& instrument, std::string_view bytes, detail::StatFormat format,
                                       const CsvWavesOptions& options) {
  CsvOptions csv = options.csv;
  csv.group_column = options.wave_column;
  auto all = detail::decode_stat_responses(instrument, bytes, format, csv, {}, /*ids_per_group=*/true);
  if (!all) return std::unexpected(std::move(all.error()));
  std::vector<std::string> names = options.wave_order;
  std::unordered_map<std::string, std::size_t> wave_index;
  for (std::size_t w = 0; w < names.size(); ++w) wave_index.emplace(names[w], w);
  std::vector<std::size_t> rows(names.size(), 0);
  std::vector<Problem> problems;
  for (std::size_t r = 0; r < all->respondent_count(); ++r) {
    auto found = wave_index.find(all->groups[r]);
    if (found == wave_index.end()) {
      if (!options.wave_order.empty()) {
        // Every case became a respondent (a skipped one fails the file), so r + 1 is its case.
        if (problems.size() < kMaxProblems) {
          problems.push_back({.source = options.csv.source,
                              .code = "unknown_wave",
                              .message = "case " + std::to_string(r + 1) + ", variable " + quote(options.wave_column) +
                                         ": wave " + quote(all->groups[r]) + " is not in wave_order"});
        }
        continue;
      }
      found = wave_index.emplace(all->groups[r], names.size()).first;
      names.push_back(all->groups[r]);
      rows.push_back(0);
    }
    ++rows[found->second];
  }
  for (std::size_t w = 0; w < options.wave_order.size() && problems.empty(); ++w) {
    if (rows[w] == 0) {
      problems.push_back({.source = options.csv.source,
                          .code = "unknown_wave",
                          .message = "wave_order lists wave " + quote(options.wave_order[w]) +
                                     ", which no case of variable " + quote(options.wave_column) + " has"});
    }
  }
  if (!problems.empty()) return std::unexpected(waves_error(std::move(problems)));
  return split_waves(*all, std::move(names), wave_index);
}

}  // namespace

Result<DecodedWaves> decode_waves(const Instrument& instrument, std::string_view bytes, InputFormat format,
                                  const CsvWavesOptions& options) {
  switch (format) {
    case InputFormat::spss: return decode_stat_waves(instrument, bytes, detail::StatFormat::spss, options);
    case InputFormat::stata: return decode_stat_waves(instrument, bytes, detail::StatFormat::stata, options);
    case InputFormat::sas: return decode_stat_waves(instrument, bytes, detail::StatFormat::sas, options);
    case InputFormat::csv:
    case InputFormat::json: break;
  }
  return decode_csv_waves(instrument, bytes, options);
}

Result<DecodedWaves> decode_csv_waves(const Instrument& instrument, std::string_view text,
                                      const CsvWavesOptions& options) {
  const std::string& source = options.csv.source;
  auto problem = [&](std::size_t line, std::size_t column, std::string code, std::string message) {
    return Problem{
        .source = source, .line = line, .column = column, .code = std::move(code), .message = std::move(message)};
  };
  if (auto error = check_wave_order(options)) return std::unexpected(std::move(*error));
  std::vector<Problem> problems;

  // First pass: the wave of every row, repeated ids within a wave, waves that
  // wave_order does not list. Structural problems are left to the decoder.
  std::vector<std::string> names = options.wave_order;
  std::unordered_map<std::string, std::size_t> wave_index;
  for (std::size_t w = 0; w < names.size(); ++w) wave_index.emplace(names[w], w);
  {
    detail::CsvReader reader(text, true);
    reader.set_delimiter(options.csv.delimiter != 0 ? options.csv.delimiter : detail::detect_delimiter(text));
    std::vector<std::string_view> fields;
    std::optional<std::size_t> id_column;
    std::optional<std::size_t> wave_column;
    if (reader.next(fields)) {
      for (std::size_t c = 0; c < fields.size(); ++c) {
        const std::string_view name = trim(fields[c]);
        if (name == options.csv.id_column && !id_column) id_column = c;
        if (name == options.wave_column && !wave_column) wave_column = c;
      }
    }
    if (id_column && wave_column) {
      // (wave, id) -> line of its first row
      std::vector<std::unordered_map<std::string, std::size_t>> seen(names.size());
      while (reader.next(fields)) {
        if (fields.size() <= std::max(*id_column, *wave_column)) break;  // ragged: the decoder says where
        const std::string_view wave = trim(fields[*wave_column]);
        const std::string_view id = trim(fields[*id_column]);
        if (wave.empty() || wave == "NA" || id.empty()) break;  // the decoder says where
        auto found = wave_index.find(std::string(wave));
        if (found == wave_index.end()) {
          if (!options.wave_order.empty()) {
            if (problems.size() < kMaxProblems) {
              problems.push_back(problem(reader.line(), *wave_column + 1, "unknown_wave",
                                         "wave " + quote(wave) + " is not in wave_order"));
            }
            continue;
          }
          found = wave_index.emplace(std::string(wave), names.size()).first;
          names.emplace_back(wave);
          seen.emplace_back();
        }
        auto [first, inserted] = seen[found->second].try_emplace(std::string(id), reader.line());
        if (!inserted && problems.size() < kMaxProblems) {
          problems.push_back(problem(reader.line(), *id_column + 1, "duplicate_id",
                                     "respondent " + quote(id) + " appears twice in wave " + quote(wave) +
                                         " (first on line " + std::to_string(first->second) + ")"));
        }
      }
      if (problems.empty()) {
        for (std::size_t w = 0; w < options.wave_order.size(); ++w) {
          if (seen[w].empty()) {
            problems.push_back(problem(0, 0, "unknown_wave",
                                       "wave_order lists wave " + quote(options.wave_order[w]) +
                                           ", which no row of column " + quote(options.wave_column) + " has"));
          }
        }
      }
    }
  }
  if (!problems.empty()) return std::unexpected(waves_error(std::move(problems)));

  // Second pass: the answers, decoded and checked as any CSV wave.
  CsvOptions csv = options.csv;
  csv.group_column = options.wave_column;
  ResponseMatrix all;
  all.item_count = instrument.items.size();
  detail::CsvResponseDecoder decoder(instrument, csv, /*check_ids=*/false);
  decoder.decode(text, /*last=*/true, &all, SIZE_MAX);
  if (auto error = decoder.error()) return std::unexpected(std::move(*error));

  all.warnings = decoder.warnings();
  return split_waves(all, std::move(names), wave_index);
}

}  // namespace psyscore
