#include "metrics.hpp"

#include <string>

#include "scoring/util/json_writer.hpp"

namespace psyscore::service {

namespace {

std::string number(double x) {
  std::string out;
  detail::append_json_number(out, x);
  return out;
}

// Label values escape backslash, quote and newline.
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

void Metrics::observe(std::string_view route, int status, double seconds, std::size_t request_bytes,
                      std::size_t respondents) {
  std::lock_guard lock(mutex_);
  auto stats = routes_.find(route);
  if (stats == routes_.end()) stats = routes_.emplace(std::string(route), RouteStats{}).first;
  ++stats->second.requests[status];
  Latency& latency = stats->second.latency;
  for (std::size_t b = 0; b < kBuckets.size(); ++b) {
    if (seconds <= kBuckets[b]) ++latency.buckets[b];
  }
  ++latency.count;
  latency.sum += seconds;
  request_bytes_ += request_bytes;
  respondents_ += respondents;
}

std::string Metrics::render(const Registry& registry) const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP psyscore_http_requests_total HTTP requests answered, by route template and status.\n";
  out += "# TYPE psyscore_http_requests_total counter\n";
  for (const auto& [route, stats] : routes_) {
    for (const auto& [status, count] : stats.requests) {
      out += "psyscore_http_requests_total{route=\"" + label(route) + "\",status=\"" + std::to_string(status) + "\"} " +
             std::to_string(count) + "\n";
    }
  }
  out += "# HELP psyscore_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE psyscore_http_request_duration_seconds histogram\n";
  for (const auto& [route, stats] : routes_) {
    const Latency& latency = stats.latency;
    const std::string prefix = "psyscore_http_request_duration_seconds";
    const std::string labels = "route=\"" + label(route) + "\"";
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      out += prefix + "_bucket{" + labels + ",le=\"" + number(kBuckets[b]) + "\"} " +
             std::to_string(latency.buckets[b]) + "\n";
    }
    out += prefix + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(latency.count) + "\n";
    out += prefix + "_sum{" + labels + "} " + number(latency.sum) + "\n";
    out += prefix + "_count{" + labels + "} " + std::to_string(latency.count) + "\n";
  }
  out += "# HELP psyscore_http_requests_in_flight Requests being handled.\n";
  out += "# TYPE psyscore_http_requests_in_flight gauge\n";
  out += "psyscore_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
  out += "# HELP psyscore_compute_queued Requests waiting for a compute thread.\n";
  out += "# TYPE psyscore_compute_queued gauge\n";
  out += "psyscore_compute_queued " + std::to_string(compute_queued_.load()) + "\n";
  out += "# HELP psyscore_compute_running Requests being computed on the compute threads.\n";
  out += "# TYPE psyscore_compute_running gauge\n";
  out += "psyscore_compute_running " + std::to_string(compute_running_.load()) + "\n";
  out += "# HELP psyscore_http_connections Open client connections.\n";
  out += "# TYPE psyscore_http_connections gauge\n";
  out += "psyscore_http_connections " + std::to_string(connections_.load()) + "\n";
  out += "# HELP psyscore_http_request_body_bytes_total Bytes of request bodies received.\n";
  out += "# TYPE psyscore_http_request_body_bytes_total counter\n";
  out += "psyscore_http_request_body_bytes_total " + std::to_string(request_bytes_) + "\n";
  out += "# HELP psyscore_respondents_total Respondents scored or analysed.\n";
  out += "# TYPE psyscore_respondents_total counter\n";
  out += "psyscore_respondents_total " + std::to_string(respondents_) + "\n";
  out += "# HELP psyscore_registry_reloads_total Reloads of the instrument directory, by outcome.\n";
  out += "# TYPE psyscore_registry_reloads_total counter\n";
  out += "psyscore_registry_reloads_total{outcome=\"ok\"} " + std::to_string(reloads_ok_.load()) + "\n";
  out += "psyscore_registry_reloads_total{outcome=\"failed\"} " + std::to_string(reloads_failed_.load()) + "\n";
  out += "# HELP psyscore_instrument_info Instruments of the registry (value always 1).\n";
  out += "# TYPE psyscore_instrument_info gauge\n";
  for (const auto& instrument : registry.instruments()) {
    out += "psyscore_instrument_info{id=\"" + label(instrument->id) + "\",version=\"" + label(instrument->version) +
           "\",sha256=\"" + instrument->sha256 + "\"} 1\n";
  }
  return out;
}

}  // namespace psyscore::service
