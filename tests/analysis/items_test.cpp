// options.items of compare and reliability: every statement on its raw
// answers, against the R fixtures of tests/data/items (make_fixtures.R), and
// the subscale-level results unchanged when the items are asked for.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "change_fixtures.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/json.hpp"
#include "psyscore/reliability.hpp"
#include "psyscore/responses.hpp"
#include "scoring/stats/rank_tests.hpp"

namespace psyscore {
namespace {

using test::at;
using test::number;
using test::number_at;
using test::read_json;
using test::read_text;

constexpr std::array kCases = {"survey", "small_group", "exact"};

InstrumentPtr balint_attitudes() {
  auto instrument = load_instrument_file(test::source_dir() / "instruments" / "balint-attitudes.json");
  EXPECT_TRUE(instrument.has_value());
  return instrument ? *instrument : nullptr;
}

boost::json::value fixture(std::string_view name) {
  return read_json(test::data_dir() / "items" / (std::string(name) + ".json"));
}

ResponseMatrix wave_of(const Instrument& instrument, std::string_view name, bool with_groups) {
  CsvOptions csv;
  csv.source = std::string(name) + ".csv";
  if (with_groups) csv.group_column = "years";
  auto wave = decode_csv_responses(instrument, read_text(test::data_dir() / "items" / csv.source), csv);
  EXPECT_TRUE(wave.has_value()) << name;
  return wave ? std::move(*wave) : ResponseMatrix{};
}

void expect_distribution(const AnswerDistribution& actual, const boost::json::value& expected,
                         const std::string& label) {
  ASSERT_EQ(actual.counts.size(), 5u) << label;
  for (const auto& [point, count] : actual.counts) {
    const std::string key = std::to_string(static_cast<int>(point));
    EXPECT_EQ(static_cast<double>(count), *number_at(expected, key)) << label << " answer " << key;
  }
  EXPECT_EQ(static_cast<double>(actual.missing), *number_at(expected, "miss")) << label << " miss";
}

void expect_item(const ItemComparison& item, const boost::json::value& expected, const std::string& label) {
  EXPECT_EQ(item.id, at(expected, "id").as_string()) << label;
  const auto& groups = at(expected, "groups").as_array();
  ASSERT_EQ(item.groups.size(), groups.size()) << label;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const GroupSummary& actual = item.groups[g];
    const std::string where = label + " group " + actual.name;
    EXPECT_EQ(actual.name, at(groups[g], "name").as_string()) << where;
    EXPECT_EQ(static_cast<double>(actual.n), *number_at(groups[g], "n")) << where;
    EXPECT_STAT(actual.mean, number_at(groups[g], "mean")) << where << " mean";
    EXPECT_STAT(actual.sd, number_at(groups[g], "sd")) << where << " sd";
    EXPECT_STAT(actual.median, number_at(groups[g], "median")) << where << " median";
    EXPECT_STAT(actual.q1, number_at(groups[g], "q1")) << where << " q1";
    EXPECT_STAT(actual.q3, number_at(groups[g], "q3")) << where << " q3";
    ASSERT_TRUE(actual.distribution.has_value()) << where;
    expect_distribution(*actual.distribution, at(groups[g], "distribution"), where);
  }
  const boost::json::value& kruskal = at(expected, "kruskal_wallis");
  if (kruskal.is_null()) {
    EXPECT_FALSE(item.kruskal_wallis.has_value()) << label << ": R could not test";
    EXPECT_TRUE(item.mann_whitney.empty()) << label;
    EXPECT_FALSE(item.welch_t.has_value()) << label;
    EXPECT_FALSE(item.warnings.empty()) << label << ": the missing tests are explained";
    return;
  }
  ASSERT_TRUE(item.kruskal_wallis.has_value()) << label;
  EXPECT_STAT(item.kruskal_wallis->h, number_at(kruskal, "h")) << label << " H";
  EXPECT_EQ(static_cast<double>(item.kruskal_wallis->df), *number_at(kruskal, "df")) << label;
  EXPECT_STAT(item.kruskal_wallis->p, number_at(kruskal, "p")) << label << " Kruskal-Wallis p";
  EXPECT_STAT(item.kruskal_wallis->epsilon_squared, number_at(kruskal, "epsilon_squared")) << label;

