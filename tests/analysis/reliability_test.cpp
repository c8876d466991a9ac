// reliability() against the R fixtures of tests/data/reliability (psych 2.2.9),
// and its handling of degenerate data.
//
// Tolerances: every psych::alpha field at 1e-9 relative (kReltol, a strict
// relative test, |a - e| <= 1e-9 |e|, stricter than EXPECT_NEAR_REL for values
// below 1). omega_total against psych at 1e-6: psych's minres stops its
// L-BFGS-B optimiser with loadings accurate to ~1e-6 (fixture README);
// omega_test.cpp compares the fit with the tightly converged reference at
// 1e-10.

#include "psyscore/reliability.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/json.hpp"
#include "reliability_fixture_data.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {
namespace {

namespace json = boost::json;
using test::number_at;

constexpr double kRelTol = 1e-9;
constexpr double kOmegaVsPsychTol = 1e-6;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// |actual - expected| <= tolerance * |expected| (plus 1e-15 for exact zeros),
// or both NaN/null.
::testing::AssertionResult strictly_near(double actual, std::optional<double> expected, double tolerance) {
  if (!expected || std::isnan(*expected)) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected null, got " << actual;
  }
  if (std::abs(actual - *expected) <= tolerance * std::abs(*expected) + 1e-15) return ::testing::AssertionSuccess();
  std::ostringstream message;
  message.precision(17);
  message << "actual " << actual << " vs expected " << *expected << " (relative difference "
          << std::abs(actual - *expected) / std::abs(*expected) << ", tolerance " << tolerance << ")";
  return ::testing::AssertionFailure() << message.str();
}
::testing::AssertionResult strictly_near(Statistic actual, std::optional<double> expected, double tolerance) {
  return strictly_near(actual.value_or(kNaN), expected, tolerance);
}
#define EXPECT_REL(actual, expected, tolerance) EXPECT_TRUE(strictly_near((actual), (expected), (tolerance)))

struct Fixture {
  std::string name;
  json::value data;
  InstrumentPtr instrument;
  ResponseMatrix responses;
};

// An instrument with the fixture's items, scale and reverse keys and one
// subscale "all" (method mean), and the fixture's raw answers as a wave.
Fixture load_fixture(const std::string& name) {
  Fixture f;
  f.name = name;
  f.data = test::reliability_fixture(name);
  const json::object& o = f.data.as_object();
  json::object definition;
  std::string id = "fixture-" + name;
  std::ranges::replace(id, '_', '-');
  definition["id"] = id;
  definition["version"] = "1.0.0";
  definition["name"] = name;
  definition["scale"] = {{"min", o.at("scale").at("min")}, {"max", o.at("scale").at("max")}};
  json::array items;
  json::array ids;
  const json::array& item_ids = o.at("item_ids").as_array();
  const json::array& reverse = o.at("reverse").as_array();
  for (std::size_t i = 0; i < item_ids.size(); ++i) {
    json::object item{{"id", item_ids[i]}};
    if (reverse[i].as_bool()) item["reverse"] = true;
    items.push_back(item);
    ids.push_back(item_ids[i]);
  }
  definition["items"] = items;
  definition["subscales"] = json::array{json::object{{"id", "all"}, {"items", ids}, {"method", "mean"}}};
  auto instrument = parse_instrument(json::serialize(definition));
  EXPECT_TRUE(instrument) << name << ": " << (instrument ? "" : instrument.error().message);
  if (instrument) f.instrument = *instrument;

  const auto rows = test::matrix(o.at("data"));
  f.responses.item_count = item_ids.size();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    f.responses.ids.push_back("p" + std::to_string(r + 1));
    f.responses.answers.insert(f.responses.answers.end(), rows[r].begin(), rows[r].end());
    f.responses.errors.emplace_back();
  }
  return f;
}

const std::vector<std::string> kAlphaCases = {"bfi_agreeableness",    "bfi_conscientiousness", "mbi_like_small",
                                              "tiny_two_items",       "dichotomous",           "zero_variance_item",
                                              "reverse_keys_missing", "negative_alpha",        "n_le_k"};

