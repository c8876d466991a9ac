// Target `csv_responses`: bytes -> decode_csv_responses() for mbi-hss and
// pss-10, with the default options, with a group column, with another id
// column and an item column prefix, and with covariate columns.
//
// A decoded wave must be consistent (with one group per respondent when a
// group column was asked for) and score within the scales' ranges; a failure
// must carry located problems.

#include "fuzz_support.hpp"

namespace psyscore::fuzz {

int run_csv_responses(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kTarget = "csv_responses";
  CsvOptions grouped;
  grouped.source = "cohort.csv";
  grouped.group_column = "years";
  CsvOptions prefixed;
  prefixed.id_column = "rid";
  prefixed.column_prefix = "q";
  CsvOptions semicolon;
  semicolon.delimiter = ';';
  CsvOptions covariates;
  covariates.source = "survey.csv";
  covariates.covariate_columns = {"years", "age", "teaching"};
  const CsvOptions variants[] = {CsvOptions{}, grouped, prefixed, semicolon, covariates};
  for (std::string_view id : {"mbi-hss", "pss-10"}) {
    const Instrument& instrument = bundled(id);
    for (const CsvOptions& options : variants) {
      auto wave = decode_csv_responses(instrument, as_text(data, size), options);
      if (!wave) {
        check_error(kTarget, wave.error());
        continue;
      }
      PSYSCORE_FUZZ_CHECK(kTarget, wave->groups.size() == (options.group_column.empty() ? 0 : wave->ids.size()),
                          instrument.id);
      PSYSCORE_FUZZ_CHECK(kTarget, wave->covariates.size() == options.covariate_columns.size(), instrument.id);
      check_wave(kTarget, instrument, *wave);
      check_scores(kTarget, instrument, *wave);
    }
  }
  return 0;
}

}  // namespace psyscore::fuzz
