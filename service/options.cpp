#include "options.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include <boost/json.hpp>

#include "scoring/util/json_input.hpp"

namespace psyscore::service {

namespace json = boost::json;
using detail::pointer_append;

namespace {

Error malformed(std::string pointer, std::string message) {
  return Error::single(ErrorCode::malformed,
                       {.pointer = std::move(pointer), .code = "wrong_type", .message = std::move(message)});
}

Error impossible(std::string pointer, std::string message) {
  return Error::single(ErrorCode::invalid,
                       {.pointer = std::move(pointer), .code = "out_of_range", .message = std::move(message)});
}

// The options of a body: its "options" member (all optional).
struct OptionSource {
  const json::object* object = nullptr;
  std::string pointer = "/options";
};

Result<OptionSource> locate_options(const json::object& body) {
  static const json::object kNone;
  OptionSource source{&kNone};
  if (const json::value* nested = body.if_contains("options"); nested && !nested->is_null()) {
    if (!nested->is_object()) return std::unexpected(malformed("/options", "\"options\" must be an object"));
    source.object = &nested->get_object();
  }
  return source;
}

std::optional<Error> unknown_keys(const OptionSource& source, std::initializer_list<std::string_view> allowed) {
  for (const auto& entry : *source.object) {
    const std::string_view key = entry.key();
    if (std::ranges::find(allowed, key) != allowed.end()) continue;
    std::string expected;
    for (std::string_view a : allowed) expected += (expected.empty() ? "\"" : ", \"") + std::string(a) + "\"";
    return Error::single(ErrorCode::malformed,
                         {.pointer = pointer_append(source.pointer, key),
                          .code = "unknown_key",
                          .message = "unknown option \"" + std::string(key) + "\"; the options are " + expected});
  }
  return std::nullopt;
}

Result<double> ci_level_of(const json::value& value, const std::string& pointer) {
  double level = 0;
  if (!detail::get_number(value, level)) return std::unexpected(malformed(pointer, "\"ci_level\" must be a number"));
  if (!(level > 0 && level < 1)) {
    return std::unexpected(impossible(pointer, "\"ci_level\" must lie strictly between 0 and 1, e.g. 0.95"));
  }
  return level;
}

Result<std::vector<std::string>> subscales_of(const json::value& value, const std::string& pointer) {
  const json::array* list = value.if_array();
  if (!list) return std::unexpected(malformed(pointer, "\"subscales\" must be an array of subscale ids"));
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_string()) {
      return std::unexpected(malformed(pointer_append(pointer, i), "a subscale id must be a string"));
    }
    ids.emplace_back((*list)[i].get_string());
  }
  return ids;
}

// A whole number in [min, max] from JSON.
Result<std::uint64_t> whole_number(const json::value& value, const std::string& pointer, std::string_view name,
                                   std::uint64_t min, std::uint64_t max) {
  double x = 0;
  if (!detail::get_number(value, x) || x != std::floor(x)) {
    return std::unexpected(malformed(pointer, "\"" + std::string(name) + "\" must be a whole number"));
  }
  if (x < static_cast<double>(min) || x > static_cast<double>(max)) {
    return std::unexpected(impossible(pointer, "\"" + std::string(name) + "\" must be between " + std::to_string(min) +
                                                   " and " + std::to_string(max)));
  }
  return static_cast<std::uint64_t>(x);
}

// The same from a query parameter.
Result<double> query_number(std::string_view text, std::string_view name) {
  double x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(x)) {
    return std::unexpected(Error::single(
        ErrorCode::malformed,
        {.code = "wrong_type", .message = "query parameter \"" + std::string(name) + "\" must be a number"}));
  }
  return x;
}

Result<std::uint64_t> query_whole(std::string_view text, std::string_view name, std::uint64_t min, std::uint64_t max) {
  auto x = query_number(text, name);
  if (!x) return std::unexpected(std::move(x.error()));
  return whole_number(json::value(*x), "", name, min, max);
}

Result<double> query_ci_level(std::string_view text) {
  auto x = query_number(text, "ci_level");
  if (!x) return std::unexpected(std::move(x.error()));
  return ci_level_of(json::value(*x), "");
}

Result<bool> items_of(const json::value& value, const std::string& pointer) {
  if (!value.is_bool()) return std::unexpected(malformed(pointer, "\"items\" must be true or false"));
  return value.get_bool();
}

