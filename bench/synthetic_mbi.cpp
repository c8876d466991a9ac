#include "synthetic_mbi.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <numeric>
#include <random>

#include "psyscore/errors.hpp"

namespace psyscore_bench {
namespace {

[[noreturn]] void fail(std::string_view message) {
  std::cerr << "synthetic MBI-HSS data: " << message << '\n';
  std::exit(EXIT_FAILURE);
}

// EE, DP and PA, in that order.
constexpr std::size_t trait_count = 3;
using Traits = std::array<double, trait_count>;

// The answers to one item: round(location + 1.5 (loading * trait + noise)),
// with the noise scaled so that the latent answer has unit variance.
struct ItemModel {
  std::size_t trait = 0;
  double loading = 0;
  double location = 0;
};

std::vector<ItemModel> item_models(const psyscore::Instrument& instrument) {
  static constexpr std::array<std::string_view, trait_count> subscale_ids{"EE", "DP", "PA"};
  // EE items load highest; DP answers are skewed towards "never", PA towards "often".
  static constexpr Traits loadings{0.8, 0.65, 0.6};
  static constexpr Traits locations{2.5, 1.3, 4.6};
  std::vector<ItemModel> models(instrument.items.size());
  for (std::size_t trait = 0; trait < trait_count; ++trait) {
    const auto subscale = instrument.subscale_index(subscale_ids[trait]);
    if (!subscale) fail("the instrument has no subscale " + std::string(subscale_ids[trait]));
    for (const std::size_t item : instrument.subscales[*subscale].items) models[item].trait = trait;
  }
  // Loadings and thresholds belong to the items, not to a sample: the same
  // for every wave and size.
  std::mt19937_64 engine(20240301);
  std::uniform_real_distribution<double> jitter(-1.0, 1.0);
  for (ItemModel& model : models) {
    model.loading = loadings[model.trait] + 0.1 * jitter(engine);
    model.location = locations[model.trait] + 0.5 * jitter(engine);
  }
  return models;
}

class Generator {
 public:
  Generator(const psyscore::Instrument& instrument, std::uint64_t seed)
      : models_(item_models(instrument)), engine_(seed) {}

  // Standard normal traits with the correlations of burnout data, through
  // the Cholesky factor of [[1, .5, -.3], [.5, 1, -.3], [-.3, -.3, 1]].
  Traits draw_traits() {
    static const double l22 = std::sqrt(1 - 0.5 * 0.5);
    static const double l32 = (-0.3 - (-0.3 * 0.5)) / l22;
    static const double l33 = std::sqrt(1 - 0.3 * 0.3 - l32 * l32);
    const double z1 = normal(), z2 = normal(), z3 = normal();
    return {z1, 0.5 * z1 + l22 * z2, -0.3 * z1 + l32 * z2 + l33 * z3};
  }

  // Appends one respondent's answers to `survey`.
  void answer(const Traits& traits, double missing_share, std::string id, Survey& survey) {
    survey.ids.push_back(std::move(id));
    for (const ItemModel& model : models_) {
      if (uniform() < missing_share) {
        survey.answers.push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      const double latent =
          model.loading * traits[model.trait] + std::sqrt(1 - model.loading * model.loading) * normal();
      // max(0, x) rather than clamp: a rounded -0.4 must become 0, not -0.
      survey.answers.push_back(std::min(6.0, std::max(0.0, std::round(model.location + 1.5 * latent))));
    }
  }

  double normal() { return normal_(engine_); }
  double uniform() { return uniform_(engine_); }
  std::size_t item_count() const { return models_.size(); }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::vector<ItemModel> models_;
  std::mt19937_64 engine_;
  std::normal_distribution<double> normal_;
  std::uniform_real_distribution<double> uniform_;
};

Survey empty_survey(std::size_t item_count, std::size_t respondents) {
  Survey survey;
  survey.item_count = item_count;
  survey.ids.reserve(respondents);
  survey.answers.reserve(respondents * item_count);
  return survey;
}

std::string respondent_id(std::size_t index) { return "p" + std::to_string(index + 1); }

void append_number(std::string& out, double value) {
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{}) fail("cannot format an answer");
  out.append(buffer.data(), end);
}

}  // namespace

const psyscore::Instrument& mbi_hss() {
  static const psyscore::InstrumentPtr instrument = [] {
    auto loaded = psyscore::load_instrument_file(PSYSCORE_BENCH_INSTRUMENT);
    if (!loaded) fail(PSYSCORE_BENCH_INSTRUMENT ": " + loaded.error().message);
    return *loaded;
  }();
  return *instrument;
}

Survey survey(std::size_t respondents, std::uint64_t seed, double missing_share) {
  Generator generator(mbi_hss(), seed);
  Survey wave = empty_survey(generator.item_count(), respondents);
  for (std::size_t r = 0; r < respondents; ++r) {
    generator.answer(generator.draw_traits(), missing_share, respondent_id(r), wave);
  }
  return wave;
}

std::pair<Survey, Survey> pre_post(std::size_t respondents, std::uint64_t seed) {
  constexpr double retest = 0.7;
  constexpr Traits improvement{-0.3, -0.2, 0.2};
  constexpr double dropout = 0.05;
  constexpr double missing_share = 0.02;
  Generator generator(mbi_hss(), seed);
  Survey pre = empty_survey(generator.item_count(), respondents);
  Survey post = empty_survey(generator.item_count(), respondents);
  for (std::size_t r = 0; r < respondents; ++r) {
    const Traits before = generator.draw_traits();
    generator.answer(before, missing_share, respondent_id(r), pre);
    if (generator.uniform() < dropout) continue;
    const Traits change = generator.draw_traits();
    Traits after{};
    for (std::size_t t = 0; t < trait_count; ++t) {
      after[t] = retest * before[t] + std::sqrt(1 - retest * retest) * change[t] + improvement[t];
    }
    generator.answer(after, missing_share, respondent_id(r), post);
  }

  // The second wave comes back in its own order, so pairing has to go by id.
  std::vector<std::size_t> order(post.respondent_count());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), generator.engine());
  Survey shuffled = empty_survey(post.item_count, order.size());
  for (const std::size_t r : order) {
    shuffled.ids.push_back(std::move(post.ids[r]));
    const auto row = post.answers.begin() + static_cast<std::ptrdiff_t>(r * post.item_count);
    shuffled.answers.insert(shuffled.answers.end(), row, row + static_cast<std::ptrdiff_t>(post.item_count));
  }
  return {std::move(pre), std::move(shuffled)};
}

