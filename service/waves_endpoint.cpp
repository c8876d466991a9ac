// POST /v1/instruments/{id}/waves and /v1/waves: a group measured at two or
// more waves, from {"waves": [{"name", "responses"}, ...], "options"} or
// (registry route) one long text/csv body with a wave column.

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "endpoints.hpp"
#include "limits.hpp"
#include "problem.hpp"
#include "psyscore/waves.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::service {

namespace json = boost::json;
using detail::pointer_append;

namespace {

Error malformed(std::string pointer, std::string message, std::string code = "wrong_type") {
  return Error::single(ErrorCode::malformed,
                       {.pointer = std::move(pointer), .code = std::move(code), .message = std::move(message)});
}

Error impossible(std::string pointer, std::string message) {
  return Error::single(ErrorCode::invalid,
                       {.pointer = std::move(pointer), .code = "out_of_range", .message = std::move(message)});
}

Result<double> positive_number(const json::value& value, const std::string& pointer, std::string_view name) {
  double x = 0;
  if (!detail::get_number(value, x))
    return std::unexpected(malformed(pointer, "\"" + std::string(name) + "\" must be a number"));
  if (!(x > 0) || !std::isfinite(x)) {
    return std::unexpected(impossible(pointer, "\"" + std::string(name) + "\" must be a positive number"));
  }
  return x;
}

Result<WavesClinicalSignificance> clinical_of(const json::value& value, const std::string& pointer) {
  const json::object* object = value.if_object();
  if (!object) return std::unexpected(malformed(pointer, "\"clinical_significance\" must be an object"));
  WavesClinicalSignificance clinical;
  bool method = false;
  for (const auto& entry : *object) {
    const std::string at = pointer_append(pointer, entry.key());
    const std::string_view key = entry.key();
    if (key == "rci_method") {
      if (!entry.value().is_string()) return std::unexpected(malformed(at, "\"rci_method\" must be a string"));
      if (entry.value().get_string() != "hlm") {
        return std::unexpected(impossible(
            at,
            "the waves analysis offers rci_method \"hlm\" (empirical-Bayes slopes over every wave); the pre/post "
            "methods belong to /change"));
      }
      method = true;
    } else if (key == "criterion") {
      const json::string* text = entry.value().if_string();
      if (!text) return std::unexpected(malformed(at, "\"criterion\" must be \"auto\", \"a\", \"b\" or \"c\""));
      if (*text == "a") {
        clinical.criterion = CutoffCriterion::a;
      } else if (*text == "b") {
        clinical.criterion = CutoffCriterion::b;
      } else if (*text == "c") {
        clinical.criterion = CutoffCriterion::c;
      } else if (*text != "auto") {
        return std::unexpected(impossible(at, "\"criterion\" must be \"auto\", \"a\", \"b\" or \"c\""));
      }
    } else if (key == "sd_multiplier") {
      auto x = positive_number(entry.value(), at, "sd_multiplier");
      if (!x) return std::unexpected(std::move(x.error()));
      clinical.sd_multiplier = *x;
    } else if (key == "rci_criterion") {
      auto x = positive_number(entry.value(), at, "rci_criterion");
      if (!x) return std::unexpected(std::move(x.error()));
      clinical.rci_criterion = *x;
    } else if (key == "functional_sd") {
      const json::string* text = entry.value().if_string();
      if (!text || (*text != "norms" && *text != "sample")) {
        return std::unexpected(malformed(at, "\"functional_sd\" must be \"norms\" or \"sample\""));
      }
      clinical.functional_sd = *text == "sample" ? FunctionalSd::sample : FunctionalSd::norms;
    } else {
      return std::unexpected(malformed(at,
                                       "unknown option \"" + std::string(key) +
                                           "\"; clinical_significance takes \"rci_method\", \"criterion\", "
                                           "\"sd_multiplier\", \"functional_sd\" and \"rci_criterion\"",
                                       "unknown_key"));
    }
  }
  if (!method) {
    return std::unexpected(malformed(pointer_append(pointer, "rci_method"),
                                     "clinical_significance needs \"rci_method\": \"hlm\"", "missing_key"));
  }
  return clinical;
}

Result<WavesOptions> waves_options(const json::object& body) {
  WavesOptions options;
  const json::value* nested = body.if_contains("options");
  if (!nested || nested->is_null()) return options;
  const json::object* object = nested->if_object();
  if (!object) return std::unexpected(malformed("/options", "\"options\" must be an object"));
  for (const auto& entry : *object) {
    const std::string at = pointer_append("/options", entry.key());
    const std::string_view key = entry.key();
    if (key == "ci_level") {
      double level = 0;
      if (!detail::get_number(entry.value(), level))
        return std::unexpected(malformed(at, "\"ci_level\" must be a number"));
      if (!(level > 0 && level < 1)) {
        return std::unexpected(impossible(at, "\"ci_level\" must lie strictly between 0 and 1, e.g. 0.95"));
      }
      options.ci_level = level;
    } else if (key == "subscales") {
      const json::array* list = entry.value().if_array();
      if (!list) return std::unexpected(malformed(at, "\"subscales\" must be an array of subscale ids"));
      for (std::size_t i = 0; i < list->size(); ++i) {
        if (!(*list)[i].is_string()) {
          return std::unexpected(malformed(pointer_append(at, i), "a subscale id must be a string"));
        }
        options.subscales.emplace_back((*list)[i].get_string());
      }
    } else if (key == "clinical_significance") {
      auto clinical = clinical_of(entry.value(), at);
      if (!clinical) return std::unexpected(std::move(clinical.error()));
      options.clinical_significance = *clinical;
    } else {
      return std::unexpected(malformed(at,
                                       "unknown option \"" + std::string(key) +
                                           "\"; the options are \"subscales\", \"ci_level\", \"clinical_significance\"",
                                       "unknown_key"));
    }
  }
  return options;
}

// The same options from the query string of a text/csv body.
Result<WavesOptions> waves_query_options(const RequestContext& context) {
  WavesOptions options;
  for (const auto& [name, value] : context.query) {
    if (name == "subscale") {
      options.subscales.push_back(value);
    } else if (name == "ci_level") {
      double level = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), level);
      if (ec != std::errc{} || end != value.data() + value.size()) {
        return std::unexpected(malformed("", "query parameter \"ci_level\" must be a number"));
      }
      if (!(level > 0 && level < 1)) {
        return std::unexpected(impossible("", "\"ci_level\" must lie strictly between 0 and 1, e.g. 0.95"));
      }
      options.ci_level = level;
    } else if (name == "rci_method") {
      if (value != "hlm") return std::unexpected(impossible("", "query parameter \"rci_method\" must be \"hlm\""));
      options.clinical_significance = WavesClinicalSignificance{};
    }
  }
  return options;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

