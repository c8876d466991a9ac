// `score --format xlsx`: the workbook is a ZIP written in memory; its cells
// are checked against the CSV output by check_xlsx.py (openpyxl).
#include "scoring/encode/xlsx_writer.hpp"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore {
namespace {

TEST(XlsxWriter, WritesAWorkbookAndLeavesNoTemporaryFile) {
  auto gad7 = load_instrument_file(test::source_dir() / "instruments" / "gad-7.json");
  ASSERT_TRUE(gad7);
  auto wave = decode_csv_responses(**gad7, "id,1,2,3,4,5,6,7\np1,0,1,2,3,0,1,2\np2,3,3,3,3,3,3,9\n");
  ASSERT_TRUE(wave);
  const auto before = std::distance(std::filesystem::directory_iterator(std::filesystem::temp_directory_path()),
                                    std::filesystem::directory_iterator());
  auto xlsx = detail::encode_score_xlsx(**gad7, *wave, score(**gad7, *wave));
  ASSERT_TRUE(xlsx) << xlsx.error().message;
  EXPECT_EQ(xlsx->substr(0, 4), std::string("PK\x03\x04", 4));  // a ZIP, as every .xlsx
  EXPECT_GT(xlsx->size(), 2000u);
  const auto after = std::distance(std::filesystem::directory_iterator(std::filesystem::temp_directory_path()),
                                   std::filesystem::directory_iterator());
  EXPECT_LE(after, before);
}

TEST(XlsxWriter, MoreRespondentsThanASheetHoldsIsRefused) {
  auto who5 = load_instrument_file(test::source_dir() / "instruments" / "who-5.json");
  ASSERT_TRUE(who5);
  ResponseMatrix wave;
  wave.item_count = (*who5)->items.size();
  wave.ids.assign(detail::kMaxXlsxRespondents + 1, "x");
  wave.errors.resize(wave.ids.size());
  ScoreTable table;  // never read: the count is checked first
  auto xlsx = detail::encode_score_xlsx(**who5, wave, table);
  ASSERT_FALSE(xlsx);
  EXPECT_EQ(xlsx.error().code, ErrorCode::invalid);
  EXPECT_EQ(xlsx.error().problems.front().code, "too_many_rows");
  EXPECT_NE(xlsx.error().problems.front().message.find("1048576"), std::string::npos)
      << xlsx.error().problems.front().message;
}

}  // namespace
}  // namespace psyscore