Result<bool> query_items(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::unexpected(Error::single(
      ErrorCode::malformed, {"", "", 0, 0, "wrong_type", "query parameter \"items\" must be true or false"}));
}

std::optional<Error> check_bootstrap(const BootstrapOptions& bootstrap, const ServiceLimits& limits,
                                     const std::string& pointer) {
  if (bootstrap.iterations > limits.max_bootstrap_iterations) {
    return impossible(pointer, "the request asks for " + std::to_string(bootstrap.iterations) +
                                   " bootstrap iterations; at most " + std::to_string(limits.max_bootstrap_iterations) +
                                   " per request (--max-bootstrap-iterations)");
  }
  return std::nullopt;
}

// "sample", "published" or {"<subscale id>": value in (0, 1), ...}, at `pointer`.
Result<RciReliability> reliability_of(const json::value& value, const std::string& pointer, std::string_view name) {
  if (value.is_string()) {
    if (value.get_string() == "sample") return RciFromSample{};
    if (value.get_string() == "published") return RciFromPublished{};
    return std::unexpected(impossible(pointer, "\"" + std::string(name) +
                                                   "\" must be \"sample\", \"published\" or an object of subscale "
                                                   "id to value"));
  }
  if (const json::object* values = value.if_object()) {
    RciFromCaller caller;
    for (const auto& entry : *values) {
      const std::string at = pointer_append(pointer, entry.key());
      double r = 0;
      if (!detail::get_number(entry.value(), r))
        return std::unexpected(malformed(at, "a reliability must be a number"));
      if (!(r > 0 && r < 1)) return std::unexpected(impossible(at, "a reliability must lie strictly between 0 and 1"));
      caller.emplace(std::string(entry.key()), r);
    }
    return caller;
  }
  return std::unexpected(malformed(pointer, "\"" + std::string(name) + "\" must be a string or an object"));
}

// rci_reliability, rci_criterion, rci_method and reliability_post: the
// reliable-change options that change and controlled share.
std::optional<Error> rci_options(const json::object& object, const std::string& base, RciReliability& reliability,
                                 std::optional<double>& criterion, RciMethod& method,
                                 std::optional<RciReliability>& reliability_post) {
  if (const json::value* value = object.if_contains("rci_criterion")) {
    const std::string pointer = pointer_append(base, "rci_criterion");
    double x = 0;
    if (!detail::get_number(*value, x)) return malformed(pointer, "\"rci_criterion\" must be a number");
    if (!(x > 0)) return impossible(pointer, "\"rci_criterion\" must be positive, e.g. 1.96");
    criterion = x;
  }
  if (const json::value* value = object.if_contains("rci_reliability")) {
    auto parsed = reliability_of(*value, pointer_append(base, "rci_reliability"), "rci_reliability");
    if (!parsed) return std::move(parsed.error());
    reliability = std::move(*parsed);
  }
  if (const json::value* value = object.if_contains("rci_method")) {
    const std::string pointer = pointer_append(base, "rci_method");
    if (!value->is_string()) return malformed(pointer, "\"rci_method\" must be a string");
    const std::string_view name = value->get_string();
    const auto known = rci_method_from(name);
    if (known) method = *known;
    if (!known) {
      return impossible(pointer,
                        "\"rci_method\" must be one of \"jt\", \"gln\", \"hll\", \"en\", \"nk\", "
                        "\"ha\" (\"hlm\" is an option of waves)");
    }
  }
  if (const json::value* value = object.if_contains("reliability_post"); value && !value->is_null()) {
    auto parsed = reliability_of(*value, pointer_append(base, "reliability_post"), "reliability_post");
    if (!parsed) return std::move(parsed.error());
    reliability_post = std::move(*parsed);
  }
  if (method == RciMethod::nk && !reliability_post) {
    return Error::single(ErrorCode::invalid,
                         {.pointer = pointer_append(base, "reliability_post"),
                          .code = "missing_reliability_post",
                          .message = "rci_method \"nk\" needs the post wave's reliability: give reliability_post "
                                     "(\"sample\", \"published\" or a value per subscale, e.g. {\"EE\": 0.85})"});
  }
  return std::nullopt;
}

}  // namespace

