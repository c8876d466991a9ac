// Target `json_responses`: bytes -> decode_json_responses() for bundled
// instruments of different shapes: mbi-hss (22 items, prorated sums), pss-10
// (reverse keys, prorated sum) and olbi (reverse keys, means).
//
// A decoded wave must be consistent and score within the scales' ranges; a
// failure must carry located problems.

#include "fuzz_support.hpp"

namespace psyscore::fuzz {

int run_json_responses(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kTarget = "json_responses";
  for (std::string_view id : {"mbi-hss", "pss-10", "olbi"}) {
    const Instrument& instrument = bundled(id);
    auto wave = decode_json_responses(instrument, as_text(data, size));
    if (!wave) {
      check_error(kTarget, wave.error());
      continue;
    }
    PSYSCORE_FUZZ_CHECK(kTarget, wave->groups.empty(), instrument.id);
    check_wave(kTarget, instrument, *wave);
    check_scores(kTarget, instrument, *wave);
  }
  return 0;
}

}  // namespace psyscore::fuzz
