// reliability(): sums every subscale's keyed answers in one pass over the
// wave (wave_sums.hpp), screens items and rows, runs the kernels (alpha.hpp,
// omega.hpp, split_half.hpp, bootstrap.hpp) per subscale and explains in
// warnings whatever made a number special.

#include "psyscore/reliability.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <Eigen/Core>

#include "scoring/analysis/item_answers.hpp"
#include "scoring/analysis/request_checks.hpp"
#include "scoring/analysis/wave_sums.hpp"
#include "scoring/kernels/covariance.hpp"
#include "scoring/psych/alpha.hpp"
#include "scoring/psych/bootstrap.hpp"
#include "scoring/psych/omega.hpp"
#include "scoring/psych/split_half.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {

namespace {

using detail::problem_at;

constexpr std::size_t kMaxBootstrapIterations = 1'000'000;
constexpr std::size_t kMaxExhaustiveSplitItems = 16;
// Below these, intervals are wide and a warning says so.
constexpr std::size_t kSmallSample = 30;
constexpr std::size_t kRespondentsPerItem = 10;

std::string number_text(double x) {
  std::string out;
  detail::append_json_number(out, x);
  return out;
}

std::string quoted_list(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + ids[i] + "\"";
  }
  return out;
}

struct ItemScreen {
  std::vector<std::size_t> kept;  // positions in the subscale's item list
  std::vector<std::string> dropped_ids;
  std::vector<std::string> warnings;
};

// psych drops items whose sd is 0 or NA (no answers, or one); so does
// psyscore, but it says which and why. answers[i]: the answers to the item
// at position candidates[i] over the rows in question.
void screen_items(const Instrument& instrument, const Subscale& subscale, const std::vector<std::size_t>& candidates,
                  const std::vector<detail::AnswerSummary>& answers, ItemScreen& screen, std::string_view context) {
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const detail::AnswerSummary& a = answers[i];
    if (a.count >= 2 && a.min != a.max) {
      kept.push_back(candidates[i]);
      continue;
    }
    const std::string& id = instrument.items[subscale.items[candidates[i]]].id;
    screen.dropped_ids.push_back(id);
    std::string why;
    if (a.count == 0) {
      why = "has no answers";
    } else if (a.count == 1) {
      why = "has a single answer";
    } else {
      why = "has no variance (every answer is " + number_text(a.min) + ")";
    }
    screen.warnings.push_back("item \"" + id + "\" " + why + std::string(context) + " and was left out of subscale \"" +
                              subscale.id + "\" (its k, alpha and scores)");
  }
  screen.kept = std::move(kept);
}

std::vector<std::size_t> items_at(const Subscale& subscale, const std::vector<std::size_t>& positions) {
  std::vector<std::size_t> items;
  items.reserve(positions.size());
  for (const std::size_t position : positions) items.push_back(subscale.items[position]);
  return items;
}

// A subscale whose items and rows are settled: what the statistics start from.
struct PreparedSubscale {
  const Subscale* subscale = nullptr;
  SubscaleReliability out;              // id, dropped items and the warnings so far
  std::vector<std::size_t> kept_items;  // indices into Instrument::items
  // Listwise deletion: the rows used are the usable rows that answered all
  // of these (the items kept by the first screening). Empty for pairwise.
  std::vector<std::size_t> required_items;
  detail::ItemBlockSums data;  // the kept items over the rows used
};

struct Preparation {
  std::optional<PreparedSubscale> prepared;
  std::vector<Problem> problems;
};