ApiResponse encoded(const Instrument& instrument, WavesReport report, std::vector<std::string> warnings,
                    std::size_t respondents) {
  report.warnings.insert(report.warnings.begin(), warnings.begin(), warnings.end());
  return result(encode_waves_result(instrument, report), respondents);
}

ApiResponse csv_waves(const ServiceState& state, const RequestContext& context) {
  const auto wave_column = context.parameter("wave_column");
  if (!wave_column || wave_column->empty()) {
    return problem(400, "a text/csv body needs the query parameter wave_column naming the wave column", "",
                   "missing_parameter");
  }
  if (auto error = check_parameters(context, {"id_column", "column_prefix", "delimiter", "wave_column", "wave_order",
                                              "subscale", "ci_level", "rci_method"})) {
    return problem(*error);
  }
  auto options = waves_query_options(context);
  if (!options) return problem(options.error());
  auto instrument = resolve_instrument(state, context, nullptr);
  if (!instrument) return problem(instrument.error());
  CsvWavesOptions csv;
  csv.csv.source = "body";
  if (auto id_column = context.parameter("id_column")) csv.csv.id_column = *id_column;
  if (auto prefix = context.parameter("column_prefix")) csv.csv.column_prefix = *prefix;
  if (auto error = read_delimiter(context, csv.csv)) return problem(*error);
  csv.wave_column = *wave_column;
  if (auto order = context.parameter("wave_order")) csv.wave_order = split_list(*order);
  auto decoded = decode_waves(**instrument, context.body, context.table_format(), csv);
  if (!decoded) return problem(decoded.error());
  if (auto error = check_waves(state.limits(), decoded->names.size(), "")) return problem(*error);
  std::size_t respondents = 0;
  for (const auto& wave : decoded->waves) respondents += wave.respondent_count();
  if (auto error = check_respondents(state.limits(), respondents, "", "respondent-waves")) return problem(*error);
  options->deadline = context.deadline;
  std::vector<NamedWave> waves;
  for (std::size_t w = 0; w < decoded->names.size(); ++w) waves.push_back({decoded->names[w], &decoded->waves[w]});
  auto report = psyscore::waves(**instrument, waves, *options);
  if (!report) return problem(report.error());
  return encoded(**instrument, std::move(*report), decoded->warnings, respondents);
}

}  // namespace

