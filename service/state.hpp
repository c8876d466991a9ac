// What every request of one server shares: the configuration, the registry
// of instruments (swapped whole on reload) and the metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "metrics.hpp"
#include "psyscore/instrument.hpp"

namespace psyscore::service {

// What one request may cost. The defaults keep the costliest request they
// allow within a few seconds of one core (docs/security.md, "Limits", has
// the measurements); the deadline stops whatever runs longer.
struct ServiceLimits {
  // Largest request body in bytes; larger bodies get 413. Default: 32 MiB.
  std::size_t max_body_bytes = 32u << 20;
  // Most respondents in one request, all waves and groups together; more
  // get 422. Default: 1,000,000.
  std::size_t max_respondents = 1'000'000;
  // Most items in an inline definition; more get 422. Reliability costs
  // about k^3.7 in the items of a subscale. Default: 100.
  std::size_t max_items = 100;
  // Most subscales in an inline definition (each may hold every item);
  // more get 422. Default: 20.
  std::size_t max_subscales = 20;
  // Most bootstrap resamples in one reliability request; more get 422.
  // Default: 100,000.
  std::size_t max_bootstrap_iterations = 100'000;
  // Most answers one bootstrap resamples: iterations x respondents x the
  // items of the subscales analysed; more get 422. Default: 100,000,000.
  std::uint64_t max_bootstrap_answers = 100'000'000;
  // Most waves in one waves request; more get 422. Default: 20.
  std::size_t max_waves = 20;
  // Compute time of one request, from when a thread starts on it: the
  // bootstrap, the mixed models and the loops over subscales stop once it
  // has passed (422 deadline_exceeded). 0: no deadline. Default: 30 s.
  std::chrono::milliseconds deadline{30'000};
  // Longest request target (path and query); longer gets 414. Default: 2048.
  std::size_t max_target_length = 2048;
};

class ServiceState {
 public:
  ServiceState(std::shared_ptr<const Registry> registry, std::filesystem::path instruments_dir, ServiceLimits limits,
               std::vector<std::string> api_keys, std::vector<std::string> cors_origins);

  // The current registry; a reload swaps it atomically, and a request keeps
  // the one it started with.
  std::shared_ptr<const Registry> registry() const { return registry_.load(); }
  void set_registry(std::shared_ptr<const Registry> registry) { registry_.store(std::move(registry)); }

  const std::filesystem::path& instruments_dir() const { return instruments_dir_; }
  const ServiceLimits& limits() const { return limits_; }
  Metrics& metrics() const { return metrics_; }

  bool api_keys_required() const { return !api_key_digests_.empty(); }
  // True when `authorization` is "Bearer <a configured key>". Compares
  // SHA-256 digests in constant time, against every key.
  bool authorized(std::string_view authorization) const;
  // Set once SIGTERM or SIGINT asked the server to stop: /readyz answers 503
  // so that load balancers send no new requests.
  bool draining() const { return draining_.load(std::memory_order_relaxed); }
  void start_draining() { draining_.store(true, std::memory_order_relaxed); }

  // True when browsers from `origin` may call the API.
  bool cors_allowed(std::string_view origin) const;

 private:
  std::atomic<std::shared_ptr<const Registry>> registry_;
  std::filesystem::path instruments_dir_;
  ServiceLimits limits_;
  std::vector<std::string> api_key_digests_;
  std::vector<std::string> cors_origins_;
  mutable Metrics metrics_;
  std::atomic<bool> draining_{false};
};

}  // namespace psyscore::service
