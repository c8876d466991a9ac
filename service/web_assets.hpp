// The page of `psyscore serve` (GET /): the files of service/web, compiled
// into the binary by cmake/psyscore_web_assets.cmake. The page is at "/";
// its CSS, script, icon and report frame at /assets/<name>.<hash>.<ext>,
// named by a hash of their bytes so that they can be cached for good.
#pragma once

#include <span>
#include <string_view>

namespace psyscore::service {

struct WebAsset {
  std::string_view path;          // "/" or "/assets/app.0123456789abcdef.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
  std::string_view etag;                     // a strong ETag, with its quotes
  std::string_view cache_control;            // "no-cache" for "/", a year and immutable for the rest
  std::string_view content_security_policy;  // only 'self' for the page; inline styles for the report frame
};

// Every asset; the page ("/") is the last.
std::span<const WebAsset> web_assets();

}  // namespace psyscore::service
