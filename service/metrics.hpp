// Prometheus metrics of the service. Thread-safe; counters are updated once
// per request, under one mutex, which is cheap next to any request's work.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "psyscore/instrument.hpp"

namespace psyscore::service {

class Metrics {
 public:
  // Records one finished request.
  void observe(std::string_view route, int status, double seconds, std::size_t request_bytes, std::size_t respondents);

  // Requests being handled now.
  void begin_request() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void end_request() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  // Requests waiting for a compute thread, and being computed.
  void compute_queued() { compute_queued_.fetch_add(1, std::memory_order_relaxed); }
  void compute_started() {
    compute_queued_.fetch_sub(1, std::memory_order_relaxed);
    compute_running_.fetch_add(1, std::memory_order_relaxed);
  }
  void compute_finished() { compute_running_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void reloaded(bool ok) { (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, std::memory_order_relaxed); }

  // The Prometheus text exposition format (version 0.0.4).
  std::string render(const Registry& registry) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  struct RouteStats {
    std::map<int, std::uint64_t> requests;  // by status
    Latency latency;
  };

  mutable std::mutex mutex_;  // guards the map and totals below
  // By route template; looked up by string_view, so that counting a
  // request allocates nothing once its route has been seen.
  std::map<std::string, RouteStats, std::less<>> routes_;
  std::uint64_t request_bytes_ = 0;
  std::uint64_t respondents_ = 0;

  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::int64_t> compute_queued_{0};
  std::atomic<std::int64_t> compute_running_{0};
  std::atomic<std::uint64_t> reloads_ok_{0};
  std::atomic<std::uint64_t> reloads_failed_{0};
};

}  // namespace psyscore::service
