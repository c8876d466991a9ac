#include "web_endpoints.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "problem.hpp"
#include "web_assets.hpp"

namespace psyscore::service {

namespace {

// True when If-None-Match (a list of entity tags, or "*") names `etag`. The
// comparison is weak, as RFC 9110 asks of If-None-Match: W/"x" matches "x".
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

ApiResponse serve(const WebAsset& asset, const RequestContext& context) {
  ApiResponse response;
  response.headers.emplace_back("ETag", asset.etag);
  response.headers.emplace_back("Cache-Control", asset.cache_control);
  response.headers.emplace_back("Content-Security-Policy", asset.content_security_policy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (etag_matches(context.if_none_match, asset.etag)) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  response.content_type = asset.content_type;
  response.body = asset.body;
  return response;
}

const WebAsset* find(std::string_view path) {
  const auto assets = web_assets();
  const auto it = std::ranges::find(assets, path, &WebAsset::path);
  return it == assets.end() ? nullptr : &*it;
}

}  // namespace

ApiResponse page_endpoint(const ServiceState&, const RequestContext& context) { return serve(*find("/"), context); }

ApiResponse asset_endpoint(const ServiceState&, const RequestContext& context) {
  const WebAsset* asset = find("/assets/" + context.instrument_id);
  if (!asset) return problem(404, "no such asset: /assets/" + context.instrument_id);
  return serve(*asset, context);
}

}  // namespace psyscore::service