ApiResponse waves_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv() && !context.instrument_id.empty()) return csv_waves(state, context);
  JsonBody body(state, context, {"waves", "options"});
  if (body.failure) return std::move(*body.failure);
  auto options = waves_options(body.root());
  if (!options) return problem(options.error());
  const json::value* waves_value = body.root().if_contains("waves");
  if (!waves_value) return problem(400, "\"waves\" is required", "/waves", "missing_key");
  const json::array* list = waves_value->if_array();
  if (!list) {
    return problem(400, "\"waves\" must be an array of {\"name\", \"responses\"} in time order", "/waves",
                   "wrong_type");
  }
  if (auto error = check_waves(state.limits(), list->size(), "/waves")) return problem(*error);
  std::vector<std::string> names;
  std::vector<ResponseMatrix> matrices;
  std::vector<std::string> warnings;
  std::size_t respondents = 0;
  for (std::size_t w = 0; w < list->size(); ++w) {
    const std::string pointer = pointer_append("/waves", w);
    const json::object* wave = (*list)[w].if_object();
    if (!wave) return problem(400, "a wave must be an object {\"name\", \"responses\"}", pointer, "wrong_type");
    for (const auto& entry : *wave) {
      if (entry.key() != "name" && entry.key() != "responses") {
        return problem(400, "unknown key \"" + std::string(entry.key()) + "\"; a wave has \"name\" and \"responses\"",
                       pointer_append(pointer, entry.key()), "unknown_key");
      }
    }
    const json::value* name = wave->if_contains("name");
    if (!name) return problem(400, "a wave needs a \"name\"", pointer + "/name", "missing_key");
    if (!name->is_string() || name->get_string().empty()) {
      return problem(400, "a wave's \"name\" must be a non-empty string", pointer + "/name", "wrong_type");
    }
    auto decoded = decode_wave(state, body.instrument(), *wave, "responses");
    if (!decoded) {
      Error error = std::move(decoded.error());
      for (auto& p : error.problems) p.pointer.insert(0, pointer);
      return problem(error);
    }
    respondents += decoded->respondent_count();
    if (auto error = check_respondents(state.limits(), respondents, pointer, "respondent-waves")) {
      return problem(*error);
    }
    names.emplace_back(name->get_string());
    matrices.push_back(std::move(*decoded));
  }
  std::vector<NamedWave> waves;
  for (std::size_t w = 0; w < names.size(); ++w) waves.push_back({names[w], &matrices[w]});
  options->deadline = context.deadline;
  auto report = psyscore::waves(body.instrument(), waves, *options);
  if (!report) {
    // The engine's pointers are relative to the options, except those into the waves.
    Error error = std::move(report.error());
    for (auto& p : error.problems) {
      if (!p.pointer.starts_with("/waves")) p.pointer.insert(0, "/options");
    }
    return problem(error);
  }
  return encoded(body.instrument(), std::move(*report), warnings, respondents);
}

}  // namespace psyscore::service
