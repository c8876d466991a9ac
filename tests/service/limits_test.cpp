// The limits on what one request may cost, through the router: each is a 422
// whose problem names the limit, its flag and what the request holds, at the
// pointer of the part at fault; a request at a limit passes; and a deadline
// far below a request's cost stops it with deadline_exceeded. No sockets
// (server_test.cpp sends the same over TCP to `psyscore serve`).

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "router.hpp"

namespace psyscore::service {
namespace {

namespace json = boost::json;

ServiceLimits small_limits() {
  ServiceLimits limits;
  limits.max_body_bytes = 1 << 20;
  limits.max_respondents = 12;
  limits.max_items = 8;
  limits.max_subscales = 3;
  limits.max_bootstrap_iterations = 500;
  limits.max_bootstrap_answers = 5000;
  limits.max_waves = 3;
  return limits;
}

const ServiceState& limited_state(ServiceLimits limits = small_limits()) {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  static std::vector<std::unique_ptr<ServiceState>> states;
  states.push_back(std::make_unique<ServiceState>(registry, test::source_dir() / "instruments", limits,
                                                  std::vector<std::string>{}, std::vector<std::string>{}));
  return *states.back();
}

ApiResponse post(const ServiceState& state, std::string target, std::string body,
                 std::string content_type = "application/json") {
  ApiRequest request;
  request.method = "POST";
  request.target = std::move(target);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  return handle(state, std::move(request));
}

// A definition of `items` items on a 0..4 scale and `subscales` subscales of
// them all.
std::string definition(int items, int subscales) {
  std::string item_list;
  std::string ids;
  for (int i = 1; i <= items; ++i) {
    item_list += (i > 1 ? "," : "") + std::string(R"({"id": ")") + std::to_string(i) + "\"}";
    ids += (i > 1 ? "," : "") + std::string("\"") + std::to_string(i) + "\"";
  }
  std::string subscale_list;
  for (int s = 1; s <= subscales; ++s) {
    subscale_list += (s > 1 ? "," : "") + std::string(R"({"id": "s)") + std::to_string(s) + R"(", "items": [)" + ids +
                     R"(], "method": "sum"})";
  }
  return R"({"id": "big", "version": "1.0.0", "name": "Big", "scale": {"min": 0, "max": 4}, "items": [)" + item_list +
         R"(], "subscales": [)" + subscale_list + "]}";
}

// `n` respondents answering items 1..`items` (0..3, varying), ids <prefix>1..n.
std::string respondents(int n, int items = 7, const std::string& prefix = "p") {
  std::string out = "[";
  for (int r = 1; r <= n; ++r) {
    std::string answers;
    for (int i = 1; i <= items; ++i) {
      answers += (i > 1 ? "," : "") + std::string("\"") + std::to_string(i) + "\": " + std::to_string((r * i + r) % 4);
    }
    out += (r > 1 ? "," : "") + std::string(R"({"id": ")") + prefix + std::to_string(r) + R"(", "answers": {)" +
           answers + "}}";
  }
  return out + "]";
}

std::string csv(int n) {
  std::string out = "id,1,2,3,4,5,6,7\n";
  for (int r = 1; r <= n; ++r) {
    out += "p" + std::to_string(r);
    for (int i = 1; i <= 7; ++i) out += "," + std::to_string((r * i + r) % 4);
    out += "\n";
  }
  return out;
}

std::string waves(int count, int respondents_per_wave) {
  std::string out = R"({"waves": [)";
  for (int w = 1; w <= count; ++w) {
    out += (w > 1 ? "," : "") + std::string(R"({"name": "w)") + std::to_string(w) + R"(", "responses": )" +
           respondents(respondents_per_wave) + "}";
  }
  return out + "]}";
}

std::string long_csv(int count, int respondents_per_wave) {
  std::string out = "id,wave,1,2,3,4,5,6,7\n";
  for (int w = 1; w <= count; ++w) {
    for (int r = 1; r <= respondents_per_wave; ++r) {
      out += "p" + std::to_string(r) + ",w" + std::to_string(w);
      for (int i = 1; i <= 7; ++i) out += "," + std::to_string((r * i + w) % 4);
      out += "\n";
    }
  }
  return out;
}

TEST(Limits, EachIsA422NamingItsFlagAndWhatTheRequestHolds) {
  struct Case {
    const char* name;
    std::string target;
    std::string body;
    std::string content_type;
    const char* pointer;
    const char* code;
    const char* flag;
    const char* seen;  // what the request holds, as the detail says it
  };
  const std::string gad7 = "/v1/instruments/gad-7";
  const Case cases[] = {
      {"items of an inline definition", "/v1/score", R"({"instrument": )" + definition(9, 1) + R"(, "responses": []})",
       "application/json", "/instrument/items", "too_many_items", "--max-items", "has 9 items"},
      {"items of an inline reliability definition", "/v1/reliability",
       R"({"instrument": )" + definition(40, 1) + R"(, "responses": []})", "application/json", "/instrument/items",
       "too_many_items", "--max-items", "has 40 items"},
      {"subscales of an inline definition", "/v1/reliability",
       R"({"instrument": )" + definition(4, 4) + R"(, "responses": []})", "application/json", "/instrument/subscales",
       "too_many_subscales", "--max-subscales", "has 4 subscales"},
      {"subscales of an inline waves definition", "/v1/waves",
       R"({"instrument": )" + definition(2, 5) + R"(, "waves": []})", "application/json", "/instrument/subscales",
       "too_many_subscales", "--max-subscales", "has 5 subscales"},
      {"respondents of a score", gad7 + "/score", R"({"responses": )" + respondents(13) + "}", "application/json",
       "/responses", "too_many_respondents", "--max-respondents", "has 13 respondents"},
      {"respondents of a CSV score", gad7 + "/score", csv(14), "text/csv", "", "too_many_respondents",
       "--max-respondents", "has 14 respondents"},
      {"respondents of both waves of a change", gad7 + "/change",
       R"({"pre": )" + respondents(7) + R"(, "post": )" + respondents(7) + "}", "application/json", "/post",
       "too_many_respondents", "--max-respondents", "has 14 respondents in the two waves"},
      {"respondents of the groups of a compare", gad7 + "/compare",
       R"({"groups": {"a": )" + respondents(7, 7, "a") + R"(, "b": )" + respondents(6, 7, "b") + "}}",
       "application/json", "/groups", "too_many_respondents", "--max-respondents", "has 13 respondents"},
      {"respondents of a controlled design", gad7 + "/controlled",
       R"({"groups": {"a": {"pre": )" + respondents(4, 7, "a") + R"(, "post": )" + respondents(4, 7, "a") +
           R"(}, "b": {"pre": )" + respondents(4, 7, "b") + R"(, "post": )" + respondents(4, 7, "b") + "}}}",
       "application/json", "/groups", "too_many_respondents", "--max-respondents", "has 16 respondents"},
      {"respondent-waves of a waves request", gad7 + "/waves", waves(3, 5), "application/json", "/waves/2",
       "too_many_respondents", "--max-respondents", "has 15 respondent-waves"},
      {"bootstrap iterations", gad7 + "/reliability",
       R"({"responses": [], "options": {"bootstrap": {"iterations": 501}}})", "application/json",
       "/options/bootstrap/iterations", "out_of_range", "--max-bootstrap-iterations", "asks for 501"},
      {"bootstrap answers", gad7 + "/reliability",
       R"({"responses": )" + respondents(8) + R"(, "options": {"bootstrap": {"iterations": 100}}})", "application/json",
       "/options/bootstrap/iterations", "too_many_bootstrap_answers", "--max-bootstrap-answers",
       "5600 answers (100 iterations x 8 respondents x 7 items"},
      {"bootstrap answers of the subscales named", "/v1/reliability",
       R"({"instrument": )" + definition(5, 3) + R"(, "responses": )" + respondents(10, 5) +
           R"(, "options": {"subscales": ["s1", "s3"], "bootstrap": {"iterations": 300}}})",
       "application/json", "/options/bootstrap/iterations", "too_many_bootstrap_answers", "--max-bootstrap-answers",
       "30000 answers (300 iterations x 10 respondents x 10 items"},
      {"bootstrap answers of a CSV body", gad7 + "/reliability?bootstrap_iterations=100", csv(8), "text/csv", "",
       "too_many_bootstrap_answers", "--max-bootstrap-answers", "5600 answers"},
      {"bootstrap answers of a report", gad7 + "/report",
       R"({"responses": )" + respondents(8) + R"(, "options": {"bootstrap": {"iterations": 100}}})", "application/json",
       "/options/bootstrap/iterations", "too_many_bootstrap_answers", "--max-bootstrap-answers", "5600 answers"},
      {"bootstrap answers of a CSV report", gad7 + "/report?bootstrap_iterations=100", csv(8), "text/csv", "",
       "too_many_bootstrap_answers", "--max-bootstrap-answers", "5600 answers"},
      {"waves", gad7 + "/waves", waves(4, 2), "application/json", "/waves", "too_many_waves", "--max-waves",
       "has 4 waves"},
      {"waves of a long CSV", gad7 + "/waves?wave_column=wave", long_csv(4, 2), "text/csv", "", "too_many_waves",
       "--max-waves", "has 4 waves"},
  };
  const ServiceState& state = limited_state();
  for (const Case& c : cases) {
    const ApiResponse response = post(state, c.target, c.body, c.content_type);
    ASSERT_EQ(response.status, 422) << c.name << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/problem+json") << c.name;
    const json::value problem = json::parse(response.body);
    const std::string detail(problem.at("detail").as_string());
    const auto& errors = problem.at("errors").as_array();
    ASSERT_EQ(errors.size(), 1u) << c.name << ": " << response.body;
    EXPECT_EQ(errors[0].at("pointer").as_string(), c.pointer) << c.name;
    EXPECT_EQ(errors[0].at("code").as_string(), c.code) << c.name;
    EXPECT_NE(detail.find(c.flag), std::string::npos) << c.name << ": " << detail;
    EXPECT_NE(detail.find(c.seen), std::string::npos) << c.name << ": " << detail;
  }
}

// At each limit the request is served.
TEST(Limits, ARequestAtEachLimitPasses) {
  struct Case {
    const char* name;
    std::string target;
    std::string body;
    std::string content_type;
  };
  const std::string gad7 = "/v1/instruments/gad-7";
  const Case cases[] = {
      {"items and subscales", "/v1/score", R"({"instrument": )" + definition(8, 3) + R"(, "responses": []})",
       "application/json"},
      {"respondents", gad7 + "/score", R"({"responses": )" + respondents(12) + "}", "application/json"},
      {"respondents of a CSV body", gad7 + "/score", csv(12), "text/csv"},
      {"respondents of both waves", gad7 + "/change",
       R"({"pre": )" + respondents(6) + R"(, "post": )" + respondents(6) + "}", "application/json"},
      {"bootstrap answers", gad7 + "/reliability",
       R"({"responses": )" + respondents(10) + R"(, "options": {"bootstrap": {"iterations": 71}}})",
       "application/json"},
      {"waves", gad7 + "/waves", waves(3, 4), "application/json"},
      {"waves of a long CSV", gad7 + "/waves?wave_column=wave", long_csv(3, 4), "text/csv"},
  };
  const ServiceState& state = limited_state();
  for (const Case& c : cases) {
    const ApiResponse response = post(state, c.target, c.body, c.content_type);
    EXPECT_EQ(response.status, 200) << c.name << ": " << response.body.substr(0, 300);
  }
}

// A deadline of 1 ms against a bootstrap that takes seconds: stopped, with a
// problem naming the deadline and its flag. Without a deadline (0) the same
// kind of request runs to the end.
TEST(Limits, ADeadlineStopsALongAnalysis) {
  ServiceLimits tight;
  tight.max_bootstrap_answers = 1'000'000'000'000;
  tight.deadline = std::chrono::milliseconds(1);
  const ServiceState& state = limited_state(tight);
  const std::string body =
      R"({"responses": )" + respondents(2000) + R"(, "options": {"bootstrap": {"iterations": 100000}}})";
  const ApiResponse stopped = post(state, "/v1/instruments/gad-7/reliability", body);
  ASSERT_EQ(stopped.status, 422) << stopped.body;
  const json::value problem = json::parse(stopped.body);
  const std::string detail(problem.at("detail").as_string());
  EXPECT_EQ(problem.at("errors").at(0).at("code").as_string(), "deadline_exceeded");
  EXPECT_NE(detail.find("deadline of 1 ms"), std::string::npos) << detail;
  EXPECT_NE(detail.find("--deadline-ms"), std::string::npos) << detail;

  ServiceLimits none;
  none.deadline = std::chrono::milliseconds(0);
  const ApiResponse finished =
      post(limited_state(none), "/v1/instruments/gad-7/reliability",
           R"({"responses": )" + respondents(50) + R"(, "options": {"bootstrap": {"iterations": 200}}})");
  EXPECT_EQ(finished.status, 200) << finished.body.substr(0, 300);
}

}  // namespace
}  // namespace psyscore::service
