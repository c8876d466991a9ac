// decode_response_body_fast: the usual response body, read in one pass over
// its bytes. Building a Boost.JSON document first costs several times more
// than the decoding itself (an object with its own key index per
// respondent), and almost every body has the same plain shape.
//
// The reader accepts a strict subset of JSON and of what the document path
// decodes; at anything outside it, it gives up and the caller takes the
// document path, which reports problems with their pointers. So this file
// never produces an error message, and the two paths cannot disagree on one.

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

#include "scoring/decode/covariates.hpp"
#include "scoring/decode/decode_common.hpp"
#include "scoring/decode/response_json.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore::detail {

namespace {

// Up to eight bytes to look for, as one word (and the mask of its bytes).
struct ShortText {
  std::uint64_t word = 0;
  std::uint64_t mask = 0;
  std::size_t size = 0;  // 0: the text is longer, or not plain, and has no ShortText
};

ShortText short_text(std::string_view text) {
  ShortText result;
  if (text.size() > sizeof result.word) return result;
  const unsigned char ones[sizeof result.mask] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  std::memcpy(&result.word, text.data(), text.size());
  std::memcpy(&result.mask, ones, text.size());
  result.size = text.size();
  return result;
}

// The JSON tokens of a response body. Each method skips white space first
// and returns false, leaving the position unspecified, when the next token
// is not what it reads.
class TokenReader {
 public:
  explicit TokenReader(std::string_view text) : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  bool consume(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // The next character after white space, or '\0' at the end.
  char peek() {
    skip_space();
    return p_ == end_ ? '\0' : *p_;
  }

  // Bytes read so far.
  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

  bool at_end() {
    skip_space();
    return p_ == end_;
  }

  // A string of printable ASCII without escapes; its text is its value.
  // Other strings (escapes, UTF-8 that would need validating) are left to
  // the full parser.
  bool string(std::string_view& value) {
    if (!consume('"')) return false;
    const char* const begin = p_;
    while (p_ != end_ && kPlain[static_cast<unsigned char>(*p_)]) ++p_;
    if (p_ == end_ || *p_ != '"') return false;
    value = std::string_view(begin, static_cast<std::size_t>(p_ - begin));
    ++p_;
    return true;
  }

  // Whether `text` comes next: consumed, true. A ShortText is compared as
  // one word, whatever its length, when eight bytes are left to read.
  bool text_follows(const ShortText& text) {
    skip_space();
    if (end_ - p_ >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p_, 8);
      if ((word & text.mask) != text.word) return false;
    } else if (static_cast<std::size_t>(end_ - p_) < text.size || std::memcmp(p_, &text.word, text.size) != 0) {
      return false;
    }
    p_ += text.size;
    return true;
  }

  // Whether `text` is all bytes of a plain string (string() would read it).
  static bool plain(std::string_view text) {
    return std::ranges::all_of(text, [](char c) { return kPlain[static_cast<unsigned char>(c)]; });
  }

  // A JSON integer of at most 18 digits, so that it fits an int64 as Boost
  // reads it. Fractions and exponents make a double, whose rounding is the
  // parser's business, and are left to it.
  bool integer(std::int64_t& value) {
    skip_space();
    // Most answers are one digit: 0 to 9 not followed by more of a number.
    if (end_ - p_ >= 2 && is_digit(p_[0]) && !is_digit(p_[1]) && p_[1] != '.' && p_[1] != 'e' && p_[1] != 'E') {
      value = p_[0] - '0';
      ++p_;
      return true;
    }
    const char* q = p_;
    const bool negative = q != end_ && *q == '-';
    if (negative) ++q;
    const char* const digits = q;
    std::uint64_t magnitude = 0;  // wraps harmlessly past 19 digits, which are refused
    for (; q != end_ && is_digit(*q); ++q) magnitude = magnitude * 10 + static_cast<unsigned>(*q - '0');
    const auto count = q - digits;
    if (count == 0 || count > 18 || (*digits == '0' && count > 1)) return false;
    if (q != end_ && (*q == '.' || *q == 'e' || *q == 'E')) return false;
    value = static_cast<std::int64_t>(magnitude);
    if (negative) value = -value;
    p_ = q;
    return true;
  }

