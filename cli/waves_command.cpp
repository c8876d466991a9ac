// `psyscore waves`: read the waves (one file per wave, or one long CSV with a
// wave column), call the engine, print the JSON body the HTTP API would send.

#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "input.hpp"
#include "psyscore/waves.hpp"

namespace psyscore::cli {

namespace {

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

}  // namespace

int waves(const Context& context, const WavesCommandOptions& options) {
  if (options.waves.empty() == options.wave_column.empty()) {
    std::cerr << "error: give either --wave NAME=FILE (repeated, in time order) or --wave-column COL with one "
                 "long DATA file\n";
    return kUsage;
  }
  if (!options.wave_column.empty() && options.data.empty()) {
    std::cerr << "error: --wave-column needs the DATA file\n";
    return kUsage;
  }
  WavesOptions engine;
  engine.ci_level = options.ci_level;
  engine.subscales = options.subscales;
  if (!options.rci_method.empty()) {
    if (options.rci_method != "hlm") {
      std::cerr << "error: psyscore waves offers --rci-method hlm; got \"" << options.rci_method << "\"\n";
      return kUsage;
    }
    WavesClinicalSignificance clinical;
    if (options.clinical_criterion == "a") clinical.criterion = CutoffCriterion::a;
    if (options.clinical_criterion == "b") clinical.criterion = CutoffCriterion::b;
    if (options.clinical_criterion == "c") clinical.criterion = CutoffCriterion::c;
    clinical.sd_multiplier = options.clinical_sd_multiplier;
    clinical.functional_sd = options.functional_sd == "sample" ? FunctionalSd::sample : FunctionalSd::norms;
    engine.clinical_significance = clinical;
  }

  auto instrument = resolve_instrument(context, options.instrument);
  if (!instrument) return report(instrument.error());
  const CsvOptions csv = csv_options(options.id_column, options.column_prefix);

  DecodedWaves decoded;
  if (!options.wave_column.empty()) {
    auto input = InputStream::open(options.data);
    if (!input) return report(input.error(), options.data);
    const auto text = input->read_all();
    if (!text) return report(text.error(), options.data);
    CsvWavesOptions long_csv;
    long_csv.csv = csv;
    long_csv.csv.source = input->source();
    long_csv.wave_column = options.wave_column;
    if (!options.wave_order.empty()) long_csv.wave_order = split_list(options.wave_order);
    auto result = decode_waves(**instrument, text->view(), file_format(long_csv.csv.source, text->view()), long_csv);
    if (!result) return report(result.error(), options.data);
    decoded = std::move(*result);
  } else {
    for (const std::string& entry : options.waves) {
      const auto equals = entry.find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
        std::cerr << "error: --wave takes NAME=FILE; got \"" << entry << "\"\n";
        return kUsage;
      }
      const std::string path = entry.substr(equals + 1);
      auto wave = read_responses(**instrument, path, csv);
      if (!wave) return report(wave.error(), path);
      decoded.names.push_back(entry.substr(0, equals));
      decoded.warnings.insert(decoded.warnings.end(), wave->warnings.begin(), wave->warnings.end());
      decoded.waves.push_back(std::move(*wave));
    }
  }
  std::vector<NamedWave> named;
  for (std::size_t w = 0; w < decoded.names.size(); ++w) named.push_back({decoded.names[w], &decoded.waves[w]});
  auto result = psyscore::waves(**instrument, named, engine);
  if (!result) return report(result.error());
  result->warnings.insert(result->warnings.begin(), decoded.warnings.begin(), decoded.warnings.end());
  std::cout << encode_waves_result(**instrument, *result);
  return kSuccess;
}

}  // namespace psyscore::cli
