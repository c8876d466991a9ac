// `score --format sav`: the SPSS file psyscore writes, read back with
// ReadStat, holds the scores, the bands as labelled values, the variable
// labels and the provenance. (R's foreign::read.spss reads the same file in
// tests/data/formats/make_fixtures.R.)
#include "scoring/encode/sav_writer.hpp"

#include <readstat.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/decode/readstat_input.hpp"
#include "scoring/encode/score_columns.hpp"

namespace psyscore {
namespace {

InstrumentPtr instrument(const std::string& id) {
  auto loaded = load_instrument_file(test::source_dir() / "instruments" / (id + ".json"));
  EXPECT_TRUE(loaded) << id;
  return *loaded;
}

ResponseMatrix gad7_wave() {
  CsvOptions options;
  options.column_prefix = "gad_";
  options.group_column = "group";
  auto wave =
      detail::decode_stat_responses(*instrument("gad-7"), test::read_text(test::data_dir() / "formats" / "wave.dta"),
                                    detail::StatFormat::stata, options);
  EXPECT_TRUE(wave);
  return std::move(*wave);
}

// The notes (SPSS documents) of a file, which read_stat_table does not keep.
std::vector<std::string> notes_of(const std::string& sav) {
  struct Memory {
    const std::string* bytes;
    std::size_t at = 0;
  } memory{&sav};
  std::vector<std::string> notes;
  readstat_parser_t* parser = readstat_parser_init();
  readstat_set_open_handler(parser, [](const char*, void*) { return 0; });
  readstat_set_close_handler(parser, [](void*) { return 0; });
  readstat_set_seek_handler(parser, [](readstat_off_t offset, readstat_io_flags_t whence, void* io) -> readstat_off_t {
    auto& m = *static_cast<Memory*>(io);
    const auto base = whence == READSTAT_SEEK_SET   ? 0
                      : whence == READSTAT_SEEK_CUR ? static_cast<readstat_off_t>(m.at)
                                                    : static_cast<readstat_off_t>(m.bytes->size());
    m.at = static_cast<std::size_t>(base + offset);
    return static_cast<readstat_off_t>(m.at);
  });
  readstat_set_read_handler(parser, [](void* buffer, std::size_t n, void* io) -> ssize_t {
    auto& m = *static_cast<Memory*>(io);
    const std::size_t count = std::min(n, m.bytes->size() - m.at);
    std::memcpy(buffer, m.bytes->data() + m.at, count);
    m.at += count;
    return static_cast<ssize_t>(count);
  });
  readstat_set_io_ctx(parser, &memory);
  readstat_set_note_handler(parser, [](int, const char* note, void* context) {
    static_cast<std::vector<std::string>*>(context)->emplace_back(note);
    return 0;
  });
  EXPECT_EQ(readstat_parse_sav(parser, "", &notes), READSTAT_OK);
  readstat_parser_free(parser);
  return notes;
}

TEST(SavWriter, ScoresReadBackWithLabelsAndProvenance) {
  const InstrumentPtr gad7 = instrument("gad-7");
  const ResponseMatrix wave = gad7_wave();
  const ScoreTable table = score(*gad7, wave);
  auto sav = detail::encode_score_sav(*gad7, wave, table);
  ASSERT_TRUE(sav) << sav.error().message;
  EXPECT_EQ(detail::sniff_stat_format(*sav), detail::StatFormat::spss);

  auto back = detail::read_stat_table(*sav, detail::StatFormat::spss, {});
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->file_label, "gad-7 " + gad7->version + " scores (psyscore)");
  EXPECT_EQ(back->variable_names, (std::vector<std::string>{"id", "total", "total_answered", "total_band", "errors"}));
  ASSERT_EQ(back->case_count, wave.respondent_count());
  const detail::StatColumn& ids = *back->find("id");
  const detail::StatColumn& total = *back->find("total");
  const detail::StatColumn& band = *back->find("total_band");
  const detail::StatColumn& errors = *back->find("errors");
  EXPECT_EQ(total.label, "Anxiety severity (sum)");
  EXPECT_EQ(band.label, "Anxiety severity: band");
  ASSERT_EQ(band.value_labels.size(), 4u);
  EXPECT_EQ(band.value_labels[0], (std::pair<double, std::string>{1, "minimal"}));
  EXPECT_EQ(band.value_labels[3], (std::pair<double, std::string>{4, "severe"}));
  for (std::size_t r = 0; r < wave.respondent_count(); ++r) {
    SCOPED_TRACE("respondent " + wave.ids[r]);
    EXPECT_EQ(ids.texts[r], wave.ids[r]);
    const SubscaleScore& expected = table.at(r, 0);
    if (!wave.usable(r)) {
      EXPECT_TRUE(total.missing(r));
      EXPECT_TRUE(band.missing(r));
      EXPECT_NE(errors.texts[r].find("outside its scale"), std::string::npos);
      continue;
    }
    ASSERT_TRUE(expected.value);
    EXPECT_EQ(total.numbers[r], *expected.value);  // doubles are stored exactly
    if (expected.band) {
      EXPECT_EQ(band.text(r, true), gad7->subscales[0].bands[*expected.band].label);
    } else {
      EXPECT_TRUE(band.missing(r));
    }
    EXPECT_TRUE(errors.texts[r].empty());
  }

  const std::vector<std::string> notes = notes_of(*sav);
  ASSERT_GE(notes.size(), 3u);
  EXPECT_EQ(notes[0].rfind("Scored by psyscore with instrument gad-7 version " + gad7->version, 0), 0u) << notes[0];
  std::string joined;  // lines are broken at spaces to fit
  for (const std::string& note : notes) joined += note + " ";
  EXPECT_NE(std::ranges::find(notes, gad7->sha256), notes.end()) << joined;
  EXPECT_NE(joined.find("Citation: " + gad7->citation.substr(0, 40)), std::string::npos) << joined;
  for (const std::string& note : notes) EXPECT_LE(note.size(), 80u) << note;
}

TEST(SavWriter, NormsGiveZAndTAndEveryBundledInstrumentWrites) {
  for (const char* id : {"cbi", "mbi-gs", "mbi-hss", "olbi", "phq-9", "pss-10", "who-5", "balint-attitudes"}) {
    SCOPED_TRACE(id);
    const InstrumentPtr definition = instrument(id);
    ResponseMatrix empty;
    empty.item_count = definition->items.size();
    auto sav = detail::encode_score_sav(*definition, empty, score(*definition, empty));
    ASSERT_TRUE(sav) << sav.error().message;
    auto back = detail::read_stat_table(*sav, detail::StatFormat::spss, {});
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->case_count, 0u);
    EXPECT_EQ(back->variable_names.size(), detail::score_columns(*definition).size());
  }
}

TEST(SavWriter, NamesSpssAccepts) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"total", "total"},
                                                                  {"2-burnout", "s2_burnout"},
                                                                  {"ee.", "ee_"},
                                                                  {"and", "and_"},
                                                                  {"_x", "s_x"},
                                                                  {std::string(70, 'a'), std::string(64, 'a')},
                                                                  {"work-related", "work_related"}};
  for (const auto& [name, expected] : cases) EXPECT_EQ(detail::spss_variable_name(name), expected) << name;
}

}  // namespace
}  // namespace psyscore
