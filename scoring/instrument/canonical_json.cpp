#include "scoring/instrument/canonical_json.hpp"

#include <algorithm>
#include <vector>

#include <openssl/evp.h>
#include <boost/json.hpp>

#include "scoring/util/json_writer.hpp"

namespace psyscore::detail {

namespace json = boost::json;

namespace {

void write_canonical(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case json::kind::int64: append_json_number(out, static_cast<double>(value.get_int64())); break;
    case json::kind::uint64: append_json_number(out, static_cast<double>(value.get_uint64())); break;
    case json::kind::double_: append_json_number(out, value.get_double()); break;
    case json::kind::string: append_json_string(out, value.get_string()); break;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        write_canonical(out, element);
      }
      out.push_back(']');
      break;
    }
    case json::kind::object: {
      std::vector<const json::key_value_pair*> entries;
      for (const auto& entry : value.get_object()) entries.push_back(&entry);
      std::ranges::sort(entries, {}, [](const json::key_value_pair* e) { return e->key(); });
      out.push_back('{');
      bool first = true;
      for (const auto* entry : entries) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, entry->key());
        out.push_back(':');
        write_canonical(out, entry->value());
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

std::string canonical_json(const json::value& value) {
  std::string out;
  write_canonical(out, value);
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{2} * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

}  // namespace psyscore::detail