// Screens the items and settles the rows. `all_items`: the subscale's every
// item over every usable row, from the shared first pass; a subscale that
// loses items, or deletes rows listwise, takes another pass of its own.
Preparation prepare_subscale(const Instrument& instrument, const Subscale& subscale, const ResponseMatrix& responses,
                             const std::vector<std::size_t>& usable_rows, detail::ItemBlockSums all_items,
                             const ReliabilityOptions& options) {
  Preparation outcome;
  PreparedSubscale prepared;
  prepared.subscale = &subscale;
  SubscaleReliability& out = prepared.out;
  out.id = subscale.id;
  const std::string pointer = "/subscales/" + subscale.id;
  auto sum_block = [&](detail::ItemBlock block) {
    return std::move(
        detail::sum_item_blocks(instrument, responses, usable_rows, std::span(&block, 1), options.threads)[0]);
  };

  const std::size_t answering = all_items.sums.scored;
  if (answering < 2) {
    outcome.problems.push_back(problem_at(pointer, "too_few_respondents",
                                          "subscale \"" + subscale.id +
                                              "\" needs answers from at least 2 respondents; " +
                                              std::to_string(answering) + " answered any of its items"));
    return outcome;
  }

  std::vector<std::size_t> all_positions(subscale.items.size());
  for (std::size_t i = 0; i < all_positions.size(); ++i) all_positions[i] = i;
  ItemScreen screen;
  screen_items(instrument, subscale, all_positions, all_items.answers, screen, "");

  std::optional<detail::ItemBlockSums> data;
  if (options.missing == MissingData::listwise) {
    prepared.required_items = items_at(subscale, screen.kept);
    detail::ItemBlockSums complete_rows =
        sum_block({.items = prepared.required_items, .required = prepared.required_items});
    const std::size_t rows = complete_rows.sums.rows;
    if (rows < usable_rows.size()) {
      out.warnings.push_back(std::to_string(usable_rows.size() - rows) + " of " + std::to_string(usable_rows.size()) +
                             " respondents missed an item and were left out (listwise deletion)");
    }
    if (rows < 2) {
      outcome.problems.push_back(problem_at(pointer, "too_few_respondents",
                                            "subscale \"" + subscale.id +
                                                "\" needs at least 2 respondents who answered every item for listwise "
                                                "deletion; " +
                                                std::to_string(rows) + " did"));
      return outcome;
    }
    // An item can be constant among the complete rows only.
    const std::vector<std::size_t> candidates = screen.kept;
    screen_items(instrument, subscale, candidates, complete_rows.answers, screen, " among the complete rows");
    if (screen.kept.size() == candidates.size()) data = std::move(complete_rows);
  } else if (screen.kept.size() == subscale.items.size()) {
    data = std::move(all_items);
  }
  out.dropped_items = screen.dropped_ids;
  out.warnings.insert(out.warnings.begin(), screen.warnings.begin(), screen.warnings.end());
  if (screen.kept.size() < 2) {
    outcome.problems.push_back(problem_at(
        pointer, "too_few_items",
        "subscale \"" + subscale.id + "\" needs at least 2 items with varying answers; " +
            std::to_string(screen.kept.size()) + " left after leaving out " + quoted_list(screen.dropped_ids)));
    return outcome;
  }
  prepared.kept_items = items_at(subscale, screen.kept);
  // Items were left out: the person scores change with them.
  prepared.data =
      data ? std::move(*data) : sum_block({.items = prepared.kept_items, .required = prepared.required_items});
  outcome.prepared = std::move(prepared);
  return outcome;
}

// The usable rows that answered every one of `required` (all of them when
// it is empty), in order.
std::vector<std::size_t> rows_answering(const ResponseMatrix& responses, const std::vector<std::size_t>& usable_rows,
                                        const std::vector<std::size_t>& required) {
  std::vector<std::size_t> rows;
  for (const std::size_t r : usable_rows) {
    if (std::ranges::none_of(required, [&](std::size_t item) { return is_missing(responses.at(r, item)); })) {
      rows.push_back(r);
    }
  }
  return rows;
}