// The numbers of a psych::alpha block that are fields of the same name,
// per subscale, per item and per item dropped.
template <class T>
struct Field {
  const char* name;
  Statistic T::*member;
};
constexpr Field<SubscaleReliability> kSubscaleFields[] = {
    {"raw_alpha", &SubscaleReliability::raw_alpha},
    {"std_alpha", &SubscaleReliability::std_alpha},
    {"g6_smc", &SubscaleReliability::g6_smc},
    {"average_r", &SubscaleReliability::average_r},
    {"s_n", &SubscaleReliability::s_n},
    {"ase", &SubscaleReliability::ase},
    {"mean", &SubscaleReliability::mean},
    {"sd", &SubscaleReliability::sd},
    {"median_r", &SubscaleReliability::median_r},
    {"var_r", &SubscaleReliability::var_r},
};
constexpr Field<ItemReliability> kItemFields[] = {
    {"raw_r", &ItemReliability::raw_r},   {"std_r", &ItemReliability::std_r}, {"r_cor", &ItemReliability::r_cor},
    {"r_drop", &ItemReliability::r_drop}, {"mean", &ItemReliability::mean},   {"sd", &ItemReliability::sd},
};
constexpr Field<AlphaIfDropped> kDroppedFields[] = {
    {"raw_alpha", &AlphaIfDropped::raw_alpha},
    {"std_alpha", &AlphaIfDropped::std_alpha},
    {"g6_smc", &AlphaIfDropped::g6_smc},
    {"average_r", &AlphaIfDropped::average_r},
    {"s_n", &AlphaIfDropped::s_n},
    {"alpha_se", &AlphaIfDropped::alpha_se},
    {"var_r", &AlphaIfDropped::var_r},
    {"med_r", &AlphaIfDropped::med_r},
};

// Every field of a fixture's psych::alpha block.
void expect_alpha_block(const SubscaleReliability& s, const json::value& block, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(s.n, static_cast<std::size_t>(*number_at(block, "n"))) << where << " n";
  ASSERT_EQ(s.k, static_cast<std::size_t>(*number_at(block, "k"))) << where << " k";
  for (const auto& [name, member] : kSubscaleFields) {
    EXPECT_REL(s.*member, number_at(block, name), kRelTol) << where << " " << name;
  }
  EXPECT_REL(s.feldt.lower, number_at(block.at("feldt"), "lower"), kRelTol) << where << " feldt.lower";
  EXPECT_REL(s.feldt.upper, number_at(block.at("feldt"), "upper"), kRelTol) << where << " feldt.upper";
  EXPECT_REL(s.duhachek.lower, number_at(block.at("duhachek"), "lower"), kRelTol) << where << " duhachek.lower";
  EXPECT_REL(s.duhachek.upper, number_at(block.at("duhachek"), "upper"), kRelTol) << where << " duhachek.upper";
  // Not in psych: the SEM on the sum scale.
  EXPECT_REL(s.sem, static_cast<double>(s.k) * *s.sd * std::sqrt(1 - *s.raw_alpha), 1e-15) << where << " sem";

  const json::array& items = block.at("items").as_array();
  ASSERT_EQ(s.items.size(), items.size()) << where;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json::value& e = items[i];
    const ItemReliability& a = s.items[i];
    const std::string item = where + " item " + std::string(e.at("id").as_string());
    EXPECT_EQ(a.id, e.at("id").as_string()) << item;
    EXPECT_EQ(a.n, static_cast<std::size_t>(*number_at(e, "n"))) << item << " n";
    for (const auto& [name, member] : kItemFields) {
      EXPECT_REL(a.*member, number_at(e, name), kRelTol) << item << " " << name;
    }
    const json::value& d = e.at("alpha_if_dropped");
    for (const auto& [name, member] : kDroppedFields) {
      EXPECT_REL(a.alpha_if_dropped.*member, number_at(d, name), kRelTol) << item << " drop " << name;
    }

    // response_freq: psych's keys are the values seen in any item; ours too.
    const json::object& freq = e.at("response_freq").as_object();
    std::set<std::string> ours;
    for (const auto& [value, share] : a.response_freq) {
      std::string key;
      detail::append_json_number(key, value);
      ours.insert(key);
      const json::value* expected = freq.if_contains(key);
      ASSERT_NE(expected, nullptr) << item << " response_freq has " << key << " that psych does not";
      EXPECT_REL(share, test::number(*expected), kRelTol) << item << " response_freq " << key;
    }
    for (const auto& [key, value] : freq) {
      if (key == "miss") continue;
      EXPECT_TRUE(ours.contains(std::string(key))) << item << " response_freq lacks " << key;
    }
    EXPECT_REL(a.miss, number_at(freq, "miss"), kRelTol) << item << " miss";
  }
}

