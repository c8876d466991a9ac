// The HTTP side of SPSS, Stata and SAS files: bodies by Content-Type, the
// delimiter= parameter, and score results as files by Accept.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "router.hpp"
#include "scoring/decode/readstat_input.hpp"
#include "state.hpp"

namespace psyscore::service {
namespace {

const ServiceState& state() {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  ServiceLimits limits;
  limits.max_body_bytes = 1 << 20;
  limits.max_respondents = 5;
  static ServiceState instance(registry, test::source_dir() / "instruments", limits, {}, {});
  return instance;
}

ApiResponse post(std::string target, std::string body, std::string content_type, std::string accept = {}) {
  ApiRequest request;
  request.method = "POST";
  request.target = std::move(target);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  request.accept = std::move(accept);
  return handle(state(), std::move(request));
}

std::string formats(const std::string& file) { return test::read_text(test::data_dir() / "formats" / file); }

const std::string kScore = "/v1/instruments/gad-7/score?column_prefix=gad_";
// Five respondents: the service's limit here is 5.
const std::string kCsv = "id,gad_1,gad_2,gad_3,gad_4,gad_5,gad_6,gad_7\n1,0,1,0,1,0,0,1\n2,3,3,2,3,2,3,3\n";

TEST(FormatsRouter, FilesByContentTypeScoreAsTheirCsv) {
  const auto csv = post(kScore, kCsv, "text/csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  const auto semicolon =
      post(kScore, "id;gad_1;gad_2;gad_3;gad_4;gad_5;gad_6;gad_7\n1;0;1;0;1;0;0;1\n2;3;3;2;3;2;3;3\n", "text/csv");
  EXPECT_EQ(semicolon.body, csv.body);
  const auto told =
      post(kScore + "&delimiter=tab",
           "id\tgad_1\tgad_2\tgad_3\tgad_4\tgad_5\tgad_6\tgad_7\n1\t0\t1\t0\t1\t0\t0\t1\n2\t3\t3\t2\t3\t2\t3\t3\n",
           "text/csv");
  EXPECT_EQ(told.body, csv.body);
  const auto bad = post(kScore + "&delimiter=pipe", kCsv, "text/csv");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("delimiter must be"), std::string::npos) << bad.body;

  // wave.sav has 8 cases: over this service's limit of 5.
  const auto too_many = post(kScore, formats("wave.sav"), "application/x-spss-sav");
  EXPECT_EQ(too_many.status, 422) << too_many.body;
  for (const auto& [file, type] :
       {std::pair{"wave.sav", "application/x-spss-sav"}, std::pair{"wave.dta", "application/x-stata-dta"},
        std::pair{"wave.sas7bdat", "application/x-sas-data"}}) {
    SCOPED_TRACE(file);
    const auto wrong =
        post(kScore, formats(file),
             type == std::string("application/x-spss-sav") ? "application/x-stata-dta" : "application/x-spss-sav");
    EXPECT_EQ(wrong.status, 400) << wrong.body;
    EXPECT_NE(wrong.body.find("unreadable_file"), std::string::npos) << wrong.body;
  }
}

// A long table for waves in any format: a semicolon CSV reads as its comma
// form, and an SPSS file's wave variable names the waves by its labels.
TEST(FormatsRouter, WavesTakeEveryTableFormat) {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  static const ServiceState roomy(registry, test::source_dir() / "instruments", ServiceLimits{}, {}, {});
  const auto call = [](std::string body, std::string content_type) {
    ApiRequest request;
    request.method = "POST";
    request.target = "/v1/instruments/gad-7/waves?column_prefix=gad_&wave_column=wave";
    request.body = std::move(body);
    request.content_type = std::move(content_type);
    return handle(roomy, std::move(request));
  };
  const std::string comma = formats("long.csv");
  std::string semicolon = comma;
  for (char& c : semicolon) c = c == ',' ? ';' : c;
  const auto by_comma = call(comma, "text/csv");
  ASSERT_EQ(by_comma.status, 200) << by_comma.body;
  EXPECT_EQ(call(semicolon, "text/csv").body, by_comma.body);
  ApiRequest told;
  told.method = "POST";
  told.target = "/v1/instruments/gad-7/waves?column_prefix=gad_&wave_column=wave&delimiter=semicolon";
  told.body = semicolon;
  told.content_type = "text/csv";
  EXPECT_EQ(handle(roomy, std::move(told)).body, by_comma.body);
  const auto sav = call(formats("long.sav"), "application/x-spss-sav");
  ASSERT_EQ(sav.status, 200) << sav.body;
  EXPECT_NE(sav.body.find(R"("waves":[{"name":"pre")"), std::string::npos) << sav.body;
}

TEST(FormatsRouter, AcceptAsksForSpssOrExcel) {
  // Scores as files, by Accept, whatever the body's format.
  const auto sav = post(kScore, kCsv, "text/csv", "application/x-spss-sav");
  ASSERT_EQ(sav.status, 200) << sav.body;
  EXPECT_EQ(sav.content_type, "application/x-spss-sav");
  EXPECT_EQ(detail::sniff_stat_format(sav.body), detail::StatFormat::spss);
  bool attachment = false;
  for (const auto& [name, value] : sav.headers) {
    if (name == "Content-Disposition") attachment = value == "attachment; filename=\"gad-7-scores.sav\"";
  }
  EXPECT_TRUE(attachment);
  auto table = detail::read_stat_table(sav.body, detail::StatFormat::spss, {});
  ASSERT_TRUE(table);
  EXPECT_EQ(table->case_count, 2u);
  EXPECT_EQ(table->find("total")->numbers[1], 19.0);

  const auto xlsx = post(kScore, kCsv, "text/csv",
                         "application/json;q=0.5, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  const auto json = post(kScore, kCsv, "text/csv", "application/json");
  EXPECT_EQ(json.content_type, "application/json");
  // The inline route and JSON bodies take Accept too.
  const auto from_json = post("/v1/instruments/gad-7/score", R"({"responses": [{"id": "1", "answers": {"1": 0}}]})",
                              "application/json", "application/x-spss-sav");
  EXPECT_EQ(from_json.content_type, "application/x-spss-sav");
}

}  // namespace
}  // namespace psyscore::service
