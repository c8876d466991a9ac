#include "scoring/util/json_input.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

namespace psyscore::detail {

namespace json = boost::json;

namespace {

// Duplicate keys. Boost.JSON keeps the last of an object's duplicate keys
// without a word, so {"min": 0, "min": 1} would load as if the first were not
// there; in a definition or a request that is an edit gone wrong, and it is
// rejected, naming the second occurrence.
//
// Response bodies are megabytes of small objects ({"1": 3, "2": 0, ...}), so
// the check on the way must cost little: KeyHashingHandler only hashes each
// key and raises a flag when two keys of one object hash alike. Only then is
// the text read again, by DuplicateFinder, which compares the keys themselves
// and knows where the repeated one is.

// True when `part` lies inside `whole` (compared as addresses: the two may
// belong to different arrays).
bool within(std::string_view part, std::string_view whole) {
  const auto at = reinterpret_cast<std::uintptr_t>(part.data());
  const auto begin = reinterpret_cast<std::uintptr_t>(whole.data());
  return at >= begin && at - begin + part.size() <= whole.size();
}

// The hash of an object key. Keys up to 8 bytes (item ids, option names) are
// their own bits, spread by a multiplication; longer ones take the library's
// string hash. A short key that lies in `input` with 8 bytes to spare is read
// in one load, the bytes past its end masked off.
std::uint64_t key_hash(std::string_view key, std::string_view input) {
  constexpr std::uint64_t kSpread = 0x9E3779B97F4A7C15ull;
  if (key.size() > sizeof(std::uint64_t)) return std::hash<std::string_view>{}(key);
  std::uint64_t bits = 0;
  // Reads 8 bytes from where the key starts, past its end when it is
  // shorter: within() checks that they all lie inside the input buffer, so no
  // terminator is needed.
  if (within({key.data(), sizeof bits}, input)) {  // NOLINT(bugprone-suspicious-stringview-data-usage)
    std::memcpy(&bits, key.data(), sizeof bits);
    if constexpr (std::endian::native == std::endian::big) bits = std::byteswap(bits);
    if (key.size() < sizeof bits) bits &= (std::uint64_t{1} << (8 * key.size())) - 1;
  } else {
    for (std::size_t i = 0; i < key.size(); ++i) bits |= std::uint64_t{static_cast<unsigned char>(key[i])} << (8 * i);
  }
  return (bits ^ key.size()) * kSpread;
}

// boost::json::parser's own handler (a value_stack fed by basic_parser), plus
// the key hashes. An object's first keys are checked as they come against a
// 64-bit mask of the hash buckets it has used (a scan of its hashes only when
// the bucket is taken); a larger object's hashes are sorted when it closes.
class KeyHashingHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  KeyHashingHandler(std::string_view input, unsigned char* temp, std::size_t temp_size)
      : stack(json::storage_ptr(), temp, temp_size), input_(input) {}

  json::value_stack stack;
  // Two keys of one object hashed alike: the object may repeat a key.
  bool maybe_duplicate = false;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    objects_.push_back(Object{hashes_.size(), 0});
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    const auto first = hashes_.begin() + static_cast<std::ptrdiff_t>(objects_.back().first_hash);
    if (n > kMaskedKeys) {
      std::sort(first, hashes_.end());
      if (std::adjacent_find(first, hashes_.end()) != hashes_.end()) maybe_duplicate = true;
    }
    hashes_.erase(first, hashes_.end());
    objects_.pop_back();
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    partial_key_.append(s.data(), s.size());
    stack.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (partial_key_.empty()) {
      remember(key_hash({s.data(), s.size()}, input_));
    } else {
      partial_key_.append(s.data(), s.size());
      remember(key_hash(partial_key_, {}));
      partial_key_.clear();
    }
    stack.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code&) {
    stack.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // Keys checked through the mask as they come; an object with more is
  // checked when it closes.
  static constexpr std::size_t kMaskedKeys = 32;

  struct Object {
    std::size_t first_hash;  // hashes_.size() when it opened: its own hashes follow
    std::uint64_t buckets;   // one bit per hash bucket of its keys
  };

  void remember(std::uint64_t hash) {
    Object& object = objects_.back();
    if (hashes_.size() - object.first_hash < kMaskedKeys) {
      const std::uint64_t bucket = std::uint64_t{1} << (hash >> 58);
      if ((object.buckets & bucket) && std::find(hashes_.begin() + static_cast<std::ptrdiff_t>(object.first_hash),
                                                 hashes_.end(), hash) != hashes_.end()) {
        maybe_duplicate = true;
      }
      object.buckets |= bucket;
    }
    hashes_.push_back(hash);
  }

  std::string_view input_;
  std::vector<Object> objects_;
  std::vector<std::uint64_t> hashes_;  // the key hashes of every open object, outermost first
  std::string partial_key_;            // a key with escapes, while it is read
};

// A basic_parser handler that builds nothing and stops at the first key that
// its object has already; it then knows the key's JSON pointer. Each object's
// keys are compared by a scan while they are few and through an
// open-addressing index beyond, so that no object costs quadratic time.
class DuplicateFinder {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  explicit DuplicateFinder(std::string_view input) : input_(input) {}