ReliabilityOptions at_level(double level) {
  ReliabilityOptions options;
  options.ci_level = level;
  return options;
}

ReliabilityOptions listwise() {
  ReliabilityOptions options;
  options.missing = MissingData::listwise;
  return options;
}

ReliabilityOptions with_bootstrap(std::size_t iterations, std::uint64_t seed) {
  ReliabilityOptions options;
  options.bootstrap = BootstrapOptions{.iterations = iterations, .seed = seed};
  return options;
}

ReliabilityOptions only(std::vector<std::string> subscales) {
  ReliabilityOptions options;
  options.subscales = std::move(subscales);
  return options;
}

Result<ReliabilityReport> run(const Fixture& f, ReliabilityOptions options = {}) {
  options.threads = 2;
  return reliability(*f.instrument, f.responses, options);
}

TEST(ReliabilityFixtures, PairwiseMatchesPsychAlpha) {
  for (const auto& name : kAlphaCases) {
    const Fixture f = load_fixture(name);
    const auto report = run(f);
    ASSERT_TRUE(report) << name << ": " << report.error().message;
    ASSERT_EQ(report->subscales.size(), 1u) << name;
    // psych keeps a constant item in its person score (README quirk); psyscore
    // drops it, which is psych::alpha on the data without it.
    const char* block = name == "zero_variance_item" ? "alpha_without_constant" : "alpha";
    expect_alpha_block(report->subscales[0], f.data.at(block), name + " " + block);
  }
}

TEST(ReliabilityFixtures, FeldtAndDuhachekAtOtherLevels) {
  // qnorm(0.95) in R, for the 90% Duhachek interval (psych has none).
  constexpr double kZ90 = 1.6448536269514715;
  for (const auto& name : kAlphaCases) {
    const Fixture f = load_fixture(name);
    const auto report = run(f, at_level(0.90));
    ASSERT_TRUE(report) << name;
    const SubscaleReliability& s = report->subscales[0];
    const char* block = name == "zero_variance_item" ? "alpha_without_constant" : "alpha";
    const json::value& feldt = f.data.at(block).at("feldt_90");
    EXPECT_REL(s.feldt.lower, number_at(feldt, "lower"), kRelTol) << name << " feldt_90.lower";
    EXPECT_REL(s.feldt.upper, number_at(feldt, "upper"), kRelTol) << name << " feldt_90.upper";
    // Boost's normal quantile and R's qnorm differ in the last bits (4e-16),
    // which the cancellation in alpha + z ase (negative_alpha) magnifies.
    EXPECT_REL(s.duhachek.lower, *s.raw_alpha - kZ90 * *s.ase, 1e-13) << name << " duhachek 90";
    EXPECT_REL(s.duhachek.upper, *s.raw_alpha + kZ90 * *s.ase, 1e-13) << name << " duhachek 90";
  }
}

TEST(ReliabilityFixtures, ListwiseMatchesPsychOnCompleteRows) {
  int cases = 0;
  for (const auto& name : kAlphaCases) {
    const Fixture f = load_fixture(name);
    if (!f.data.as_object().contains("listwise")) continue;
    ++cases;
    const auto report = run(f, listwise());
    ASSERT_TRUE(report) << name << ": " << report.error().message;
    expect_alpha_block(report->subscales[0], f.data.at("listwise"), name + " listwise");
    if (name == "dichotomous") {
      EXPECT_REL(report->subscales[0].raw_alpha, number_at(f.data, "kr20_listwise"), kRelTol) << "KR-20";
    }
  }
  EXPECT_EQ(cases, 5);
}

