// Targets `spss_responses`, `stata_responses` and `sas_responses`: bytes ->
// decode_responses() as an SPSS (.sav/.zsav), Stata (.dta) or SAS
// (.sas7bdat) file, which runs ReadStat's parser on them from memory, for
// gad-7 with its variables named gad_<item> and a group, and for mbi-hss
// with the defaults.
//
// A decoded wave must be consistent and score within the scales' ranges; a
// failure must carry problems. A header that claims more cases or variables
// than the limits is refused before anything is stored.

#include "fuzz_support.hpp"

namespace psyscore::fuzz {

namespace {

int run_file(std::string_view target, InputFormat format, const std::uint8_t* data, std::size_t size) {
  CsvOptions gad;
  gad.source = "wave";
  gad.column_prefix = "gad_";
  gad.group_column = "group";
  const std::pair<std::string_view, CsvOptions> variants[] = {{"gad-7", gad}, {"mbi-hss", CsvOptions{}}};
  for (const auto& [id, options] : variants) {
    const Instrument& instrument = bundled(id);
    auto wave = decode_responses(instrument, as_text(data, size), format, options);
    if (!wave) {
      check_error(target, wave.error());
      continue;
    }
    PSYSCORE_FUZZ_CHECK(target, wave->groups.size() == (options.group_column.empty() ? 0 : wave->ids.size()),
                        instrument.id);
    check_wave(target, instrument, *wave);
    check_scores(target, instrument, *wave);
  }
  return 0;
}

}  // namespace

int run_spss_responses(const std::uint8_t* data, std::size_t size) {
  return run_file("spss_responses", InputFormat::spss, data, size);
}

int run_stata_responses(const std::uint8_t* data, std::size_t size) {
  return run_file("stata_responses", InputFormat::stata, data, size);
}

int run_sas_responses(const std::uint8_t* data, std::size_t size) {
  return run_file("sas_responses", InputFormat::sas, data, size);
}

}  // namespace psyscore::fuzz
