#include "limits.hpp"

#include <cstdint>
#include <limits>
#include <utility>

#include <boost/json.hpp>

#include "scoring/util/json_input.hpp"

namespace psyscore::service {

namespace {

namespace json = boost::json;

Error over_limit(std::string pointer, std::string code, std::string message) {
  return Error::single(ErrorCode::invalid,
                       {.pointer = std::move(pointer), .code = std::move(code), .message = std::move(message)});
}

// a x b, or the largest value when that overflows: over any limit still.
std::uint64_t times(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? std::numeric_limits<std::uint64_t>::max() : product;
}

}  // namespace

std::optional<Error> check_definition_size(const ServiceLimits& limits, const json::value& definition,
                                           std::string_view pointer) {
  const json::object* object = definition.if_object();
  if (!object) return std::nullopt;
  const json::value* items = object->if_contains("items");
  if (items && items->is_array() && items->get_array().size() > limits.max_items) {
    return over_limit(detail::pointer_append(pointer, "items"), "too_many_items",
                      "the inline definition has " + std::to_string(items->get_array().size()) + " items; at most " +
                          std::to_string(limits.max_items) +
                          " per inline definition (--max-items): put larger instruments in the registry");
  }
  const json::value* subscales = object->if_contains("subscales");
  if (subscales && subscales->is_array() && subscales->get_array().size() > limits.max_subscales) {
    return over_limit(detail::pointer_append(pointer, "subscales"), "too_many_subscales",
                      "the inline definition has " + std::to_string(subscales->get_array().size()) +
                          " subscales; at most " + std::to_string(limits.max_subscales) +
                          " per inline definition (--max-subscales): put larger instruments in the registry");
  }
  return std::nullopt;
}

std::optional<Error> check_respondents(const ServiceLimits& limits, std::size_t respondents, std::string pointer,
                                       std::string_view what) {
  if (respondents <= limits.max_respondents) return std::nullopt;
  return over_limit(std::move(pointer), "too_many_respondents",
                    "the request has " + std::to_string(respondents) + " " + std::string(what) + "; at most " +
                        std::to_string(limits.max_respondents) + " per request (--max-respondents): split the batch");
}

std::optional<Error> check_bootstrap_size(const ServiceLimits& limits, const Instrument& instrument,
                                          const ReliabilityOptions& options, std::size_t respondents,
                                          std::string pointer) {
  if (!options.bootstrap) return std::nullopt;
  std::uint64_t items = 0;
  if (options.subscales.empty()) {
    for (const Subscale& subscale : instrument.subscales) {
      if (subscale.items.size() >= 2) items += subscale.items.size();
    }
  } else {
    // Unknown ids are the engine's to report.
    for (const std::string& id : options.subscales) {
      if (const auto index = instrument.subscale_index(id)) items += instrument.subscales[*index].items.size();
    }
  }
  const std::uint64_t iterations = options.bootstrap->iterations;
  const std::uint64_t answers = times(times(iterations, respondents), items);
  if (answers <= limits.max_bootstrap_answers) return std::nullopt;
  return over_limit(std::move(pointer), "too_many_bootstrap_answers",
                    "the bootstrap would resample " + std::to_string(answers) + " answers (" +
                        std::to_string(iterations) + " iterations x " + std::to_string(respondents) +
                        " respondents x " + std::to_string(items) + " items of the subscales analysed); at most " +
                        std::to_string(limits.max_bootstrap_answers) +
                        " per request (--max-bootstrap-answers): ask for fewer iterations or subscales");
}

std::optional<Error> check_waves(const ServiceLimits& limits, std::size_t waves, std::string pointer) {
  if (waves <= limits.max_waves) return std::nullopt;
  return over_limit(std::move(pointer), "too_many_waves",
                    "the request has " + std::to_string(waves) + " waves; at most " + std::to_string(limits.max_waves) +
                        " per request (--max-waves)");
}

}  // namespace psyscore::service