TEST(ReliabilityFixtures, OmegaTotalMatchesPsych) {
  for (const auto& name : kAlphaCases) {
    const Fixture f = load_fixture(name);
    const auto report = run(f);
    ASSERT_TRUE(report) << name;
    const SubscaleReliability& s = report->subscales[0];
    EXPECT_REL(s.omega_total, number_at(f.data, "omega_total"), kOmegaVsPsychTol) << name << " omega_total";
    // Loadings after the flip are |L|; the refined reference is unflipped.
    const json::array& refined = f.data.at("omega_detail").at("refined").at("loadings").as_array();
    ASSERT_EQ(s.omega_loadings.size(), refined.size()) << name;
    for (std::size_t i = 0; i < refined.size(); ++i) {
      EXPECT_REL(s.omega_loadings[i], std::abs(*test::number(refined[i])), 1e-9) << name << " loading " << i;
    }
    const json::array& key = f.data.at("omega_detail").at("key").as_array();
    std::vector<std::string> flipped;
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (*test::number(key[i]) < 0) flipped.push_back(s.items[i].id);
    }
    EXPECT_EQ(s.omega_flipped, flipped) << name;
    const bool warned = std::ranges::any_of(s.warnings, [](const std::string& w) { return w.contains("omega"); });
    EXPECT_EQ(warned, !flipped.empty()) << name << " flip warning";
  }
}

TEST(ReliabilityFixtures, SplitHalfOverEverySplit) {
  for (const auto& name : kAlphaCases) {
    const Fixture f = load_fixture(name);
    const auto report = run(f);
    ASSERT_TRUE(report) << name;
    const SplitHalf& h = report->subscales[0].split_half;
    const json::value& psych = f.data.at("split_half");
    const json::value& all = psych.at("all_splits");
    EXPECT_TRUE(h.exhaustive) << name;
    EXPECT_EQ(h.splits, static_cast<std::size_t>(*number_at(all, "n_splits"))) << name << " splits";
    EXPECT_REL(h.max, number_at(all, "maxrb"), kRelTol) << name << " max";
    EXPECT_REL(h.min, number_at(all, "minrb"), kRelTol) << name << " min";
    EXPECT_REL(h.mean, number_at(all, "meanr"), kRelTol) << name << " mean";
    EXPECT_REL(h.lambda2, number_at(psych, "lambda2"), kRelTol) << name << " lambda2";
    EXPECT_REL(h.lambda6, number_at(psych, "lambda6"), kRelTol) << name << " lambda6";
    EXPECT_REL(report->subscales[0].std_alpha, number_at(psych, "alpha"), kRelTol) << name << " splitHalf alpha";
    if (report->subscales[0].k % 2 == 0) {
      // Even k: psych sees every split too, in the same order, so the best
      // and worst halves agree (psych's A holds the first item).
      std::vector<std::string> max_a;
      std::vector<std::string> min_a;
      for (const auto& id : psych.at("maxAB").at("A").as_array()) max_a.emplace_back(id.as_string());
      for (const auto& id : psych.at("minAB").at("A").as_array()) min_a.emplace_back(id.as_string());
      EXPECT_EQ(h.max_half, max_a) << name;
      EXPECT_EQ(h.min_half, min_a) << name;
      EXPECT_REL(h.max, number_at(psych, "maxrb"), kRelTol) << name << " psych maxrb";
      EXPECT_REL(h.mean, number_at(psych, "meanr"), kRelTol) << name << " psych meanr";
    }
  }
}