  const auto& pairs = at(expected, "mann_whitney").as_array();
  ASSERT_EQ(item.mann_whitney.size(), pairs.size()) << label;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const MannWhitneyPair& actual = item.mann_whitney[k];
    const std::string where = label + " " + actual.a + " vs " + actual.b;
    EXPECT_EQ(actual.a, at(pairs[k], "a").as_string()) << where;
    EXPECT_EQ(actual.b, at(pairs[k], "b").as_string()) << where;
    EXPECT_EQ(static_cast<double>(actual.n_a), *number_at(pairs[k], "n_a")) << where;
    EXPECT_EQ(static_cast<double>(actual.n_b), *number_at(pairs[k], "n_b")) << where;
    EXPECT_STAT(actual.w, number_at(pairs[k], "w")) << where << " W";
    EXPECT_STAT(actual.p, number_at(pairs[k], "p")) << where << " p";
    EXPECT_STAT(actual.p_holm, number_at(pairs[k], "p_holm")) << where << " Holm p";
    EXPECT_STAT(actual.rank_biserial, number_at(pairs[k], "rank_biserial")) << where << " rank-biserial";
    EXPECT_EQ(actual.exact ? "exact" : "normal", at(pairs[k], "method").as_string()) << where;
  }

  if (const auto* welch = expected.as_object().if_contains("welch_t")) {
    if (welch->as_object().contains("error")) {
      EXPECT_FALSE(item.welch_t.has_value()) << label << ": R stops";
    } else {
      ASSERT_TRUE(item.welch_t.has_value()) << label;
      EXPECT_STAT(item.welch_t->t, number_at(*welch, "t")) << label << " Welch t";
      EXPECT_STAT(item.welch_t->df, number_at(*welch, "df")) << label << " Welch df";
      EXPECT_STAT(item.welch_t->p, number_at(*welch, "p")) << label << " Welch p";
      EXPECT_STAT(item.welch_t->mean_difference, number_at(*welch, "mean_difference")) << label;
      EXPECT_STAT(item.welch_t->ci_lower, number_at(*welch, "ci_lower")) << label;
      EXPECT_STAT(item.welch_t->ci_upper, number_at(*welch, "ci_upper")) << label;
    }
  } else {
    EXPECT_FALSE(item.welch_t.has_value()) << label << ": more than two groups";
  }
}

TEST(CompareItems, MatchRPerStatementAndGroup) {
  const auto instrument = balint_attitudes();
  ASSERT_TRUE(instrument);
  for (const std::string_view name : kCases) {
    const auto expected = fixture(name);
    CompareOptions options;
    options.items = true;
    const auto report = compare(*instrument, wave_of(*instrument, name, true), options);
    ASSERT_TRUE(report.has_value()) << name;
    ASSERT_EQ(report->subscales.size(), 1u) << name;
    const SubscaleComparison& total = report->subscales.front();
    const auto& items = at(expected, "compare_items").as_array();
    ASSERT_EQ(total.items.size(), items.size()) << name;
    for (std::size_t i = 0; i < items.size(); ++i) {
      expect_item(total.items[i], items[i], std::string(name) + " statement " + std::to_string(i + 1));
    }
  }
}

