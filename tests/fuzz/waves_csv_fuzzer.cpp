// Target `waves_csv`: bytes -> decode_csv_waves() for mbi-hss, with a wave
// column alone and with a wave_order, then the waves analysis of what decodes.
//
// Decoded waves must be consistent (one matrix per name, ids unique within a
// wave, names unique and, with a wave_order, exactly that order); a failure
// must carry located problems; the analysis of decoded waves must succeed or
// fail with located problems, never crash, and encode to JSON.

#include <set>

#include <boost/json/parse.hpp>

#include "fuzz_support.hpp"
#include "psyscore/waves.hpp"

namespace psyscore::fuzz {

int run_waves_csv(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kTarget = "waves_csv";
  const Instrument& instrument = bundled("mbi-hss");
  CsvWavesOptions plain;
  plain.csv.source = "waves.csv";
  plain.wave_column = "wave";
  CsvWavesOptions ordered = plain;
  ordered.wave_order = {"baseline", "6m", "10m"};
  for (const CsvWavesOptions& options : {plain, ordered}) {
    auto decoded = decode_csv_waves(instrument, as_text(data, size), options);
    if (!decoded) {
      check_error(kTarget, decoded.error());
      continue;
    }
    PSYSCORE_FUZZ_CHECK(kTarget, decoded->names.size() == decoded->waves.size(), "one matrix per wave");
    if (!options.wave_order.empty()) PSYSCORE_FUZZ_CHECK(kTarget, decoded->names == options.wave_order, "wave order");
    std::set<std::string> names(decoded->names.begin(), decoded->names.end());
    PSYSCORE_FUZZ_CHECK(kTarget, names.size() == decoded->names.size(), "unique wave names");
    std::vector<NamedWave> waves;
    for (std::size_t w = 0; w < decoded->waves.size(); ++w) {
      const ResponseMatrix& wave = decoded->waves[w];
      check_wave(kTarget, instrument, wave);
      std::set<std::string> ids(wave.ids.begin(), wave.ids.end());
      PSYSCORE_FUZZ_CHECK(kTarget, ids.size() == wave.ids.size(), "ids unique within a wave");
      waves.push_back({decoded->names[w], &wave});
    }
    WavesOptions analysis;
    analysis.subscales = {"EE"};
    analysis.clinical_significance = WavesClinicalSignificance{};
    auto report = psyscore::waves(instrument, waves, analysis);
    if (!report) {
      check_error(kTarget, report.error());
      continue;
    }
    const std::string body = encode_waves_result(instrument, *report);
    boost::system::error_code ec;
    boost::json::parse(body, ec);
    PSYSCORE_FUZZ_CHECK(kTarget, !ec, "the result is JSON");
  }
  return 0;
}

}  // namespace psyscore::fuzz