TEST(ReliabilityFixtures, StatsWorkedExample) {
  // docs/statistics.md, bfi A1..A5 (10 significant digits there).
  const Fixture f = load_fixture("bfi_agreeableness");
  const auto report = run(f);
  ASSERT_TRUE(report);
  const SubscaleReliability& s = report->subscales[0];
  constexpr double tol = 1e-9;
  EXPECT_REL(s.raw_alpha, 0.7030184461, tol) << "raw_alpha";
  EXPECT_REL(s.std_alpha, 0.7130285787, tol) << "std_alpha";
  EXPECT_REL(s.g6_smc, 0.682762672, tol) << "g6_smc";
  EXPECT_REL(s.average_r, 0.3319676571, tol) << "average_r";
  EXPECT_REL(s.s_n, 2.484667551, tol) << "s_n";
  EXPECT_REL(s.ase, 0.008951774426, tol) << "ase";
  EXPECT_REL(s.mean, 4.652095238, tol) << "mean";
  EXPECT_REL(s.sd, 0.8984018771, tol) << "sd";
  EXPECT_REL(s.median_r, 0.3376233408, tol) << "median_r";
  EXPECT_REL(s.feldt.lower, 0.6852643259, tol) << "feldt.lower";
  EXPECT_REL(s.feldt.upper, 0.7200633899, tol) << "feldt.upper";
  EXPECT_REL(s.duhachek.lower, 0.6854729682, tol) << "duhachek.lower";
  EXPECT_REL(s.duhachek.upper, 0.7205639239, tol) << "duhachek.upper";
  ASSERT_EQ(s.items[1].id, "A2");
  EXPECT_REL(s.items[1].raw_r, 0.7279845314, tol) << "A2 raw_r";
  EXPECT_REL(s.items[1].std_r, 0.7479918646, tol) << "A2 std_r";
  EXPECT_REL(s.items[1].r_cor, 0.6665475389, tol) << "A2 r_cor";
  EXPECT_REL(s.items[1].r_drop, 0.5636151638, tol) << "A2 r_drop";
  EXPECT_REL(s.items[1].alpha_if_dropped.raw_alpha, 0.6171800370, tol) << "A2 dropped raw_alpha";
  EXPECT_REL(s.items[1].alpha_if_dropped.alpha_se, 0.011903882626, tol) << "A2 dropped alpha_se";
  EXPECT_EQ(s.n, 2800u);
  EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
}

// --- Degenerate data -------------------------------------------------------

bool has_warning(const std::vector<std::string>& warnings, std::string_view text) {
  return std::ranges::any_of(warnings, [&](const std::string& w) { return w.contains(text); });
}

TEST(ReliabilityDegenerate, ZeroVarianceItemIsDroppedWithAWarning) {
  const Fixture f = load_fixture("zero_variance_item");
  const auto report = run(f);
  ASSERT_TRUE(report);
  const SubscaleReliability& s = report->subscales[0];
  EXPECT_EQ(s.dropped_items, std::vector<std::string>{"z3"});
  EXPECT_TRUE(has_warning(s.warnings, "item \"z3\" has no variance (every answer is 4)")) << s.warnings.front();
  EXPECT_EQ(s.k, 4u);
}

TEST(ReliabilityDegenerate, AllMissingItemIsDroppedAndAllMissingRowCounts) {
  Fixture f = load_fixture("reverse_keys_missing");
  const auto baseline = run(f);
  ASSERT_TRUE(baseline);
  // Blank item r3 everywhere: it is dropped, the rest equals psych on 5 items.
  for (std::size_t r = 0; r < f.responses.respondent_count(); ++r) f.responses.answers[r * 6 + 2] = kNaN;
  const auto report = run(f);
  ASSERT_TRUE(report) << report.error().message;
  const SubscaleReliability& s = report->subscales[0];
  EXPECT_EQ(s.dropped_items, std::vector<std::string>{"r3"});
  EXPECT_TRUE(has_warning(s.warnings, "item \"r3\" has no answers"));
  EXPECT_EQ(s.k, 5u);
  EXPECT_EQ(s.n, 30u) << "the respondent without answers still counts in n, as in psych";
}

TEST(ReliabilityDegenerate, TooFewItemsOrRespondentsIsInvalid) {
  Fixture f = load_fixture("zero_variance_item");
  // Make z1 and z2 constant too: 2 of 5 items keep some variance... then 1.
  for (std::size_t r = 0; r < f.responses.respondent_count(); ++r) {
    f.responses.answers[r * 5 + 0] = 2;
    f.responses.answers[r * 5 + 1] = 3;
    f.responses.answers[r * 5 + 3] = 5;
  }
  auto report = run(f);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::invalid);
  ASSERT_EQ(report.error().problems.size(), 1u);
  EXPECT_EQ(report.error().problems[0].code, "too_few_items");
  EXPECT_TRUE(report.error().message.contains("\"all\"")) << report.error().message;
  EXPECT_TRUE(report.error().message.contains("\"z1\", \"z2\", \"z3\", \"z4\"")) << report.error().message;

  Fixture one = load_fixture("tiny_two_items");
  one.responses.ids.resize(1);
  one.responses.answers.resize(2);
  one.responses.errors.resize(1);
  report = run(one);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().problems[0].code, "too_few_respondents") << report.error().message;
}