// Rows x items of keyed answers (NaN = missing), what the bootstrap resamples.
Eigen::MatrixXd keyed_matrix(const Instrument& instrument, const ResponseMatrix& responses,
                             const std::vector<std::size_t>& rows, const std::vector<std::size_t>& items) {
  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto k = static_cast<Eigen::Index>(items.size());
  Eigen::MatrixXd keyed(n, k);
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::span<const double> answers = responses.row(rows[static_cast<std::size_t>(r)]);
    for (Eigen::Index j = 0; j < k; ++j) {
      const std::size_t item = items[static_cast<std::size_t>(j)];
      const double x = answers[item];
      keyed(r, j) = is_missing(x) ? x : instrument.items[item].keyed(x);
    }
  }
  return keyed;
}

// The bootstrap of every prepared subscale. With pairwise deletion they all
// use the same rows, so one set of resamples serves them all (the draws
// depend only on the seed, the resample and n; each subscale's interval is
// what it would be alone).
std::vector<detail::BootstrapResult> bootstrap_subscales(const Instrument& instrument, const ResponseMatrix& responses,
                                                         const std::vector<std::size_t>& usable_rows,
                                                         const std::vector<PreparedSubscale>& subscales,
                                                         const BootstrapOptions& bootstrap,
                                                         const ReliabilityOptions& options) {
  if (options.missing == MissingData::pairwise) {
    std::vector<Eigen::MatrixXd> blocks;
    blocks.reserve(subscales.size());
    for (const PreparedSubscale& s : subscales) {
      blocks.push_back(keyed_matrix(instrument, responses, usable_rows, s.kept_items));
    }
    return detail::bootstrap_raw_alpha(blocks, bootstrap.iterations, bootstrap.seed, options.ci_level, options.threads,
                                       options.deadline);
  }
  std::vector<detail::BootstrapResult> results;
  results.reserve(subscales.size());
  for (const PreparedSubscale& s : subscales) {
    const std::vector<std::size_t> rows = rows_answering(responses, usable_rows, s.required_items);
    results.push_back(detail::bootstrap_raw_alpha(keyed_matrix(instrument, responses, rows, s.kept_items),
                                                  bootstrap.iterations, bootstrap.seed, options.ci_level,
                                                  options.threads, options.deadline));
    if (results.back().stopped) break;
  }
  return results;
}

