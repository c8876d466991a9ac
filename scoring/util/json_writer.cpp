#include "scoring/util/json_writer.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace psyscore::detail {

namespace {

// Bytes that a JSON string cannot take as they are: a quote, a backslash,
// a control character, and every byte of a multi-byte UTF-8 sequence (which
// is copied only once checked).
bool needs_care(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return c == '"' || c == '\\' || byte < 0x20 || byte >= 0x80;
}

// The length of the valid UTF-8 sequence that `text` starts with, or 0 when
// it does not start with one (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t size = 0;
  unsigned char low = 0x80;  // the range of the second byte
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < size || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < size; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return size;
}

}  // namespace

char* write_json_string(char* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  // Most strings (ids, labels, messages) are plain ASCII: copy them at once.
  std::size_t i = static_cast<std::size_t>(std::ranges::find_if(text, needs_care) - text.begin());
  out = put(out, text.substr(0, i));
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // JSON is UTF-8; text from a CSV file may not be (a Latin-1 export).
      // A byte that starts no valid sequence becomes U+FFFD, so that the
      // output stays JSON that every reader accepts.
      if (const std::size_t size = utf8_sequence(text.substr(i))) {
        out = put(out, text.substr(i, size));
        i += size;
      } else {
        out = put(out, "\xEF\xBF\xBD");
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out = put(out, "\\\""); break;
      case '\\': out = put(out, "\\\\"); break;
      case '\n': out = put(out, "\\n"); break;
      case '\r': out = put(out, "\\r"); break;
      case '\t': out = put(out, "\\t"); break;
      case '\b': out = put(out, "\\b"); break;
      case '\f': out = put(out, "\\f"); break;
      default:
        if (byte < 0x20) {
          out = put(out, "\\u00");
          *out++ = kHex[byte >> 4];
          *out++ = kHex[byte & 0xF];
        } else {
          *out++ = c;
        }
    }
    ++i;
  }
  *out++ = '"';
  return out;
}

char* write_json_number(char* out, double number) {
  if (!std::isfinite(number)) return put(out, "null");
  if (number == 0) number = 0;  // no "-0"
  return std::to_chars(out, out + kMaxJsonNumberSize, number).ptr;
}

char* write_json_count(char* out, std::size_t number) {
  return std::to_chars(out, out + kMaxJsonCountSize, number).ptr;
}

char* write_json_integer(char* out, std::int64_t number) {
  return std::to_chars(out, out + kMaxJsonCountSize + 1, number).ptr;
}

void append_json_string(std::string& out, std::string_view text) {
  append_record(out, max_json_string_size(text), [&](char* at) { return write_json_string(at, text); });
}

void append_json_number(std::string& out, double number) {
  char buffer[kMaxJsonNumberSize];
  out.append(buffer, write_json_number(buffer, number));
}

void append_json_count(std::string& out, std::size_t number) {
  char buffer[kMaxJsonCountSize];
  out.append(buffer, write_json_count(buffer, number));
}

char* NumberFormatter::write(char* out, double number) {
  if (entries_.empty()) {
    if (direct_writes_ < kDirectWrites) {
      ++direct_writes_;
      return write_json_number(out, number);
    }
    entries_.resize(std::size_t{1} << kIndexBits);
  }
  const auto bits = std::bit_cast<std::uint64_t>(number);
  Entry& entry = entries_[(bits * 0x9E3779B97F4A7C15ull) >> (64 - kIndexBits)];
  if (entry.size != 0 && entry.bits == bits) {
    // All of `text`: `out` has room for kMaxJsonNumberSize bytes, and a
    // copy of a size known here is a few moves, not a call.
    static_assert(sizeof entry.text <= kMaxJsonNumberSize);
    std::memcpy(out, entry.text, sizeof entry.text);
    return out + entry.size;
  }
  char* const end = write_json_number(out, number);
  const auto size = static_cast<std::size_t>(end - out);
  if (size <= sizeof entry.text) {  // very small or large numbers are not kept
    entry.bits = bits;
    entry.size = static_cast<char>(size);
    std::memcpy(entry.text, out, size);
  }
  return end;
}

void NumberFormatter::append(std::string& out, double number) {
  append_record(out, kMaxJsonNumberSize, [&](char* at) { return write(at, number); });
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  before_value();
  append_json_number(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  before_value();
  append_record(out_, kMaxJsonCountSize + 1, [&](char* at) { return write_json_integer(at, number); });
  return *this;
}

JsonWriter& JsonWriter::value(std::size_t number) {
  before_value();
  append_json_count(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

}  // namespace psyscore::detail
