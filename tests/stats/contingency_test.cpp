#include "scoring/stats/contingency.hpp"

#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace psyscore::detail {
namespace {

using test::number_at;

// chisq.test and fisher.test are closed form (a sum over tables): 1e-9 relative.
constexpr double kRelative = 1e-9;

Eigen::MatrixXd table_of(const boost::json::value& rows) {
  const auto& array = rows.as_array();
  Eigen::MatrixXd out(static_cast<Eigen::Index>(array.size()),
                      static_cast<Eigen::Index>(array.front().as_array().size()));
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto& row = array[i].as_array();
    for (std::size_t j = 0; j < row.size(); ++j) {
      out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *test::number(row[j]);
    }
  }
  return out;
}

void check(const std::string& name, const boost::json::value& entry) {
  const Eigen::MatrixXd table = table_of(entry.as_object().at("table"));
  const ChiSquaredTest chi = chi_squared_test(table);
  EXPECT_NEAR_REL(chi.statistic, number_at(entry, "chi_squared"), kRelative) << name;
  EXPECT_NEAR_REL(chi.df, number_at(entry, "df"), kRelative) << name;
  EXPECT_NEAR_REL(chi.p, number_at(entry, "p"), kRelative) << name;
  EXPECT_NEAR_REL(chi.min_expected, number_at(entry, "min_expected"), kRelative) << name;
  EXPECT_EQ(chi.correct, entry.as_object().at("correct").as_bool()) << name;
  EXPECT_EQ(chi.approximation_warning, *number_at(entry, "min_expected") < 5) << name;
  const FisherTest fisher = fisher_exact_test(table);
  ASSERT_TRUE(fisher.p.has_value()) << name;
  EXPECT_NEAR_REL(*fisher.p, number_at(entry, "fisher_p"), kRelative) << name;
  // The same table turned over: the general enumeration (or the two-column
  // path from the other side) must agree.
  const FisherTest turned = fisher_exact_test(table.transpose());
  ASSERT_TRUE(turned.p.has_value()) << name << " transposed";
  EXPECT_NEAR_REL(*turned.p, number_at(entry, "fisher_p"), kRelative) << name << " transposed";
}

TEST(Contingency, TablesAgreeWithChisqTestAndFisherTest) {
  const boost::json::value tables = test::read_json(test::data_dir() / "model" / "tables.json");
  for (const auto& entry : tables.as_array()) check(std::string(entry.as_object().at("name").as_string()), entry);
}

TEST(Contingency, AssociationTablesOfTheModelFixtures) {
  for (const std::string name : {"survey", "missing_covariates", "small_2x2", "quasi_separated", "separated"}) {
    const boost::json::value fixture = test::read_json(test::data_dir() / "model" / (name + ".json"));
    for (const auto& entry : fixture.as_object().at("associations").as_array()) {
      check(name + " " + std::string(entry.as_object().at("covariate").as_string()), entry);
    }
  }
}

TEST(Contingency, LargeTwoColumnTablesAreImmediate) {
  // 100,000 respondents in three levels: the prefix is one row.
  Eigen::MatrixXd table(3, 2);
  table << 20000, 13000, 19000, 14500, 18000, 15500;
  const FisherTest fisher = fisher_exact_test(table);
  ASSERT_TRUE(fisher.p.has_value()) << "100,000 respondents, 3 x 2";
  EXPECT_GT(*fisher.p, 0) << "100,000 respondents, 3 x 2";
  EXPECT_LT(*fisher.p, 1e-6) << "100,000 respondents, 3 x 2";
}

TEST(Contingency, BeyondTheLimitFisherSaysSo) {
  Eigen::MatrixXd table(4, 4);
  table << 30, 25, 20, 35, 22, 31, 28, 19, 26, 24, 33, 27, 21, 29, 25, 30;
  const FisherTest fisher = fisher_exact_test(table, 1000);
  EXPECT_FALSE(fisher.p.has_value()) << "4 x 4 with 440 respondents, limit 1000";
  EXPECT_GT(fisher.tables, 1000U) << "4 x 4 with 440 respondents, limit 1000";
  Eigen::MatrixXd wide(6, 2);
  wide << 500, 500, 400, 600, 450, 550, 300, 700, 520, 480, 610, 390;
  const FisherTest too_many = fisher_exact_test(wide, 1000);
  EXPECT_FALSE(too_many.p.has_value()) << "6 x 2 with 6,000 respondents, limit 1000";
}

}  // namespace
}  // namespace psyscore::detail
