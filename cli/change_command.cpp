// `psyscore change` and `psyscore compare`: read the waves, call the engine,
// print the JSON body that the HTTP API would send.

#include <charconv>
#include <iostream>
#include <string_view>
#include <system_error>

#include "commands.hpp"
#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/json.hpp"
#include "psyscore/tables.hpp"

namespace psyscore::cli {

namespace {

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<RciReliability> parse_reliability(const Instrument& instrument, const std::string& text,
                                                const std::vector<std::string>& subscales) {
  if (text == "sample") return RciFromSample{};
  if (text == "published") return RciFromPublished{};
  RciFromCaller values;
  if (const auto value = parse_number(text)) {
    if (subscales.empty()) {
      for (const auto& subscale : instrument.subscales) values[subscale.id] = *value;
    } else {
      for (const auto& id : subscales) values[id] = *value;
    }
    return values;
  }
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos || equals == 0) return std::nullopt;
    const auto value = parse_number(entry.substr(equals + 1));
    if (!value) return std::nullopt;
    values[std::string(entry.substr(0, equals))] = *value;
  }
  if (values.empty()) return std::nullopt;
  return values;
}

std::optional<ChangeOptions> change_engine_options(const Instrument& instrument, const ChangeCommandOptions& options) {
  ChangeOptions engine;
  engine.ci_level = options.ci_level;
  engine.rci_criterion = options.rci_criterion;
  engine.subscales = options.subscales;
  const auto reliability = parse_reliability(instrument, options.rci_reliability, options.subscales);
  if (!reliability) {
    std::cerr << "error: --rci-reliability takes sample, published, a number in (0, 1), or ID=VALUE[,ID=VALUE...]; "
                 "got \""
              << options.rci_reliability << "\"\n";
    return std::nullopt;
  }
  engine.rci_reliability = *reliability;
  const auto method = rci_method_from(options.rci_method);
  if (!method) {
    std::cerr << "error: --rci-method takes jt, gln, hll, en, nk or ha; got \"" << options.rci_method << "\"\n";
    return std::nullopt;
  }
  engine.rci_method = *method;
  if (!options.reliability_post.empty()) {
    const auto post = parse_reliability(instrument, options.reliability_post, options.subscales);
    if (!post) {
      std::cerr << "error: --reliability-post takes sample, published, a number in (0, 1), or "
                   "ID=VALUE[,ID=VALUE...]; got \""
                << options.reliability_post << "\"\n";
      return std::nullopt;
    }
    engine.reliability_post = *post;
  }
  if (!options.clinical_criterion.empty()) {
    ClinicalSignificanceOptions clinical;
    if (options.clinical_criterion == "a") clinical.criterion = CutoffCriterion::a;
    if (options.clinical_criterion == "b") clinical.criterion = CutoffCriterion::b;
    if (options.clinical_criterion == "c") clinical.criterion = CutoffCriterion::c;
    clinical.sd_multiplier = options.clinical_sd_multiplier;
    clinical.functional_sd = options.functional_sd == "sample" ? FunctionalSd::sample : FunctionalSd::norms;
    engine.clinical_significance = clinical;
  }
  return engine;
}

int change(const Context& context, const ChangeCommandOptions& options) {
  auto instrument = resolve_instrument(context, options.instrument);
  if (!instrument) return report(instrument.error());
  const auto engine = change_engine_options(**instrument, options);
  if (!engine) return kUsage;

  const CsvOptions csv = csv_options(options.id_column, options.column_prefix);
  auto pre = read_responses(**instrument, options.pre, csv);
  if (!pre) return report(pre.error(), options.pre);
  auto post = read_responses(**instrument, options.post, csv);
  if (!post) return report(post.error(), options.post);

  auto result = psyscore::change(**instrument, *pre, *post, *engine);
  if (!result) return report(result.error());
  if (options.format == "table") {
    std::cout << change_table(**instrument, *result);
  } else if (options.format == "csv") {
    std::cout << change_csv(**instrument, *result);
  } else {
    std::cout << encode_change_result(**instrument, *result);
  }
  return kSuccess;
}

int compare(const Context& context, const CompareCommandOptions& options) {
  if (options.group_column.empty() == options.group_covariate.empty()) {
    std::cerr << "error: compare takes the groups from --group-column (a CSV column) or --group-covariate (a "
                 "covariate of the responses), one of the two\n";
    return kUsage;
  }
  CsvOptions csv = csv_options(options.id_column, options.column_prefix);
  csv.group_column = options.group_column;
  // A CSV's covariate is a column read as one; a JSON file carries its own.
  if (!options.group_covariate.empty()) csv.covariate_columns = {options.group_covariate};
  const auto input = load_input(context, options.instrument, options.data, csv);
  if (!input) return input.error();

  CompareOptions engine;
  engine.ci_level = options.ci_level;
  engine.subscales = options.subscales;
  engine.items = options.items;
  engine.group_covariate = options.group_covariate;
  auto result = psyscore::compare(*input->instrument, input->responses, engine);
  if (!result) return report(result.error(), options.data);
  if (options.format == "table") {
    std::cout << compare_table(*input->instrument, *result);
  } else if (options.format == "csv") {
    std::cout << compare_csv(*input->instrument, *result);
  } else {
    std::cout << encode_compare_result(*input->instrument, *result);
  }
  return kSuccess;
}

}  // namespace psyscore::cli