Result<ReliabilityOptions> reliability_options(const json::object& body, const ServiceLimits& limits) {
  auto source = locate_options(body);
  if (!source) return std::unexpected(std::move(source.error()));
  if (auto error = unknown_keys(*source, {"subscales", "missing", "ci_level", "bootstrap", "items"})) {
    return std::unexpected(std::move(*error));
  }
  ReliabilityOptions options;
  const json::object& object = *source->object;
  if (const json::value* value = object.if_contains("subscales")) {
    auto ids = subscales_of(*value, pointer_append(source->pointer, "subscales"));
    if (!ids) return std::unexpected(std::move(ids.error()));
    options.subscales = std::move(*ids);
  }
  if (const json::value* value = object.if_contains("missing")) {
    const std::string pointer = pointer_append(source->pointer, "missing");
    if (!value->is_string()) return std::unexpected(malformed(pointer, "\"missing\" must be a string"));
    if (value->get_string() == "pairwise") {
      options.missing = MissingData::pairwise;
    } else if (value->get_string() == "listwise") {
      options.missing = MissingData::listwise;
    } else {
      return std::unexpected(impossible(pointer, "\"missing\" must be \"pairwise\" or \"listwise\""));
    }
  }
  if (const json::value* value = object.if_contains("ci_level")) {
    auto level = ci_level_of(*value, pointer_append(source->pointer, "ci_level"));
    if (!level) return std::unexpected(std::move(level.error()));
    options.ci_level = *level;
  }
  if (const json::value* value = object.if_contains("items")) {
    auto items = items_of(*value, pointer_append(source->pointer, "items"));
    if (!items) return std::unexpected(std::move(items.error()));
    options.items = *items;
  }
  if (const json::value* value = object.if_contains("bootstrap"); value && !value->is_null()) {
    const std::string pointer = pointer_append(source->pointer, "bootstrap");
    const json::object* bootstrap = value->if_object();
    if (!bootstrap) {
      return std::unexpected(malformed(pointer, "\"bootstrap\" must be an object {\"iterations\", \"seed\"} or null"));
    }
    BootstrapOptions parsed;
    for (const auto& entry : *bootstrap) {
      const std::string at = pointer_append(pointer, entry.key());
      if (entry.key() == "iterations") {
        auto n = whole_number(entry.value(), at, "iterations", 1, 1'000'000'000);
        if (!n) return std::unexpected(std::move(n.error()));
        parsed.iterations = static_cast<std::size_t>(*n);
      } else if (entry.key() == "seed") {
        auto seed = whole_number(entry.value(), at, "seed", 0, 9'007'199'254'740'991);  // 2^53 - 1
        if (!seed) return std::unexpected(std::move(seed.error()));
        parsed.seed = *seed;
      } else {
        return std::unexpected(
            Error::single(ErrorCode::malformed, {.pointer = at,
                                                 .code = "unknown_key",
                                                 .message = "unknown key \"" + std::string(entry.key()) +
                                                            "\"; bootstrap takes \"iterations\" "
                                                            "and \"seed\""}));
      }
    }
    if (auto error = check_bootstrap(parsed, limits, pointer_append(pointer, "iterations"))) {
      return std::unexpected(std::move(*error));
    }
    options.bootstrap = parsed;
  }
  return options;
}

Result<ReliabilityOptions> reliability_options(const RequestContext& context, const ServiceLimits& limits) {
  ReliabilityOptions options;
  std::optional<BootstrapOptions> bootstrap;
  std::optional<std::uint64_t> seed;
  for (const auto& [name, value] : context.query) {
    if (name == "subscale") {
      options.subscales.push_back(value);
    } else if (name == "missing") {
      if (value != "pairwise" && value != "listwise") {
        return std::unexpected(impossible("", "query parameter \"missing\" must be pairwise or listwise"));
      }
      options.missing = value == "listwise" ? MissingData::listwise : MissingData::pairwise;
    } else if (name == "ci_level") {
      auto level = query_ci_level(value);
      if (!level) return std::unexpected(std::move(level.error()));
      options.ci_level = *level;
    } else if (name == "items") {
      auto items = query_items(value);
      if (!items) return std::unexpected(std::move(items.error()));
      options.items = *items;
    } else if (name == "bootstrap_iterations") {
      auto n = query_whole(value, name, 1, 1'000'000'000);
      if (!n) return std::unexpected(std::move(n.error()));
      bootstrap = BootstrapOptions{static_cast<std::size_t>(*n), 0};
    } else if (name == "seed") {
      auto s = query_whole(value, name, 0, 9'007'199'254'740'991);
      if (!s) return std::unexpected(std::move(s.error()));
      seed = *s;
    }
  }
  if (seed && !bootstrap) {
    return std::unexpected(impossible("", "query parameter \"seed\" needs \"bootstrap_iterations\""));
  }
  if (bootstrap) {
    if (seed) bootstrap->seed = *seed;
    if (auto error = check_bootstrap(*bootstrap, limits, "")) return std::unexpected(std::move(*error));
    options.bootstrap = bootstrap;
  }
  return options;
}

Result<ChangeOptions> change_options(const json::object& body) {
  const std::initializer_list<std::string_view> kKeys = {
      "ci_level",         "rci_reliability", "rci_criterion",        "rci_method",
      "reliability_post", "subscales",       "clinical_significance"};
  auto source = locate_options(body);
  if (!source) return std::unexpected(std::move(source.error()));
  if (auto error = unknown_keys(*source, kKeys)) return std::unexpected(std::move(*error));
  ChangeOptions options;
  const json::object& object = *source->object;
  const std::string& base = source->pointer;
  if (const json::value* value = object.if_contains("ci_level")) {
    auto level = ci_level_of(*value, pointer_append(base, "ci_level"));
    if (!level) return std::unexpected(std::move(level.error()));
    options.ci_level = *level;
  }
  if (const json::value* value = object.if_contains("subscales")) {
    auto ids = subscales_of(*value, pointer_append(base, "subscales"));
    if (!ids) return std::unexpected(std::move(ids.error()));
    options.subscales = std::move(*ids);
  }
  if (auto error = rci_options(object, base, options.rci_reliability, options.rci_criterion, options.rci_method,
                               options.reliability_post)) {
    return std::unexpected(std::move(*error));
  }
  if (const json::value* value = object.if_contains("clinical_significance"); value && !value->is_null()) {
    const std::string pointer = pointer_append(base, "clinical_significance");
    const json::object* clinical = value->if_object();
    if (!clinical) return std::unexpected(malformed(pointer, "\"clinical_significance\" must be an object or null"));
    ClinicalSignificanceOptions parsed;
    for (const auto& entry : *clinical) {
      const std::string at = pointer_append(pointer, entry.key());
      const json::value& v = entry.value();
      if (entry.key() == "criterion") {
        if (!v.is_string()) return std::unexpected(malformed(at, "\"criterion\" must be \"a\", \"b\" or \"c\""));
        const std::string_view c = v.get_string();
        if (c == "a") {
          parsed.criterion = CutoffCriterion::a;
        } else if (c == "b") {
          parsed.criterion = CutoffCriterion::b;
        } else if (c == "c") {
          parsed.criterion = CutoffCriterion::c;
        } else {
          return std::unexpected(impossible(at, "\"criterion\" must be \"a\", \"b\" or \"c\""));
        }
      } else if (entry.key() == "sd_multiplier") {
        double x = 0;
        if (!detail::get_number(v, x)) return std::unexpected(malformed(at, "\"sd_multiplier\" must be a number"));
        if (!(x > 0)) return std::unexpected(impossible(at, "\"sd_multiplier\" must be positive, e.g. 2 or 1.96"));
        parsed.sd_multiplier = x;
      } else if (entry.key() == "functional_sd") {
        if (!v.is_string() || (v.get_string() != "norms" && v.get_string() != "sample")) {
          return std::unexpected(impossible(at, "\"functional_sd\" must be \"norms\" or \"sample\""));
        }
        parsed.functional_sd = v.get_string() == "norms" ? FunctionalSd::norms : FunctionalSd::sample;
      } else {
        return std::unexpected(Error::single(
            ErrorCode::malformed, {.pointer = at,
                                   .code = "unknown_key",
                                   .message = "unknown key \"" + std::string(entry.key()) +
                                              "\"; clinical_significance takes \"criterion\", \"sd_multiplier\", "
                                              "\"functional_sd\""}));
      }
    }
    options.clinical_significance = parsed;
  }
  return options;
}

Result<ControlledOptions> controlled_options(const json::object& body) {
  auto source = locate_options(body);
  if (!source) return std::unexpected(std::move(source.error()));
  if (auto error = unknown_keys(*source, {"reference", "ci_level", "subscales", "rci_reliability", "rci_criterion",
                                          "rci_method", "reliability_post"})) {
    return std::unexpected(std::move(*error));
  }
  ControlledOptions options;
  const json::object& object = *source->object;
  const std::string& base = source->pointer;
  if (const json::value* value = object.if_contains("reference"); value && !value->is_null()) {
    const std::string pointer = pointer_append(base, "reference");
    if (!value->is_string()) return std::unexpected(malformed(pointer, "\"reference\" must be a group name"));
    options.reference = std::string(value->get_string());
  }
  if (const json::value* value = object.if_contains("ci_level")) {
    auto level = ci_level_of(*value, pointer_append(base, "ci_level"));
    if (!level) return std::unexpected(std::move(level.error()));
    options.ci_level = *level;
  }
  if (const json::value* value = object.if_contains("subscales")) {
    auto ids = subscales_of(*value, pointer_append(base, "subscales"));
    if (!ids) return std::unexpected(std::move(ids.error()));
    options.subscales = std::move(*ids);
  }
  if (auto error = rci_options(object, base, options.rci_reliability, options.rci_criterion, options.rci_method,
                               options.reliability_post)) {
    return std::unexpected(std::move(*error));
  }
  return options;
}

Result<CompareOptions> compare_options(const json::object& body) {
  auto source = locate_options(body);
  if (!source) return std::unexpected(std::move(source.error()));
  if (auto error = unknown_keys(*source, {"ci_level", "subscales", "items", "group_covariate"})) {
    return std::unexpected(std::move(*error));
  }
  CompareOptions options;
  if (const json::value* value = source->object->if_contains("ci_level")) {
    auto level = ci_level_of(*value, pointer_append(source->pointer, "ci_level"));
    if (!level) return std::unexpected(std::move(level.error()));
    options.ci_level = *level;
  }
  if (const json::value* value = source->object->if_contains("subscales")) {
    auto ids = subscales_of(*value, pointer_append(source->pointer, "subscales"));
    if (!ids) return std::unexpected(std::move(ids.error()));
    options.subscales = std::move(*ids);
  }
  if (const json::value* value = source->object->if_contains("items")) {
    auto items = items_of(*value, pointer_append(source->pointer, "items"));
    if (!items) return std::unexpected(std::move(items.error()));
    options.items = *items;
  }
  if (const json::value* value = source->object->if_contains("group_covariate"); value && !value->is_null()) {
    const std::string pointer = pointer_append(source->pointer, "group_covariate");
    if (!value->is_string() || value->get_string().empty()) {
      return std::unexpected(malformed(pointer, "\"group_covariate\" must be the name of a covariate"));
    }
    options.group_covariate = std::string(value->get_string());
  }
  return options;
}

Result<CompareOptions> compare_options(const RequestContext& context) {
  CompareOptions options;
  for (const auto& [name, value] : context.query) {
    if (name == "subscale") {
      options.subscales.push_back(value);
    } else if (name == "ci_level") {
      auto level = query_ci_level(value);
      if (!level) return std::unexpected(std::move(level.error()));
      options.ci_level = *level;
    } else if (name == "items") {
      auto items = query_items(value);
      if (!items) return std::unexpected(std::move(items.error()));
      options.items = *items;
    }
  }
  return options;
}

namespace {

Result<std::string> string_of(const json::value& value, const std::string& pointer, std::string_view what) {
  if (!value.is_string()) return std::unexpected(malformed(pointer, std::string(what) + " must be a string"));
  return std::string(value.get_string());
}

Result<ModelOutcome> outcome_of(const json::value& value, const std::string& pointer) {
  const json::object* object = value.if_object();
  const std::string usage =
      "\"outcome\" is {\"subscale\", \"at_least\"}, {\"subscale\", \"bands\"} or {\"covariate\", \"event\"}";
  if (!object) return std::unexpected(malformed(pointer, usage));
  for (const auto& entry : *object) {
    const std::string_view key = entry.key();
    if (key != "subscale" && key != "at_least" && key != "bands" && key != "covariate" && key != "event") {
      return std::unexpected(Error::single(ErrorCode::malformed, {"", pointer_append(pointer, key), 0, 0, "unknown_key",
                                                                  "unknown key in the outcome; " + usage}));
    }
  }
  ModelOutcome outcome;
  const bool subscale = object->contains("subscale");
  const bool at_least = object->contains("at_least");
  const bool bands = object->contains("bands");
  const bool covariate = object->contains("covariate");
  const bool event = object->contains("event");
  if (subscale && at_least && !bands && !covariate && !event) {
    auto id = string_of(object->at("subscale"), pointer_append(pointer, "subscale"), "\"subscale\"");
    if (!id) return std::unexpected(std::move(id.error()));
    double x = 0;
    if (!detail::get_number(object->at("at_least"), x)) {
      return std::unexpected(malformed(pointer_append(pointer, "at_least"), "\"at_least\" must be a number"));
    }
    outcome.kind = ModelOutcome::Kind::subscale_at_least;
    outcome.subscale = std::move(*id);
    outcome.at_least = x;
    return outcome;
  }
  if (subscale && bands && !at_least && !covariate && !event) {
    auto id = string_of(object->at("subscale"), pointer_append(pointer, "subscale"), "\"subscale\"");
    if (!id) return std::unexpected(std::move(id.error()));
    const std::string at = pointer_append(pointer, "bands");
    const json::array* list = object->at("bands").if_array();
    if (!list) return std::unexpected(malformed(at, "\"bands\" must be an array of band labels"));
    outcome.kind = ModelOutcome::Kind::subscale_bands;
    outcome.subscale = std::move(*id);
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto label = string_of((*list)[i], pointer_append(at, i), "a band label");
      if (!label) return std::unexpected(std::move(label.error()));
      outcome.bands.push_back(std::move(*label));
    }
    return outcome;
  }
  if (covariate && event && !subscale && !at_least && !bands) {
    auto name = string_of(object->at("covariate"), pointer_append(pointer, "covariate"), "\"covariate\"");
    if (!name) return std::unexpected(std::move(name.error()));
    auto level = string_of(object->at("event"), pointer_append(pointer, "event"), "\"event\"");
    if (!level) return std::unexpected(std::move(level.error()));
    outcome.kind = ModelOutcome::Kind::covariate;
    outcome.covariate = std::move(*name);
    outcome.event = std::move(*level);
    return outcome;
  }
  return std::unexpected(malformed(pointer, usage));
}

// "a,b" -> {"a", "b"}, appended.
void split_list(std::string_view text, std::vector<std::string>& out) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
}

void add_once(std::vector<std::string>& list, const std::string& name) {
  if (std::ranges::find(list, name) == list.end()) list.push_back(name);
}

}  // namespace

Result<ModelOptions> model_options(const json::object& body) {
  auto source = locate_options(body);
  if (!source) return std::unexpected(std::move(source.error()));
  if (auto error = unknown_keys(*source, {"outcome", "predictors", "reference", "ci_level", "profile"})) {
    return std::unexpected(std::move(*error));
  }
  ModelOptions options;
  const json::object& object = *source->object;
  const json::value* outcome = object.if_contains("outcome");
  if (!outcome) {
    return std::unexpected(Error::single(
        ErrorCode::malformed, {"", "/options/outcome", 0, 0, "missing_key",
                               "\"options\" needs an \"outcome\", e.g. {\"subscale\": \"total\", \"at_least\": 4}"}));
  }
  auto parsed = outcome_of(*outcome, "/options/outcome");
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  options.outcome = std::move(*parsed);
  const json::value* predictors = object.if_contains("predictors");
  if (!predictors) {
    return std::unexpected(Error::single(ErrorCode::malformed, {"", "/options/predictors", 0, 0, "missing_key",
                                                                "\"options\" needs \"predictors\": covariate names"}));
  }
  const json::array* list = predictors->if_array();
  if (!list) return std::unexpected(malformed("/options/predictors", "\"predictors\" must be an array of names"));
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto name = string_of((*list)[i], pointer_append("/options/predictors", i), "a predictor");
    if (!name) return std::unexpected(std::move(name.error()));
    options.predictors.push_back(std::move(*name));
  }
  if (const json::value* reference = object.if_contains("reference"); reference && !reference->is_null()) {
    const json::object* levels = reference->if_object();
    if (!levels) {
      return std::unexpected(malformed("/options/reference", "\"reference\" must be an object of covariate to level"));
    }
    for (const auto& entry : *levels) {
      auto level = string_of(entry.value(), pointer_append("/options/reference", entry.key()), "a reference level");
      if (!level) return std::unexpected(std::move(level.error()));
      options.reference.emplace_back(std::string(entry.key()), std::move(*level));
    }
  }
  if (const json::value* value = object.if_contains("ci_level")) {
    auto level = ci_level_of(*value, "/options/ci_level");
    if (!level) return std::unexpected(std::move(level.error()));
    options.ci_level = *level;
  }
  if (const json::value* value = object.if_contains("profile")) {
    if (!value->is_bool()) return std::unexpected(malformed("/options/profile", "\"profile\" must be true or false"));
    options.profile = value->get_bool();
  }
  return options;
}

Result<WaveReportOptions> wave_report_options(const json::object& body, const ServiceLimits& limits) {
  static constexpr std::array<std::string_view, 5> kReliabilityKeys = {"subscales", "missing", "ci_level", "bootstrap",
                                                                       "items"};
  static constexpr std::array<std::string_view, 4> kModelKeys = {"outcome", "predictors", "reference", "profile"};
  auto source = locate_options(body);
  if (!source) return std::unexpected(std::move(source.error()));
  if (auto error = unknown_keys(*source, {"subscales", "missing", "ci_level", "bootstrap", "items", "outcome",
                                          "predictors", "reference", "profile"})) {
    return std::unexpected(std::move(*error));
  }
  // Each analysis reads its own keys from a body of its own.
  json::object reliability_keys;
  json::object model_keys;
  for (const auto& entry : *source->object) {
    const std::string_view key = entry.key();
    if (std::ranges::find(kModelKeys, key) != kModelKeys.end()) model_keys[key] = entry.value();
    if (std::ranges::find(kReliabilityKeys, key) != kReliabilityKeys.end()) reliability_keys[key] = entry.value();
  }
  WaveReportOptions options;
  auto reliability = reliability_options(json::object{{"options", std::move(reliability_keys)}}, limits);
  if (!reliability) return std::unexpected(std::move(reliability.error()));
  options.reliability = std::move(*reliability);
  if (model_keys.empty()) return options;
  if (const json::value* level = source->object->if_contains("ci_level")) model_keys["ci_level"] = *level;
  auto model = model_options(json::object{{"options", std::move(model_keys)}});
  if (!model) return std::unexpected(std::move(model.error()));
  options.model = std::move(*model);
  return options;
}

Result<ModelOptions> model_options(const RequestContext& context, const Instrument& instrument,
                                   std::vector<std::string>& covariate_columns) {
  ModelOptions options;
  bool has_outcome = false;
  for (const auto& [name, value] : context.query) {
    if (name == "outcome") {
      auto outcome = parse_model_outcome(instrument, value);
      if (!outcome) return std::unexpected(std::move(outcome.error()));
      options.outcome = std::move(*outcome);
      has_outcome = true;
    } else if (name == "predictors") {
      split_list(value, options.predictors);
    } else if (name == "covariate_columns") {
      split_list(value, covariate_columns);
    } else if (name == "reference") {
      auto reference = parse_model_reference(value);
      if (!reference) return std::unexpected(std::move(reference.error()));
      options.reference.push_back(std::move(*reference));
    } else if (name == "ci_level") {
      auto level = query_ci_level(value);
      if (!level) return std::unexpected(std::move(level.error()));
      options.ci_level = *level;
    } else if (name == "profile") {
      if (value != "true" && value != "false") {
        return std::unexpected(Error::single(
            ErrorCode::malformed, {"", "", 0, 0, "wrong_type", "query parameter \"profile\" must be true or false"}));
      }
      options.profile = value == "true";
    }
  }
  if (!has_outcome) {
    return std::unexpected(Error::single(ErrorCode::malformed,
                                         {"", "", 0, 0, "missing_parameter",
                                          "a text/csv body needs the query parameter outcome, e.g. outcome=total>=4"}));
  }
  for (const std::string& predictor : options.predictors) add_once(covariate_columns, predictor);
  if (options.outcome.kind == ModelOutcome::Kind::covariate) add_once(covariate_columns, options.outcome.covariate);
  return options;
}

}  // namespace psyscore::service
