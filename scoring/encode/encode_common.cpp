#include "scoring/encode/encode_common.hpp"

namespace psyscore::detail {

void write_instrument_reference(JsonWriter& out, const Instrument& instrument) {
  out.key("instrument").begin_object();
  out.field("id", instrument.id).field("version", instrument.version).field("sha256", instrument.sha256);
  out.end_object();
}

void write_strings(JsonWriter& out, std::string_view name, const std::vector<std::string>& values) {
  out.key(name).begin_array();
  for (const auto& value : values) out.value(value);
  out.end_array();
}

void write_interval(JsonWriter& out, std::string_view name, Statistic lower, Statistic upper) {
  out.key(name).begin_object().field("lower", lower).field("upper", upper).end_object();
}

}  // namespace psyscore::detail
