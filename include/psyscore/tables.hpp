// The analyses' results for terminals and spreadsheets: `--format table` and
// `--format csv` of `psyscore reliability`, `change` and `compare`.
//
// A table is aligned plain text (numbers right-aligned, two spaces between
// columns) rounded as the HTML report rounds (docs/report.md, "Rounding"), so
// the terminal and the report say the same thing. CSV is RFC 4180 with a
// header row, every number in full (shortest round-trip form, an empty cell
// when undefined, as `score --format csv`): the per-item table of reliability, the per-participant table
// of change, the per-group table of compare, one row per subscale and item,
// participant or group.
//
//   std::cout << psyscore::change_table(*instrument, *report);
#pragma once

#include <string>

#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/reliability.hpp"

namespace psyscore {

std::string reliability_table(const Instrument& instrument, const ReliabilityReport& report);
// subscale,item,n,mean,sd,raw_r,std_r,r_cor,r_drop,alpha_if_dropped,miss
std::string reliability_csv(const Instrument& instrument, const ReliabilityReport& report);

std::string change_table(const Instrument& instrument, const ChangeReport& report);
// subscale,id,pre,post,difference,rci,category,clinical_category
std::string change_csv(const Instrument& instrument, const ChangeReport& report);

std::string compare_table(const Instrument& instrument, const CompareReport& report);
// subscale,group,n,mean,sd,median,q1,q3
std::string compare_csv(const Instrument& instrument, const CompareReport& report);

}  // namespace psyscore