SubscaleReliability analyse_subscale(const Instrument& instrument, PreparedSubscale prepared,
                                     const detail::BootstrapResult* boot, const ReliabilityOptions& options) {
  SubscaleReliability out = std::move(prepared.out);
  const detail::ItemSums& sums = prepared.data.sums;
  const std::size_t n = sums.rows;
  const auto k = static_cast<Eigen::Index>(prepared.kept_items.size());

  const detail::PairwiseMoments moments = detail::pairwise_moments(sums);
  const detail::AlphaSuite suite = detail::alpha_suite(sums, moments, options.ci_level);
  out.n = suite.n;
  out.k = suite.k;
  out.raw_alpha = suite.total.raw_alpha;
  out.std_alpha = suite.total.std_alpha;
  out.g6_smc = suite.total.g6_smc;
  out.average_r = suite.total.average_r;
  out.median_r = suite.total.median_r;
  out.s_n = suite.total.s_n;
  out.ase = suite.ase;
  out.var_r = suite.total.var_r;
  out.mean = suite.mean;
  out.sd = suite.sd;
  const double sd_total_sum = static_cast<double>(k) * suite.sd;
  out.sd_total_sum = Statistic(sd_total_sum);
  out.sem = Statistic(sd_total_sum * std::sqrt(1 - suite.total.raw_alpha));
  out.feldt = suite.feldt;
  out.duhachek = suite.duhachek;

  std::vector<std::string> kept_ids;
  kept_ids.reserve(prepared.kept_items.size());
  for (const std::size_t item : prepared.kept_items) kept_ids.push_back(instrument.items[item].id);

  // Response frequencies of the raw answers over the rows used; every value
  // seen in any kept item gets a key in every item, as psych does.
  std::map<double, std::size_t> seen;
  for (const detail::AnswerSummary& answers : prepared.data.answers) {
    for (const auto& [value, count] : answers.frequencies) seen[value] += count;
  }

  for (std::size_t i = 0; i < suite.items.size(); ++i) {
    const detail::ItemAlphaStatistics& s = suite.items[i];
    ItemReliability item;
    item.id = kept_ids[i];
    item.n = s.n;
    item.raw_r = s.raw_r;
    item.std_r = s.std_r;
    item.r_cor = s.r_cor;
    item.r_drop = s.r_drop;
    item.mean = s.mean;
    item.sd = s.sd;
    item.alpha_if_dropped = s.dropped;
    const auto& counts = prepared.data.answers[i].frequencies;
    for (const auto& [value, ignored] : seen) {
      const auto it = std::ranges::lower_bound(counts, value, {}, [](const auto& entry) { return entry.first; });
      const double count = it != counts.end() && it->first == value ? static_cast<double>(it->second) : 0.0;
      item.response_freq.emplace_back(value, count / static_cast<double>(s.n));
    }
    item.miss = 1 - static_cast<double>(s.n) / static_cast<double>(n);
    out.items.push_back(std::move(item));
  }

  const detail::OmegaTotal omega = detail::omega_total_one_factor(moments.correlation);
  out.omega_total = omega.omega_total;
  out.omega_loadings.assign(omega.loadings.data(), omega.loadings.data() + omega.loadings.size());
  for (const Eigen::Index i : omega.flipped) out.omega_flipped.push_back(kept_ids[static_cast<std::size_t>(i)]);

  const detail::SplitHalfResult split = detail::split_half(suite.correlation, kMaxExhaustiveSplitItems,
                                                           options.split_half_samples, options.split_half_seed);
  out.split_half.max = split.max;
  out.split_half.min = split.min;
  out.split_half.mean = split.mean;
  out.split_half.splits = split.splits;
  out.split_half.exhaustive = split.exhaustive;
  out.split_half.lambda2 = split.lambda2;
  out.split_half.lambda6 = split.lambda6;
  for (const Eigen::Index i : split.max_half) out.split_half.max_half.push_back(kept_ids[static_cast<std::size_t>(i)]);
  for (const Eigen::Index i : split.min_half) out.split_half.min_half.push_back(kept_ids[static_cast<std::size_t>(i)]);

  if (boot != nullptr && options.bootstrap) {
    BootstrapInterval interval;
    interval.lower = boot->lower;
    interval.median = boot->median;
    interval.upper = boot->upper;
    interval.iterations = boot->iterations;
    interval.seed = options.bootstrap->seed;
    interval.undefined = boot->undefined;
    out.bootstrap = interval;
    if (boot->undefined > 0) {
      out.warnings.push_back(std::to_string(boot->undefined) + " of " + std::to_string(boot->iterations) +
                             " bootstrap resamples had no defined alpha (e.g. no variance) and were left out of the "
                             "bootstrap quantiles");
    }
  }

  // Warnings, from the data to the statistics.
  std::vector<std::string> sparse_pairs;
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = j + 1; i < k; ++i) {
      if (moments.counts(i, j) < 2) {
        sparse_pairs.push_back(kept_ids[static_cast<std::size_t>(j)] + "/" + kept_ids[static_cast<std::size_t>(i)]);
      }
    }
  }
  if (!sparse_pairs.empty()) {
    out.warnings.push_back("items " + quoted_list(sparse_pairs) +
                           " were answered together by fewer than 2 respondents: their covariance, and every "
                           "statistic that needs it, is null");
  }
  if (k == 2) {
    out.warnings.push_back(
        "with 2 items alpha_if_dropped follows psych's special case: raw_alpha is the covariance over the variance "
        "of the remaining item (it can exceed 1), std_alpha, average_r and med_r are the inter-item correlation, "
        "var_r is 0 and alpha_se is null");
  }
  if (out.raw_alpha && *out.raw_alpha < 0) {
    out.warnings.push_back("raw alpha is negative (" + number_text(*out.raw_alpha) +
                           "): the items correlate negatively on average; check reverse keys or whether they measure "
                           "one construct (alpha is reported, not clipped)");
  }
  if (n < kSmallSample || n < kRespondentsPerItem * static_cast<std::size_t>(k)) {
    out.warnings.push_back("n = " + std::to_string(n) + " is small for " + std::to_string(k) +
                           " items (fewer than 30 respondents or fewer than 10 per item): confidence intervals are "
                           "wide and the statistics unstable");
  }
  if (n <= static_cast<std::size_t>(k)) {
    out.warnings.push_back("alpha_if_dropped.alpha_se is null because n <= k (as psych)");
  }
  if (suite.smc.clipped_high || suite.smc.clipped_low || suite.smc_clipped_in_drops) {
    out.warnings.push_back(
        "the item correlation matrix is singular or not positive definite (few respondents or pairwise deletion): "
        "squared multiple correlations were clipped to [0, 1] as psych does, which affects g6_smc and r_cor");
  }
  if (!omega.flipped.empty()) {
    std::vector<std::string> ids;
    ids.reserve(omega.flipped.size());
    for (const Eigen::Index i : omega.flipped) ids.push_back(kept_ids[static_cast<std::size_t>(i)]);
    out.warnings.push_back("omega_total: item(s) " + quoted_list(ids) +
                           " load negatively on the common factor and were reversed before computing omega, as psych "
                           "does; without reversing, omega_total would be " +
                           number_text(omega.omega_total_unflipped));
  }
  if (omega.heywood) {
    out.warnings.push_back(
        "omega_total: the one-factor fit is a Heywood case (a communality reaches 1); uniquenesses are bounded "
        "below at 0.005 as psych does, but psych's optimiser stops short of that solution, so its omega_total "
        "can differ in the third decimal");
  }
  if (!omega.fit.converged && std::isfinite(omega.omega_total)) {
    out.warnings.push_back("omega_total: the one-factor minres fit did not converge tightly");
  }
  return out;
}

}  // namespace