  bool found() const { return found_; }
  std::string_view key() const { return duplicate_; }

  // The JSON pointer of the repeated key, built from the open containers.
  std::string pointer() const {
    std::string pointer;
    // frames_[0] is the document; frames_.back() the object that repeats a key.
    for (std::size_t f = 1; f + 1 < frames_.size(); ++f) {
      const Frame& frame = frames_[f];
      if (frame.is_object) {
        pointer = pointer_append(pointer, keys_[frames_[f + 1].first_key - 1]);
      } else {
        pointer = pointer_append(pointer, frame.values - 1);
      }
    }
    return pointer_append(pointer, duplicate_);
  }

  bool on_document_begin(json::error_code&) {
    frames_.assign(1, Frame{});
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return open(true); }
  bool on_object_end(std::size_t, json::error_code&) { return close(); }
  bool on_array_begin(json::error_code&) { return open(false); }
  bool on_array_end(std::size_t, json::error_code&) { return close(); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    partial_key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    std::string_view text(s.data(), s.size());
    // A key without escapes arrives whole, as a view of the input, which
    // outlives the parse; any other is assembled in a buffer and kept.
    if (!partial_key_.empty() || !within(text, input_)) {
      partial_key_.append(text);
      text = owned_keys_.emplace_back(std::move(partial_key_));
      partial_key_.clear();
    }
    if (remember(text)) return true;
    found_ = true;
    duplicate_ = text;
    ec = json::error::syntax;  // stops the parser at the key's closing quote
    return false;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return value(); }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return value(); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return value(); }
  bool on_double(double, json::string_view, json::error_code&) { return value(); }
  bool on_bool(bool, json::error_code&) { return value(); }
  bool on_null(json::error_code&) { return value(); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // Up to this many keys an object is searched by a scan; past it, through
  // its index.
  static constexpr std::size_t kScanLimit = 16;

  // One open array or object (frames_[0] stands for the document).
  struct Frame {
    std::size_t first_key = 0;        // keys_.size() when it opened: its own keys follow
    std::size_t first_owned_key = 0;  // owned_keys_.size() when it opened
    std::size_t values = 0;           // values begun in it; for an array, the last one's index + 1
    bool is_object = false;
  };

  bool value() {
    ++frames_.back().values;
    return true;
  }
  bool open(bool is_object) {
    value();
    frames_.push_back(Frame{keys_.size(), owned_keys_.size(), 0, is_object});
    return true;
  }
  bool close() {
    keys_.resize(frames_.back().first_key);
    owned_keys_.resize(frames_.back().first_owned_key);
    if (frames_.size() - 1 < indexes_.size()) indexes_[frames_.size() - 1].clear();
    frames_.pop_back();
    return true;
  }

  // Records `text` as a key of the innermost object; false when that object
  // has it already.
  bool remember(std::string_view text) {
    const std::size_t first = frames_.back().first_key;
    if (keys_.size() - first < kScanLimit) {
      if (std::find(keys_.begin() + static_cast<std::ptrdiff_t>(first), keys_.end(), text) != keys_.end()) {
        return false;
      }
    } else {
      std::vector<std::size_t>& index = object_index();
      if (index.empty()) rebuild_index(index, 4 * kScanLimit);
      if (find_slot(index, text) == nullptr) return false;
      if (2 * (keys_.size() - first + 1) > index.size()) rebuild_index(index, 2 * index.size());
      *find_slot(index, text) = keys_.size() + 1;
    }
    keys_.push_back(text);
    return true;
  }

  // The index of the innermost object: slots hold a keys_ position + 1, 0 is
  // empty. One per nesting depth, kept for reuse across objects.
  std::vector<std::size_t>& object_index() {
    const std::size_t depth = frames_.size() - 1;
    if (indexes_.size() <= depth) indexes_.resize(depth + 1);
    return indexes_[depth];
  }

  static std::size_t home_slot(std::string_view text, std::size_t mask) {
    const std::size_t hash = std::hash<std::string_view>{}(text);
    return hash & mask;
  }

  // The empty slot where `text` belongs, or nullptr when the object has it.
  std::size_t* find_slot(std::vector<std::size_t>& index, std::string_view text) const {
    const std::size_t mask = index.size() - 1;
    for (std::size_t slot = home_slot(text, mask);; slot = (slot + 1) & mask) {
      if (index[slot] == 0) return &index[slot];
      if (keys_[index[slot] - 1] == text) return nullptr;
    }
  }

  void rebuild_index(std::vector<std::size_t>& index, std::size_t slots) {
    index.assign(slots, 0);
    const std::size_t mask = slots - 1;
    for (std::size_t k = frames_.back().first_key; k < keys_.size(); ++k) {
      std::size_t slot = home_slot(keys_[k], mask);
      while (index[slot] != 0) slot = (slot + 1) & mask;
      index[slot] = k + 1;
    }
  }

  std::string_view input_;
  std::vector<Frame> frames_;
  std::vector<std::string_view> keys_;  // the keys of every open object, outermost first
  std::deque<std::string> owned_keys_;  // keys that had escapes (a deque: views stay valid)
  std::string partial_key_;             // a key with escapes, while it is read
  std::vector<std::vector<std::size_t>> indexes_;
  bool found_ = false;
  std::string duplicate_;
};

// The 1-based line and column of text[offset].
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  const std::string_view before = text.substr(0, offset);
  const std::size_t line = 1 + static_cast<std::size_t>(std::ranges::count(before, '\n'));
  const std::size_t newline = before.rfind('\n');
  const std::size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  return {line, offset - line_start + 1};
}