  // `word` (null, true or false), at the current position.
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

 private:
  static bool is_digit(char c) { return static_cast<unsigned char>(c - '0') <= 9; }

  void skip_space() {
    // Most bodies have no white space between tokens, or little.
    if (p_ != end_ && static_cast<unsigned char>(*p_) > ' ') return;
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // The bytes a plain string holds: printable ASCII but '"' and '\\'.
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7F; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();

  const char* const begin_;
  const char* p_;
  const char* const end_;
};

class BodyDecoder {
 public:
  BodyDecoder(const Instrument& instrument, std::string_view body)
      : instrument_(instrument),
        body_size_(body.size()),
        in_(body),
        checker_(instrument),
        items_(instrument),
        last_seen_(instrument.items.size(), 0) {
    wave_.item_count = instrument.items.size();
    keys_.reserve(instrument.items.size());
    for (const Item& item : instrument.items) {
      keys_.push_back(TokenReader::plain(item.id) ? short_text("\"" + item.id + "\":") : ShortText{});
    }
  }

  std::optional<ResponseMatrix> decode(std::string_view key) {
    std::string_view name;
    if (!in_.consume('{') || !in_.string(name) || name != key || !in_.consume(':') || !in_.consume('[')) {
      return std::nullopt;
    }
    if (in_.peek() != ']') {
      do {
        if (!respondent()) return std::nullopt;
        // The first respondents tell how many the body holds: the wave is
        // then allocated once, not copied as it grows.
        if (constexpr std::size_t kSample = 16; wave_.respondent_count() == kSample) {
          const std::size_t per_respondent = std::max<std::size_t>(in_.offset() / kSample, 1);
          reserve_respondents(wave_, body_size_ / per_respondent * 5 / 4);
        }
      } while (in_.consume(','));
    }
    if (!in_.consume(']') || !in_.consume('}') || !in_.at_end()) return std::nullopt;
    if (duplicate_ids_.error()) return std::nullopt;
    if (!covariates_.empty() && covariates_.finish(wave_, wave_.respondent_count(),
                                                   [](std::size_t, std::string_view) { return std::string(); })) {
      return std::nullopt;  // the document path names the problem
    }
    return std::move(wave_);
  }

 private:
  bool respondent() {
    if (!in_.consume('{')) return false;
    const std::size_t row = add_respondent(wave_, {});
    bool has_id = false;
    bool has_answers = false;
    bool has_covariates = false;
    do {
      std::string_view member;
      if (!in_.string(member) || !in_.consume(':')) return false;
      if (member == "id" && !has_id) {
        has_id = true;
        if (!id(wave_.ids[row])) return false;
      } else if (member == "answers" && !has_answers) {
        has_answers = true;
        if (!answers(row)) return false;
      } else if (member == "covariates" && !has_covariates) {
        has_covariates = true;
        if (!covariates(row)) return false;
      } else {
        return false;
      }
    } while (in_.consume(','));
    if (!in_.consume('}') || !has_id || !has_answers) return false;
    duplicate_ids_.add(wave_.ids[row], [] { return Problem{}; });
    return true;
  }

  // A non-empty string, or an integer written as json::serialize does.
  bool id(std::string& out) {
    if (in_.peek() == '"') {
      std::string_view text;
      if (!in_.string(text) || text.empty()) return false;
      out = text;
      return true;
    }
    std::int64_t number = 0;
    if (!in_.integer(number)) return false;
    char buffer[kMaxJsonCountSize + 1];
    out.assign(buffer, write_json_integer(buffer, number));
    return true;
  }

