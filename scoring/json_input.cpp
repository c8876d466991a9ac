#include "json_input.hpp"

#include <algorithm>
#include <cmath>

#include <boost/json/parser.hpp>

namespace psyscore::detail {

namespace json = boost::json;

Result<json::value> parse_json(std::string_view text, std::string_view source, json::storage_ptr storage) {
  json::parse_options options;
  options.max_depth = 64;
  json::parser parser(std::move(storage), options);
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;
  if (!ec) return parser.release();

  const std::size_t offset = std::min(consumed, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t line = 1 + static_cast<std::size_t>(std::ranges::count(before, '\n'));
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  Problem problem;
  problem.source = std::string(source);
  problem.line = line;
  problem.column = offset - line_start + 1;
  problem.code = "invalid_json";
  problem.message = "invalid JSON: " + ec.message();
  return std::unexpected(Error::single(ErrorCode::malformed, std::move(problem)));
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out(base);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string pointer_append(std::string_view base, std::size_t index) {
  return std::string(base) + '/' + std::to_string(index);
}

std::string_view describe_type(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

bool get_number(const json::value& value, double& out) {
  switch (value.kind()) {
    case json::kind::int64: out = static_cast<double>(value.get_int64()); return true;
    case json::kind::uint64: out = static_cast<double>(value.get_uint64()); return true;
    case json::kind::double_: out = value.get_double(); return std::isfinite(out);
    default: return false;
  }
}

}  // namespace psyscore::detail