// R's normal approximation (exact = FALSE) on the same answers: the path R
// takes almost always with five-point answers, checked also where R's own
// choice is exact.
TEST(CompareItems, NormalApproximationMatchesRWhereExactIsAllowedToo) {
  const auto instrument = balint_attitudes();
  ASSERT_TRUE(instrument);
  for (const std::string_view name : kCases) {
    const auto expected = fixture(name);
    const ResponseMatrix wave = wave_of(*instrument, name, true);
    const auto order = test::strings(at(expected, "group_order"));
    for (std::size_t i = 0; i < instrument->items.size(); ++i) {
      std::vector<std::vector<double>> answers(order.size());
      for (std::size_t r = 0; r < wave.respondent_count(); ++r) {
        const double x = wave.at(r, i);
        if (is_missing(x)) continue;
        for (std::size_t g = 0; g < order.size(); ++g) {
          if (wave.groups[r] == order[g]) answers[g].push_back(x);
        }
      }
      const auto& pairs = at(at(expected, "compare_items").as_array()[i], "mann_whitney_normal").as_array();
      std::size_t k = 0;
      for (std::size_t a = 0; a < order.size(); ++a) {
        for (std::size_t b = a + 1; b < order.size(); ++b) {
          if (answers[a].empty() || answers[b].empty()) continue;
          const std::string label = std::string(name) + " statement " + std::to_string(i + 1) + " " + order[a] +
                                    " vs " + order[b] + " (normal)";
          ASSERT_LT(k, pairs.size()) << label;
          const auto test = detail::mann_whitney(answers[a], answers[b], detail::RankPValue::normal);
          EXPECT_STAT(test.w, number_at(pairs[k], "w")) << label;
          EXPECT_STAT(test.p, number_at(pairs[k], "p")) << label;
          ++k;
        }
      }
      EXPECT_EQ(k, pairs.size()) << name << " statement " << i + 1;
    }
  }
}

TEST(CompareItems, ExactPWhereTheAnswersHaveNoTies) {
  const auto instrument = balint_attitudes();
  ASSERT_TRUE(instrument);
  CompareOptions options;
  options.items = true;
  const auto report = compare(*instrument, wave_of(*instrument, "exact", true), options);
  ASSERT_TRUE(report.has_value());
  const ItemComparison& first = report->subscales.front().items.front();
  ASSERT_EQ(first.mann_whitney.size(), 1u);
  EXPECT_TRUE(first.mann_whitney.front().exact) << "2 vs 3 different answers";
  EXPECT_EQ(first.mann_whitney.front().w, 2);
  EXPECT_FALSE(report->subscales.front().items[2].mann_whitney.front().exact) << "tied answers";
}

// Removes "items" (compare) or "item_answers" (reliability) from every
// subscale of an encoded result.
std::string without(std::string_view body, std::string_view key) {
  boost::json::value value = boost::json::parse(body);
  for (auto& subscale : value.as_object().at("subscales").as_array()) {
    EXPECT_TRUE(subscale.as_object().erase(key)) << key << " is present when asked for";
  }
  return boost::json::serialize(value);
}

TEST(CompareItems, SubscaleResultsAreUnchanged) {
  const auto instrument = balint_attitudes();
  ASSERT_TRUE(instrument);
  for (const std::string_view name : kCases) {
    const ResponseMatrix wave = wave_of(*instrument, name, true);
    const auto plain = compare(*instrument, wave);
    CompareOptions options;
    options.items = true;
    const auto with_items = compare(*instrument, wave, options);
    ASSERT_TRUE(plain.has_value() && with_items.has_value()) << name;
    const std::string plain_body = encode_compare_result(*instrument, *plain);
    EXPECT_EQ(plain_body.find("\"items\""), std::string::npos) << name << ": no items unless asked for";
    EXPECT_EQ(without(encode_compare_result(*instrument, *with_items), "items"),
              boost::json::serialize(boost::json::parse(plain_body)))
        << name;
  }
}

TEST(ReliabilityItems, MatchRPerStatement) {
  const auto instrument = balint_attitudes();
  ASSERT_TRUE(instrument);
  for (const std::string_view name : kCases) {
    const auto expected = fixture(name);
    ReliabilityOptions options;
    options.items = true;
    const auto report = reliability(*instrument, wave_of(*instrument, name, false), options);
    ASSERT_TRUE(report.has_value()) << name;
    const auto& items = at(expected, "reliability_items").as_array();
    const auto& actual = report->subscales.front().item_answers;
    ASSERT_EQ(actual.size(), items.size()) << name;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string label = std::string(name) + " statement " + std::to_string(i + 1);
      EXPECT_EQ(actual[i].id, at(items[i], "id").as_string()) << label;
      EXPECT_EQ(static_cast<double>(actual[i].n), *number_at(items[i], "n")) << label;
      EXPECT_STAT(actual[i].mean, number_at(items[i], "mean")) << label << " mean";
      EXPECT_STAT(actual[i].sd, number_at(items[i], "sd")) << label << " sd";
      EXPECT_STAT(actual[i].median, number_at(items[i], "median")) << label << " median";
      expect_distribution(actual[i].distribution, at(items[i], "distribution"), label);
    }
  }
}