TEST(ReliabilityDegenerate, OptionsAreChecked) {
  const Fixture f = load_fixture("tiny_two_items");
  auto report = run(f, only({"all", "nope"}));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::invalid);
  EXPECT_EQ(report.error().problems[0].code, "unknown_subscale");
  EXPECT_EQ(report.error().problems[0].pointer, "/subscales/1");
  EXPECT_TRUE(report.error().message.contains("\"nope\"")) << report.error().message;

  for (const double level : {0.0, 1.0, -0.5, 1.5, kNaN}) {
    report = run(f, at_level(level));
    ASSERT_FALSE(report) << level;
    EXPECT_EQ(report.error().problems[0].pointer, "/ci_level") << level;
  }
  report = run(f, with_bootstrap(0, 1));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().problems[0].pointer, "/bootstrap/iterations");
}

TEST(ReliabilityDegenerate, NegativeAlphaIsReportedWithAWarning) {
  const Fixture f = load_fixture("negative_alpha");
  const auto report = run(f);
  ASSERT_TRUE(report);
  const SubscaleReliability& s = report->subscales[0];
  EXPECT_LT(s.raw_alpha, 0);
  EXPECT_TRUE(has_warning(s.warnings, "raw alpha is negative"));
  EXPECT_TRUE(has_warning(s.warnings, "\"n3\", \"n4\" load negatively"));
}

TEST(ReliabilityDegenerate, SmallSamplesWarnThatIntervalsAreWide) {
  struct Case {
    const char* name;
    bool small;
  };
  for (const Case c : {Case{"bfi_agreeableness", false}, Case{"negative_alpha", true}, Case{"dichotomous", true},
                       Case{"n_le_k", true}}) {
    const auto report = run(load_fixture(c.name));
    ASSERT_TRUE(report) << c.name;
    EXPECT_EQ(has_warning(report->subscales[0].warnings, "intervals are wide"), c.small) << c.name;
  }
  const auto two = run(load_fixture("tiny_two_items"));
  EXPECT_TRUE(has_warning(two->subscales[0].warnings, "psych's special case")) << "k = 2";
  const auto nk = run(load_fixture("n_le_k"));
  EXPECT_TRUE(has_warning(nk->subscales[0].warnings, "alpha_se is null because n <= k")) << "n <= k";
}

TEST(ReliabilityDegenerate, RespondentsWithAnswerErrorsAreLeftOut) {
  Fixture f = load_fixture("mbi_like_small");
  const auto clean = run(f);
  ASSERT_TRUE(clean);
  // Two extra respondents with invalid answers: their (garbage) values must not count.
  for (const char* id : {"secret-id-1", "secret-id-2"}) {
    f.responses.ids.emplace_back(id);
    for (std::size_t j = 0; j < 9; ++j) f.responses.answers.push_back(99);
    f.responses.errors.push_back({AnswerError{"ee1", AnswerErrorCode::out_of_range, "out of range"}});
  }
  const auto report = run(f);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->subscales[0].n, 10u);
  EXPECT_EQ(report->subscales[0].raw_alpha, clean->subscales[0].raw_alpha);
  ASSERT_TRUE(has_warning(report->warnings, "2 respondent(s) with invalid answers were left out"));
  for (const auto& w : report->warnings) EXPECT_FALSE(w.contains("secret-id")) << w;
}

