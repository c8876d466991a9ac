#include "state.hpp"

#include <algorithm>

#include <openssl/crypto.h>

#include "scoring/instrument/canonical_json.hpp"

namespace psyscore::service {

ServiceState::ServiceState(std::shared_ptr<const Registry> registry, std::filesystem::path instruments_dir,
                           ServiceLimits limits, std::vector<std::string> api_keys,
                           std::vector<std::string> cors_origins)
    : registry_(std::move(registry)),
      instruments_dir_(std::move(instruments_dir)),
      limits_(limits),
      cors_origins_(std::move(cors_origins)) {
  for (const auto& key : api_keys) api_key_digests_.push_back(detail::sha256_hex(key));
}

bool ServiceState::authorized(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() || !authorization.starts_with(kScheme)) return false;
  // Digests have one length whatever the key, so the comparison time says
  // nothing about how much of a key matched; every key is compared.
  const std::string digest = detail::sha256_hex(authorization.substr(kScheme.size()));
  bool match = false;
  for (const auto& expected : api_key_digests_) {
    match |= CRYPTO_memcmp(expected.data(), digest.data(), digest.size()) == 0;
  }
  return match;
}

bool ServiceState::cors_allowed(std::string_view origin) const {
  return !origin.empty() && std::ranges::find(cors_origins_, origin) != cors_origins_.end();
}

}  // namespace psyscore::service