// The parser stops a repeated key at its closing quote; the problem points at
// the opening one, the first quote before it that is not escaped.
std::size_t key_start(std::string_view text, std::size_t closing_quote) {
  for (std::size_t at = std::min(closing_quote, text.size()); at-- > 0;) {
    if (text[at] != '"') continue;
    std::size_t backslashes = 0;
    while (backslashes < at && text[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at;
  }
  return 0;
}

}  // namespace

Result<json::value> parse_json(std::string_view text, std::string_view source, json::storage_ptr storage) {
  json::parse_options options;
  options.max_depth = 64;
  // The parser's scratch space starts on the stack, as in json::parse; the
  // document itself goes to `storage`.
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  json::basic_parser<KeyHashingHandler> parser(options, text, temp, sizeof temp);
  parser.handler().stack.reset(std::move(storage));
  boost::system::error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;

  Problem problem;
  problem.source = std::string(source);
  if (ec) {
    std::tie(problem.line, problem.column) = line_and_column(text, std::min(consumed, text.size()));
    problem.code = "invalid_json";
    problem.message = "invalid JSON: " + ec.message();
    return std::unexpected(Error::single(ErrorCode::malformed, std::move(problem)));
  }
  if (!parser.handler().maybe_duplicate) return parser.handler().stack.release();

  json::basic_parser<DuplicateFinder> finder(options, text);
  const std::size_t stop = finder.write_some(false, text.data(), text.size(), ec);
  // Keys that only hashed alike are no duplicate.
  if (!finder.handler().found()) return parser.handler().stack.release();
  std::tie(problem.line, problem.column) = line_and_column(text, key_start(text, stop));
  problem.pointer = finder.handler().pointer();
  problem.code = "duplicate_key";
  problem.message = "the key \"" + std::string(finder.handler().key()) +
                    "\" appears twice in one object; JSON readers differ on which value counts, so give it once";
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