TEST(ReliabilityLargeWaves, SameReportForAnyThreadCountAcrossChunks) {
  // bfi A1..A5 four times over: 11,200 respondents, more than one chunk of
  // rows for the threads to share.
  Fixture f = load_fixture("bfi_agreeableness");
  const std::size_t n = f.responses.respondent_count();
  for (std::size_t copy = 1; copy < 4; ++copy) {
    for (std::size_t r = 0; r < n; ++r) {
      f.responses.ids.push_back(f.responses.ids[r] + "-" + std::to_string(copy));
      const std::span<const double> row = f.responses.row(r);
      f.responses.answers.insert(f.responses.answers.end(), row.begin(), row.end());
      f.responses.errors.emplace_back();
    }
  }
  for (const MissingData missing : {MissingData::pairwise, MissingData::listwise}) {
    std::vector<std::string> bodies;
    for (const std::size_t threads : {1u, 2u, 3u}) {
      ReliabilityOptions options;
      options.missing = missing;
      options.threads = threads;
      const auto report = reliability(*f.instrument, f.responses, options);
      ASSERT_TRUE(report) << report.error().message;
      EXPECT_EQ(report->subscales[0].n, missing == MissingData::pairwise ? 4 * n : 4 * 2709u);
      bodies.push_back(encode_reliability_result(*f.instrument, *report));
    }
    EXPECT_EQ(bodies[0], bodies[1]) << to_string(missing);
    EXPECT_EQ(bodies[0], bodies[2]) << to_string(missing);
  }
}

TEST(ReliabilityFrequencies, KeysAreTheAnswersAsGiven) {
  // On a grid of 0.1 steps the point 3 * 0.1 is 0.30000000000000004 (as is
  // 0.1 + 0.2); an answer of 0.3 is on the grid too (within 1e-9 steps).
  // Answers on one grid point count together, under the first of them in
  // row order; an answer off the grid (possible only in a hand-built wave)
  // counts under its own value.
  auto instrument = parse_instrument(R"({"id": "tenths", "version": "1.0.0", "name": "tenths",
    "scale": {"min": 0, "max": 1, "step": 0.1},
    "items": [{"id": "a"}, {"id": "b"}],
    "subscales": [{"id": "all", "items": ["a", "b"], "method": "mean"}]})");
  ASSERT_TRUE(instrument) << instrument.error().message;
  const double point = 0.1 + 0.2;
  ASSERT_NE(point, 0.3);
  ResponseMatrix wave;
  wave.item_count = 2;
  const std::vector<std::pair<double, double>> answers = {
      {0.3, point}, {0.5, 0.4}, {point, 0.3}, {0.7, 0.35}, {kNaN, 0.9}};
  for (std::size_t r = 0; r < answers.size(); ++r) {
    wave.ids.push_back("p" + std::to_string(r));
    wave.answers.push_back(answers[r].first);
    wave.answers.push_back(answers[r].second);
    wave.errors.emplace_back();
  }
  const auto report = reliability(**instrument, wave, {});
  ASSERT_TRUE(report) << report.error().message;
  const auto& items = report->subscales[0].items;
  ASSERT_EQ(items.size(), 2u);
  using Shares = std::vector<std::pair<double, double>>;
  EXPECT_EQ(items[0].response_freq,
            (Shares{{0.3, 0.5}, {point, 0}, {0.35, 0}, {0.4, 0}, {0.5, 0.25}, {0.7, 0.25}, {0.9, 0}}));
  EXPECT_EQ(items[1].response_freq,
            (Shares{{0.3, 0}, {point, 0.4}, {0.35, 0.2}, {0.4, 0.2}, {0.5, 0}, {0.7, 0}, {0.9, 0.2}}));
}

// --- Encoder ---------------------------------------------------------------

