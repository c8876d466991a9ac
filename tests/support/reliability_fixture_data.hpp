// Keyed item matrices from the R fixtures of tests/data/reliability, for the
// kernel tests (alpha, omega, split-half, bootstrap).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace psyscore::test {

inline boost::json::value reliability_fixture(const std::string& name) {
  return read_json(data_dir() / "reliability" / (name + ".json"));
}

// The items psych kept (those of the fixture's alpha block; for the
// zero-variance case the constant item is not among them).
inline std::vector<std::string> kept_items(const boost::json::value& fixture) {
  std::vector<std::string> ids;
  for (const auto& item : fixture.at("alpha").at("items").as_array()) ids.emplace_back(item.at("id").as_string());
  return ids;
}

// Rows x kept items, reverse items as min + max - x, NaN = missing.
inline Eigen::MatrixXd keyed_matrix(const boost::json::value& fixture) {
  const auto rows = matrix(fixture.at("data"));
  const auto& all_ids = fixture.at("item_ids").as_array();
  const auto& reverse = fixture.at("reverse").as_array();
  const double lo = *number(fixture.at("scale").at("min"));
  const double hi = *number(fixture.at("scale").at("max"));
  const std::vector<std::string> kept = kept_items(fixture);
  Eigen::MatrixXd keyed(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(kept.size()));
  for (std::size_t j = 0; j < kept.size(); ++j) {
    const auto column = static_cast<std::size_t>(
        std::ranges::find_if(all_ids, [&](const auto& id) { return id.as_string() == kept[j]; }) - all_ids.begin());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double x = rows[r][column];
      keyed(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = reverse[column].as_bool() ? lo + hi - x : x;
    }
  }
  return keyed;
}

inline const std::vector<std::string>& alpha_fixture_names() {
  static const std::vector<std::string> names = {"bfi_agreeableness",    "bfi_conscientiousness", "mbi_like_small",
                                                 "tiny_two_items",       "dichotomous",           "zero_variance_item",
                                                 "reverse_keys_missing", "negative_alpha",        "n_le_k"};
  return names;
}

}  // namespace psyscore::test