TEST(ReliabilityItems, SubscaleResultsAreUnchanged) {
  const auto instrument = balint_attitudes();
  ASSERT_TRUE(instrument);
  for (const std::string_view name : kCases) {
    const ResponseMatrix wave = wave_of(*instrument, name, false);
    const auto plain = reliability(*instrument, wave);
    ReliabilityOptions options;
    options.items = true;
    const auto with_items = reliability(*instrument, wave, options);
    ASSERT_TRUE(plain.has_value() && with_items.has_value()) << name;
    const std::string plain_body = encode_reliability_result(*instrument, *plain);
    EXPECT_EQ(plain_body.find("\"item_answers\""), std::string::npos) << name;
    EXPECT_EQ(without(encode_reliability_result(*instrument, *with_items), "item_answers"),
              boost::json::serialize(boost::json::parse(plain_body)))
        << name;
  }
}

TEST(ItemsEncoding, WritesTheContractsFields) {
  const auto instrument = balint_attitudes();
  ASSERT_TRUE(instrument);
  CompareOptions compare_options;
  compare_options.items = true;
  const auto two = compare(*instrument, wave_of(*instrument, "exact", true), compare_options);
  ASSERT_TRUE(two.has_value());
  const auto body = boost::json::parse(encode_compare_result(*instrument, *two));
  const auto& items = at(at(body, "subscales").as_array()[0], "items").as_array();
  ASSERT_EQ(items.size(), 6u);
  const auto& first = items[0].as_object();
  for (const char* key : {"id", "groups", "kruskal_wallis", "mann_whitney", "welch_t", "warnings"}) {
    EXPECT_TRUE(first.contains(key)) << "compare item field " << key;
  }
  const auto& group = first.at("groups").as_array()[0];
  for (const char* key : {"name", "n", "mean", "sd", "median", "q1", "q3", "distribution"}) {
    EXPECT_TRUE(group.as_object().contains(key)) << "compare item group field " << key;
  }
  EXPECT_EQ(boost::json::serialize(at(group, "distribution")), R"({"1":1,"2":0,"3":0,"4":1,"5":0,"miss":3})");
  EXPECT_EQ(at(first.at("mann_whitney").as_array()[0], "method").as_string(), "exact");
  EXPECT_TRUE(at(items[1], "kruskal_wallis").is_null()) << "statement 2 has no answer in control";
  EXPECT_TRUE(at(items[5], "welch_t").is_null()) << "statement 6 is constant within the groups";

  ReliabilityOptions reliability_options;
  reliability_options.items = true;
  const auto pooled = reliability(*instrument, wave_of(*instrument, "exact", false), reliability_options);
  ASSERT_TRUE(pooled.has_value());
  const auto reliability_body = boost::json::parse(encode_reliability_result(*instrument, *pooled));
  const auto& answers = at(at(reliability_body, "subscales").as_array()[0], "item_answers").as_array();
  ASSERT_EQ(answers.size(), 6u);
  for (const char* key : {"id", "n", "mean", "sd", "median", "distribution"}) {
    EXPECT_TRUE(answers[1].as_object().contains(key)) << "reliability item field " << key;
  }
  EXPECT_EQ(at(answers[1], "n").to_number<double>(), 5);
  EXPECT_EQ(boost::json::serialize(at(answers[1], "distribution")), R"({"1":0,"2":0,"3":1,"4":2,"5":2,"miss":4})");
}

}  // namespace
}  // namespace psyscore