TEST(ReliabilityEncoder, UsesTheApiFieldNames) {
  const Fixture f = load_fixture("reverse_keys_missing");
  auto report = run(f);
  ASSERT_TRUE(report);
  json::value body = json::parse(encode_reliability_result(*f.instrument, *report));
  const json::object& top = body.as_object();
  EXPECT_EQ(top.at("instrument").at("id").as_string(), "fixture-reverse-keys-missing");
  EXPECT_EQ(top.at("instrument").at("sha256").as_string(), f.instrument->sha256);
  const json::object& s = top.at("subscales").as_array().at(0).as_object();
  for (const char* key : {"id",       "n",        "k",         "raw_alpha",   "std_alpha", "g6_smc",   "average_r",
                          "median_r", "s_n",      "ase",       "var_r",       "mean",      "sd",       "sem",
                          "feldt",    "duhachek", "bootstrap", "omega_total", "items",     "warnings", "split_half"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_TRUE(s.at("bootstrap").is_null());
  EXPECT_EQ(s.at("n").as_int64(), 30);
  EXPECT_DOUBLE_EQ(s.at("raw_alpha").as_double(), *report->subscales[0].raw_alpha);
  const json::object& item = s.at("items").as_array().at(1).as_object();
  for (const char* key : {"id", "n", "raw_r", "std_r", "r_cor", "r_drop", "mean", "sd"}) {
    EXPECT_TRUE(item.contains(key)) << key;
  }
  for (const char* key : {"raw_alpha", "std_alpha", "g6_smc", "average_r", "s_n", "alpha_se", "var_r", "med_r"}) {
    EXPECT_TRUE(item.at("alpha_if_dropped").as_object().contains(key)) << key;
  }
  // Raw (unreversed) answers of reverse-keyed r2, psych's keys.
  const json::object& freq = item.at("response_freq").as_object();
  for (const char* key : {"1", "2", "3", "4", "5", "miss"}) EXPECT_TRUE(freq.contains(key)) << key;
  EXPECT_EQ(freq.size(), 6u);

  auto boot = run(f, with_bootstrap(50, 7));
  ASSERT_TRUE(boot);
  body = json::parse(encode_reliability_result(*f.instrument, *boot));
  const json::object& b = body.at("subscales").at(0).at("bootstrap").as_object();
  for (const char* key : {"lower", "median", "upper", "iterations", "seed"}) EXPECT_TRUE(b.contains(key)) << key;
  EXPECT_EQ(b.at("iterations").as_int64(), 50);
  EXPECT_EQ(b.at("seed").as_int64(), 7);
}

TEST(ReliabilityBootstrap, SameSeedSameResultForAnyThreadCount) {
  const Fixture f = load_fixture("bfi_agreeableness");
  std::vector<std::string> bodies;
  for (const std::size_t threads : {1u, 3u, 4u}) {
    ReliabilityOptions options = with_bootstrap(200, 11);
    options.threads = threads;
    const auto report = reliability(*f.instrument, f.responses, options);
    ASSERT_TRUE(report);
    bodies.push_back(encode_reliability_result(*f.instrument, *report));
  }
  EXPECT_EQ(bodies[0], bodies[1]);
  EXPECT_EQ(bodies[0], bodies[2]);
}

// A deadline that has passed stops the analysis, in the bootstrap or
// between subscales, with one "deadline_exceeded" problem naming the
// budget; one far off changes nothing.
TEST(ReliabilityDeadline, StopsOnceItPassed) {
  const Fixture f = load_fixture("bfi_agreeableness");
  struct Case {
    const char* name;
    ReliabilityOptions options;
  };
  const Case cases[] = {{"bootstrap", with_bootstrap(2000, 3)}, {"no bootstrap", {}}, {"listwise", listwise()}};
  for (const Case& c : cases) {
    ReliabilityOptions options = c.options;
    options.deadline = Deadline::after(std::chrono::milliseconds(0));
    const auto stopped = run(f, options);
    ASSERT_FALSE(stopped.has_value()) << c.name;
    EXPECT_EQ(stopped.error().code, ErrorCode::invalid) << c.name;
    ASSERT_EQ(stopped.error().problems.size(), 1u) << c.name;
    EXPECT_EQ(stopped.error().problems[0].code, "deadline_exceeded") << c.name;
    EXPECT_NE(stopped.error().message.find("deadline of 0 ms"), std::string::npos) << stopped.error().message;

    options.deadline = Deadline::after(std::chrono::hours(1));
    const auto unhurried = run(f, options);
    const auto free = run(f, c.options);
    ASSERT_TRUE(unhurried.has_value() && free.has_value()) << c.name;
    EXPECT_EQ(encode_reliability_result(*f.instrument, *unhurried), encode_reliability_result(*f.instrument, *free))
        << c.name;
  }
}

}  // namespace
}  // namespace psyscore
