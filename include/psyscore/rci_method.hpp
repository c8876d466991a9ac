// The reliable-change methods of the R package clinicalsignificance (2.x),
// by which `change`, `controlled` and the report compute and name a reliable
// change (formulas: docs/statistics.md, "Reliable change").
#pragma once

#include <optional>
#include <string_view>

namespace psyscore {

enum class RciMethod {
  jt,   // Jacobson & Truax: (post - pre) / (sqrt(2) SE_m)
  gln,  // Gulliksen, Lord & Novick: regression to the pre mean, standard error of prediction
  hll,  // Hsu, Lin & Lord: as gln, with the post mean
  en,   // Edwards & Nunnally: the estimated true pre score, SE_m
  nk,   // Nunnally & Kotsch: as en, with the post wave's own reliability (reliability_post)
  ha,   // Hageman & Arrindell: the reliability of the differences; one-sided
};
// "jt", "gln", "hll", "en", "nk" or "ha", the names requests use.
std::string_view to_string(RciMethod method);
// The method `name` names, or nullopt.
std::optional<RciMethod> rci_method_from(std::string_view name);

// The criterion of `method` when none is given: 1.96 (two-sided 5%), and for
// ha, which the package judges one-sided, qnorm(0.95) = 1.6448536269514722.
double default_rci_criterion(RciMethod method);

}  // namespace psyscore