Survey grouped_survey(std::size_t respondents, std::uint64_t seed) {
  struct Group {
    std::string_view label;
    Traits shift;
  };
  // Assigned by respondent index modulo 10 (3:5:2), so that small samples
  // have every group.
  static constexpr std::array<Group, 10> groups{{{"1", {0, 0, 0}},
                                                 {"1", {0, 0, 0}},
                                                 {"1", {0, 0, 0}},
                                                 {"2-5", {-0.2, -0.1, 0.1}},
                                                 {"2-5", {-0.2, -0.1, 0.1}},
                                                 {"2-5", {-0.2, -0.1, 0.1}},
                                                 {"2-5", {-0.2, -0.1, 0.1}},
                                                 {"2-5", {-0.2, -0.1, 0.1}},
                                                 {"6+", {-0.4, -0.2, 0.2}},
                                                 {"6+", {-0.4, -0.2, 0.2}}}};
  Generator generator(mbi_hss(), seed);
  Survey wave = empty_survey(generator.item_count(), respondents);
  wave.groups.reserve(respondents);
  for (std::size_t r = 0; r < respondents; ++r) {
    const Group& group = groups[r % groups.size()];
    Traits traits = generator.draw_traits();
    for (std::size_t t = 0; t < trait_count; ++t) traits[t] += group.shift[t];
    generator.answer(traits, 0.02, respondent_id(r), wave);
    wave.groups.emplace_back(group.label);
  }
  return wave;
}

std::string to_csv(const psyscore::Instrument& instrument, const Survey& survey) {
  const bool grouped = !survey.groups.empty();
  std::string out = "id";
  if (grouped) out += "," + std::string(group_column);
  for (const psyscore::Item& item : instrument.items) out += "," + item.id;
  out += '\n';
  out.reserve(out.size() + survey.respondent_count() * (12 + 2 * survey.item_count));
  for (std::size_t r = 0; r < survey.respondent_count(); ++r) {
    out += survey.ids[r];
    if (grouped) out += "," + survey.groups[r];
    for (std::size_t i = 0; i < survey.item_count; ++i) {
      out += ',';
      const double answer = survey.answers[r * survey.item_count + i];
      if (!psyscore::is_missing(answer)) append_number(out, answer);
    }
    out += '\n';
  }
  return out;
}

std::string to_json(const psyscore::Instrument& instrument, const Survey& survey) {
  // Ids and item ids are plain ASCII here, so nothing needs escaping.
  std::string out = "{\"responses\":[";
  out.reserve(survey.respondent_count() * (32 + 8 * survey.item_count));
  for (std::size_t r = 0; r < survey.respondent_count(); ++r) {
    if (r > 0) out += ',';
    out += "{\"id\":\"" + survey.ids[r] + "\",\"answers\":{";
    for (std::size_t i = 0; i < survey.item_count; ++i) {
      if (i > 0) out += ',';
      out += "\"" + instrument.items[i].id + "\":";
      const double answer = survey.answers[r * survey.item_count + i];
      if (psyscore::is_missing(answer)) {
        out += "null";
      } else {
        append_number(out, answer);
      }
    }
    out += "}}";
  }
  out += "]}";
  return out;
}

psyscore::ResponseMatrix decode(const psyscore::Instrument& instrument, const Survey& survey) {
  psyscore::CsvOptions options;
  if (!survey.groups.empty()) options.group_column = group_column;
  auto wave = psyscore::decode_csv_responses(instrument, to_csv(instrument, survey), options);
  if (!wave) {
    std::string problems = wave.error().message;
    for (const psyscore::Problem& problem : wave.error().problems) problems += "\n  " + psyscore::describe(problem);
    fail(problems);
  }
  return std::move(*wave);
}

}  // namespace psyscore_bench
