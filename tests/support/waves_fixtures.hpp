// The R fixtures of tests/data/waves (make_fixtures.R there): each case's data
// as a respondents x waves matrix (NaN = no score) and R's results.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>
#include <boost/json.hpp>

#include "fixtures.hpp"

namespace psyscore::test {

inline constexpr std::array kWavesCases = {
    "balanced3", "balanced4",     "unbalanced4", "unbalanced3_means", "singular",  "group6",
    "ties16",    "constant_wave", "exact8",      "cohort120",         "two_waves",
};

inline constexpr std::array kHlmCases = {"claus_2020_hamd", "simulated40", "three_waves25"};

inline boost::json::value waves_fixture(std::string_view name) {
  return read_json(data_dir() / "waves" / ("waves_" + std::string(name) + ".json"));
}

inline boost::json::value hlm_fixture(std::string_view name) {
  return read_json(data_dir() / "waves" / ("hlm_" + std::string(name) + ".json"));
}

// The "scores" rows of a waves fixture, null -> NaN.
inline Eigen::MatrixXd wave_scores(const boost::json::value& fixture) {
  const std::vector<std::vector<double>> rows = matrix(fixture.at("scores"));
  Eigen::MatrixXd scores(static_cast<Eigen::Index>(rows.size()),
                         rows.empty() ? 0 : static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      scores(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return scores;
}

inline std::vector<double> json_numbers(const boost::json::value& array) {
  std::vector<double> out;
  for (const auto& v : array.as_array()) out.push_back(v.is_null() ? std::nan("") : v.to_number<double>());
  return out;
}

}  // namespace psyscore::test
