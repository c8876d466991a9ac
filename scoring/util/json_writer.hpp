// A streaming writer of compact JSON into a std::string. Used by every
// encoder so that numbers and strings are formatted one way everywhere:
// doubles in the shortest form that reads back exactly (std::to_chars), a
// value that is not finite as null, strings escaped per RFC 8259 (and a byte
// that is not valid UTF-8 written as U+FFFD, since JSON text is UTF-8).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

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
  // Results nest a few levels deep, so the usual depth needs no allocation.
  boost::container::small_vector<char, 16> first_;
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view text);
// Appends a number in shortest round-trip form, or null when not finite.
void append_json_number(std::string& out, double number);
// Appends a count in decimal.
void append_json_count(std::string& out, std::size_t number);

// The same written at `out`, which has room for max_json_string_size(text)
// (kMaxJsonNumberSize, kMaxJsonCountSize) bytes; each returns the end of
// what it wrote. For encoders that fill a record at a time (append_record).
constexpr std::size_t kMaxJsonNumberSize = 32;
constexpr std::size_t kMaxJsonCountSize = 20;
inline std::size_t max_json_string_size(std::string_view text) { return 6 * text.size() + 2; }
char* write_json_string(char* out, std::string_view text);
char* write_json_number(char* out, double number);
char* write_json_count(char* out, std::size_t number);
// A signed whole number in decimal (room for kMaxJsonCountSize + 1 bytes).
char* write_json_integer(char* out, std::int64_t number);

// Copies `text` to `out`; returns the end. A literal's copy is inlined.
inline char* put(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// Appends one record of at most `bound` bytes to `out`: `fill(char* at)`
// writes it from `at` (with put() and the write_json_* functions) and
// returns its end. Encoders that write many small pieces per record use it
// so that each piece is one copy, not an append with its bookkeeping.
template <class Fill>
void append_record(std::string& out, std::size_t bound, const Fill& fill) {
  const std::size_t size = out.size();
  if (out.capacity() < size + bound) out.reserve(std::max(2 * out.capacity(), size + bound));
  out.resize_and_overwrite(size + bound,
                           [&](char* data, std::size_t) { return static_cast<std::size_t>(fill(data + size) - data); });
}

// write_json_number with a memory of recent numbers. Formatting the
// shortest round-trip form of a double costs far more than copying text, and
// a batch of scores repeats few distinct values (a mean is one of a few
// hundred sums over counts), so each distinct value is formatted about once.
// The memory (80 KB) is made only from the kDirectWrites-th number on: a
// result of one respondent writes a handful of numbers, and zeroing the
// table would cost more than formatting them. Not thread-safe; one per
// encoder.
class NumberFormatter {
 public:
  // Writes at `out` (room for kMaxJsonNumberSize bytes); returns the end.
  char* write(char* out, double number);
  void append(std::string& out, double number);

 private:
  struct Entry {
    std::uint64_t bits = 0;
    char text[24] = {};  // copied whole (one fixed-size copy), of which `size` count
    char size = 0;       // 0: empty
  };
  static constexpr int kIndexBits = 11;
  static constexpr std::size_t kDirectWrites = 64;
  std::size_t direct_writes_ = 0;  // numbers formatted before the table was made
  std::vector<Entry> entries_;     // direct-mapped by value; empty until kDirectWrites
};

}  // namespace psyscore::detail
