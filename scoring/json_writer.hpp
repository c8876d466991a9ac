// A streaming writer of compact JSON into a std::string. Used by every
// encoder so that numbers and strings are formatted one way everywhere:
// doubles in the shortest form that reads back exactly (std::to_chars), a
// value that is not finite as null, strings escaped per RFC 8259.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace psyscore::detail {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::size_t number);
  JsonWriter& value(bool flag);
  JsonWriter& null();
  template <class T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : null();
  }
  // Inserts already-encoded JSON as one value.
  JsonWriter& raw(std::string_view json);

  // key(name).value(v) in one call.
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

 private:
  void before_value();

  std::string& out_;
  // One entry per open container: true until its first element is written.
  std::vector<bool> first_;
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view text);
// Appends a number in shortest round-trip form, or null when not finite.
void append_json_number(std::string& out, double number);

}  // namespace psyscore::detail