  bool answers(std::size_t row) {
    if (!in_.consume('{')) return false;
    if (in_.consume('}')) return true;
    ++respondent_mark_;
    unknown_items_.clear();
    do {
      // Most keys are the id of the item after the last one, and most
      // bodies write `"<id>":` with no space before the colon.
      std::size_t item = items_.guess();
      std::string_view item_id = instrument_.items[item].id;
      if (keys_[item].size != 0 && in_.text_follows(keys_[item])) {
        items_.found(item);
      } else {
        if (!in_.string(item_id) || !in_.consume(':')) return false;
        item = items_.find(item_id);
      }
      // A key given twice is the document parser's to report.
      if (item != ItemFinder::npos) {
        if (last_seen_[item] == respondent_mark_) return false;
        last_seen_[item] = respondent_mark_;
      } else {
        for (const std::string_view seen : unknown_items_) {
          if (seen == item_id) return false;
        }
        unknown_items_.push_back(item_id);
      }
      if (!answer(row, item, item_id)) return false;
    } while (in_.consume(','));
    return in_.consume('}');
  }

  // {"name": "text" | whole number | null, ...}; anything else (fractions,
  // escapes, a repeated name) is left to the document path.
  bool covariates(std::size_t row) {
    if (!in_.consume('{')) return false;
    if (in_.consume('}')) return true;
    covariate_names_.clear();
    do {
      std::string_view name;
      if (!in_.string(name) || !in_.consume(':')) return false;
      if (std::ranges::find(covariate_names_, name) != covariate_names_.end()) return false;
      covariate_names_.push_back(name);
      bool kept = false;
      switch (in_.peek()) {
        case 'n':
          if (!in_.literal("null")) return false;
          kept = covariates_.add_missing(name);
          break;
        case '"': {
          std::string_view text;
          if (!in_.string(text)) return false;
          kept = covariates_.add_text(row, name, text);
          break;
        }
        default: {
          std::int64_t number = 0;
          if (!in_.integer(number)) return false;
          kept = covariates_.add_number(row, name, static_cast<double>(number));
        }
      }
      if (!kept) return false;
    } while (in_.consume(','));
    return in_.consume('}');
  }

  // One answer, handled as decode_response_array handles it.
  // `item` is npos for an id that is no item's.
  bool answer(std::size_t row, std::size_t item, std::string_view item_id) {
    enum class Kind { null, number, text, boolean } kind = Kind::null;
    std::int64_t number = 0;
    std::string_view text;
    switch (in_.peek()) {
      case 'n':
        if (!in_.literal("null")) return false;
        break;
      case 't':
      case 'f':
        if (!in_.literal("true") && !in_.literal("false")) return false;
        kind = Kind::boolean;
        break;
      case '"':
        if (!in_.string(text)) return false;
        kind = Kind::text;
        break;
      default:
        if (!in_.integer(number)) return false;
        kind = Kind::number;
    }
    // What follows the value ("nullx", "3x") is checked by the caller.
    if (item == ItemFinder::npos) {
      reject_answer(wave_, row, item_id, AnswerErrorCode::unknown_item, {});
      return true;
    }
    switch (kind) {
      case Kind::null: break;
      case Kind::number: checker_.store_whole(wave_, row, item, static_cast<double>(number)); break;
      case Kind::text: reject_answer(wave_, row, item_id, AnswerErrorCode::not_a_number, text); break;
      case Kind::boolean: reject_answer(wave_, row, item_id, AnswerErrorCode::not_a_number, {}); break;
    }
    return true;
  }

  const Instrument& instrument_;
  std::size_t body_size_;
  TokenReader in_;
  ResponseMatrix wave_;
  AnswerChecker checker_;
  ItemFinder items_;
  DuplicateIds duplicate_ids_;
  // For each item, the last respondent (by mark) that answered it: a key
  // repeated within one respondent's answers is found without clearing.
  std::vector<std::size_t> last_seen_;
  std::size_t respondent_mark_ = 0;
  std::vector<std::string_view> unknown_items_;  // this respondent's
  CovariateCollector covariates_;
  std::vector<std::string_view> covariate_names_;  // this respondent's
  std::vector<ShortText> keys_;                    // per item: `"<id>":` when short and plain
};

}  // namespace

std::optional<ResponseMatrix> decode_response_body_fast(const Instrument& instrument, std::string_view body,
                                                        std::string_view key) {
  return BodyDecoder(instrument, body).decode(key);
}

}  // namespace psyscore::detail