std::string_view to_string(MissingData missing) { return missing == MissingData::listwise ? "listwise" : "pairwise"; }

Result<ReliabilityReport> reliability(const Instrument& instrument, const ResponseMatrix& responses,
                                      const ReliabilityOptions& options) {
  ReliabilityReport report;
  report.missing = options.missing;
  report.ci_level = options.ci_level;
  std::vector<Problem> problems;

  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    problems.push_back(problem_at("/ci_level", "out_of_range",
                                  "ci_level must lie strictly between 0 and 1; got " + number_text(options.ci_level)));
  }
  if (options.bootstrap &&
      (options.bootstrap->iterations < 1 || options.bootstrap->iterations > kMaxBootstrapIterations)) {
    problems.push_back(problem_at(
        "/bootstrap/iterations", "out_of_range",
        "bootstrap iterations must be between 1 and 1000000; got " + std::to_string(options.bootstrap->iterations)));
  }

  std::vector<std::size_t> selected;
  if (options.subscales.empty()) {
    for (std::size_t s = 0; s < instrument.subscales.size(); ++s) {
      if (instrument.subscales[s].items.size() >= 2) {
        selected.push_back(s);
      } else {
        report.warnings.push_back("subscale \"" + instrument.subscales[s].id +
                                  "\" has a single item and has no reliability to report");
      }
    }
  } else {
    std::vector<std::string> known;
    known.reserve(instrument.subscales.size());
    for (const auto& subscale : instrument.subscales) known.push_back(subscale.id);
    for (std::size_t i = 0; i < options.subscales.size(); ++i) {
      const std::string& id = options.subscales[i];
      const std::string pointer = "/subscales/" + std::to_string(i);
      const auto index = instrument.subscale_index(id);
      if (!index) {
        problems.push_back(problem_at(
            pointer, "unknown_subscale",
            "instrument \"" + instrument.id + "\" has no subscale \"" + id + "\" (it has " + quoted_list(known) + ")"));
      } else if (std::ranges::find(selected, *index) != selected.end()) {
        problems.push_back(problem_at(pointer, "duplicate_subscale", "subscale \"" + id + "\" is listed twice"));
      } else if (instrument.subscales[*index].items.size() < 2) {
        problems.push_back(problem_at(pointer, "too_few_items",
                                      "subscale \"" + id + "\" has a single item; reliability needs at least 2"));
      } else {
        selected.push_back(*index);
      }
    }
  }
  if (!problems.empty()) return std::unexpected(detail::invalid(std::move(problems), "invalid reliability options"));

  std::vector<std::size_t> usable_rows(responses.respondent_count());
  std::size_t usable = 0;
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    if (responses.usable(r)) usable_rows[usable++] = r;
  }
  usable_rows.resize(usable);
  report.warnings.insert(report.warnings.begin(), responses.warnings.begin(), responses.warnings.end());
  const std::size_t excluded = responses.respondent_count() - usable_rows.size();
  if (excluded > 0) {
    report.warnings.push_back(std::to_string(excluded) +
                              " respondent(s) with invalid answers were left out (`psyscore score` lists the errors)");
  }

  // One pass over the wave for every subscale's items.
  std::vector<detail::ItemBlock> blocks;
  blocks.reserve(selected.size());
  for (const std::size_t s : selected) blocks.push_back({.items = instrument.subscales[s].items, .required = {}});
  std::vector<detail::ItemBlockSums> first_pass =
      detail::sum_item_blocks(instrument, responses, usable_rows, blocks, options.threads);

  std::vector<PreparedSubscale> prepared;
  for (std::size_t i = 0; i < selected.size(); ++i) {
    Preparation outcome = prepare_subscale(instrument, instrument.subscales[selected[i]], responses, usable_rows,
                                           std::move(first_pass[i]), options);
    if (outcome.prepared) prepared.push_back(std::move(*outcome.prepared));
    problems.insert(problems.end(), outcome.problems.begin(), outcome.problems.end());
  }
  if (!problems.empty()) {
    std::string several = std::to_string(problems.size()) + " subscales cannot be analysed";
    return std::unexpected(detail::invalid(std::move(problems), std::move(several)));
  }

  if (options.deadline.passed()) return std::unexpected(detail::deadline_exceeded(options.deadline));
  std::vector<detail::BootstrapResult> boots;
  if (options.bootstrap) {
    boots = bootstrap_subscales(instrument, responses, usable_rows, prepared, *options.bootstrap, options);
    if (std::ranges::any_of(boots, &detail::BootstrapResult::stopped)) {
      return std::unexpected(detail::deadline_exceeded(options.deadline));
    }
  }
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    // A subscale of many items costs about k^3.7 (every item dropped in
    // turn), so the deadline is looked at between subscales too.
    if (options.deadline.passed()) return std::unexpected(detail::deadline_exceeded(options.deadline));
    report.subscales.push_back(
        analyse_subscale(instrument, std::move(prepared[i]), boots.empty() ? nullptr : &boots[i], options));
  }
  report.items = options.items;
  if (options.items) {
    // Every item on its raw answers over every usable respondent, whatever
    // `missing` says: a description of the answers, not an input to alpha.
    for (std::size_t i = 0; i < selected.size(); ++i) {
      for (const std::size_t item : instrument.subscales[selected[i]].items) {
        report.subscales[i].item_answers.push_back(
            detail::describe_item(instrument.items[item], detail::item_column(responses, item, usable_rows)));
      }
    }
  }
  return report;
}

}  // namespace psyscore
