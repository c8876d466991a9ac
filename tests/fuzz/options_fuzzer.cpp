// Target `options`: the options decoders of the service (service/options.hpp).
// The bytes are read twice: as a JSON body, whose "options" go to the
// reliability, change, compare and controlled decoders, and as a query string
// ("name=value&..."), which goes to the decoders of text/csv requests.
//
// Decoded options must lie in their documented ranges; a rejection must be
// malformed (400) or invalid (422) and point into "/options" (a query
// parameter has no pointer).

#include <cmath>
#include <variant>

#include <boost/json/monotonic_resource.hpp>

#include "fuzz_support.hpp"
#include "options.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::fuzz {

namespace {

constexpr std::string_view kTarget = "options";

bool is_level(double x) { return x > 0 && x < 1; }

void check_rejection(const Error& error, bool from_body) {
  check_error(kTarget, error);
  PSYSCORE_FUZZ_CHECK(kTarget, error.code == ErrorCode::malformed || error.code == ErrorCode::invalid, error.message);
  for (const Problem& problem : error.problems) {
    if (from_body) {
      PSYSCORE_FUZZ_CHECK(kTarget, problem.pointer.starts_with("/options"), describe(problem));
    } else {
      PSYSCORE_FUZZ_CHECK(kTarget, problem.pointer.empty(), describe(problem));
    }
  }
}

void check_reliability(const Result<ReliabilityOptions>& options, const service::ServiceLimits& limits,
                       bool from_body) {
  if (!options) return check_rejection(options.error(), from_body);
  PSYSCORE_FUZZ_CHECK(kTarget, is_level(options->ci_level), std::to_string(options->ci_level));
  if (options->bootstrap) {
    PSYSCORE_FUZZ_CHECK(kTarget, options->bootstrap->iterations >= 1, "no bootstrap iterations");
    PSYSCORE_FUZZ_CHECK(kTarget, options->bootstrap->iterations <= limits.max_bootstrap_iterations,
                        std::to_string(options->bootstrap->iterations));
    PSYSCORE_FUZZ_CHECK(kTarget, options->bootstrap->seed <= 9'007'199'254'740'991u, "seed beyond 2^53 - 1");
  }
}

void check_change(const Result<ChangeOptions>& options) {
  if (!options) return check_rejection(options.error(), true);
  PSYSCORE_FUZZ_CHECK(kTarget, is_level(options->ci_level), std::to_string(options->ci_level));
  if (options->rci_criterion) {
    PSYSCORE_FUZZ_CHECK(kTarget, std::isfinite(*options->rci_criterion) && *options->rci_criterion > 0,
                        std::to_string(*options->rci_criterion));
  }
  if (const auto* given = std::get_if<RciFromCaller>(&options->rci_reliability)) {
    for (const auto& [subscale, reliability] : *given) {
      PSYSCORE_FUZZ_CHECK(kTarget, is_level(reliability), subscale);
    }
  }
  PSYSCORE_FUZZ_CHECK(kTarget, options->rci_method != RciMethod::nk || options->reliability_post.has_value(),
                      "nk without reliability_post");
  if (options->clinical_significance) {
    const double multiplier = options->clinical_significance->sd_multiplier;
    PSYSCORE_FUZZ_CHECK(kTarget, std::isfinite(multiplier) && multiplier > 0, std::to_string(multiplier));
  }
}

void check_controlled(const Result<ControlledOptions>& options) {
  if (!options) return check_rejection(options.error(), true);
  PSYSCORE_FUZZ_CHECK(kTarget, is_level(options->ci_level), std::to_string(options->ci_level));
  if (options->rci_criterion) {
    PSYSCORE_FUZZ_CHECK(kTarget, std::isfinite(*options->rci_criterion) && *options->rci_criterion > 0,
                        std::to_string(*options->rci_criterion));
  }
  PSYSCORE_FUZZ_CHECK(kTarget, options->rci_method != RciMethod::nk || options->reliability_post.has_value(),
                      "nk without reliability_post");
}

void check_compare(const Result<CompareOptions>& options, bool from_body) {
  if (!options) return check_rejection(options.error(), from_body);
  PSYSCORE_FUZZ_CHECK(kTarget, is_level(options->ci_level), std::to_string(options->ci_level));
  // group_covariate is a body option only, and a name when given.
  if (!from_body) PSYSCORE_FUZZ_CHECK(kTarget, options->group_covariate.empty(), options->group_covariate);
}

void check_model(const Result<ModelOptions>& options, bool from_body) {
  if (!options) return check_rejection(options.error(), from_body);
  PSYSCORE_FUZZ_CHECK(kTarget, is_level(options->ci_level), std::to_string(options->ci_level));
  if (options->outcome.kind == ModelOutcome::Kind::subscale_at_least) {
    PSYSCORE_FUZZ_CHECK(kTarget, std::isfinite(options->outcome.at_least), std::to_string(options->outcome.at_least));
  }
}

// "a=1&b=2" as the router would pass it, without %-decoding.
service::QueryParameters split_query(std::string_view query) {
  service::QueryParameters parameters;
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
    const auto equals = pair.find('=');
    parameters.emplace_back(std::string(pair.substr(0, equals)),
                            equals == std::string_view::npos ? std::string() : std::string(pair.substr(equals + 1)));
  }
  return parameters;
}

}  // namespace

int run_options(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  service::ServiceLimits limits;
  limits.max_bootstrap_iterations = 5000;

  boost::json::monotonic_resource arena;
  if (auto body = detail::parse_json(text, {}, &arena); body && body->is_object()) {
    check_reliability(service::reliability_options(body->get_object(), limits), limits, true);
    check_change(service::change_options(body->get_object()));
    check_compare(service::compare_options(body->get_object()), true);
    check_model(service::model_options(body->get_object()), true);
    check_controlled(service::controlled_options(body->get_object()));
  }

  service::RequestContext context;
  context.query = split_query(text);
  check_reliability(service::reliability_options(context, limits), limits, false);
  check_compare(service::compare_options(context), false);
  std::vector<std::string> covariate_columns;
  check_model(service::model_options(context, bundled("who-5"), covariate_columns), false);
  return 0;
}

}  // namespace psyscore::fuzz
