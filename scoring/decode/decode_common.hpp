// What the JSON and CSV decoders of responses share: checking one answer
// against its item's scale, reading numbers, and finding repeated respondent
// ids. Private to the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/responses.hpp"

namespace psyscore::detail {

// Appends a respondent with every answer missing; returns its row.
std::size_t add_respondent(ResponseMatrix& matrix, std::string_view id);

// Removes the last respondent, which add_respondent() added.
void drop_last_respondent(ResponseMatrix& matrix);

// Makes room for `respondents` more rows, so that a decoder that knows (or
// can bound) the size of its wave fills the matrix without reallocating.
void reserve_respondents(ResponseMatrix& matrix, std::size_t respondents);

// Checks answers against their items' scales and stores them in a matrix.
// Built once per wave: it notes which items take every whole number of
// their range (a whole minimum and a step of 1, as most Likert scales), so
// a whole-number answer to them needs only the range check; Scale::on_grid
// costs a division and a rounding per answer.
class AnswerChecker {
 public:
  explicit AnswerChecker(const Instrument& instrument);

  // Stores `answer` for item `item` of `row`, or records an AnswerError when
  // it is off the item's scale.
  void store(ResponseMatrix& matrix, std::size_t row, std::size_t item, double answer) const;
  // The same for an answer that is known to be a whole number.
  void store_whole(ResponseMatrix& matrix, std::size_t row, std::size_t item, double answer) const {
    const Limits& limits = limits_[item];
    if (limits.whole_steps && answer >= limits.min && answer <= limits.max) {
      matrix.answers[row * matrix.item_count + item] = answer;
      return;
    }
    store(matrix, row, item, answer);
  }

  // Per item, the whole numbers [low, high] that are certainly on its
  // scale, as integers: a decoder that reads digits checks them without
  // converting them first. Empty (low > high) for an item whose scale does
  // not take every whole number of its range.
  struct WholeRange {
    std::int64_t low = 1;
    std::int64_t high = 0;
  };
  const std::vector<WholeRange>& whole_ranges() const { return whole_ranges_; }

 private:
  struct Limits {
    double min = 0;
    double max = 0;
    bool whole_steps = false;  // every whole number in [min, max] is on the scale
  };
  const Instrument& instrument_;
  std::vector<Limits> limits_;  // per item
  std::vector<WholeRange> whole_ranges_;
};

// a == b, for strings of a few bytes such as item ids: a library call to
// memcmp costs more than comparing them here.
inline bool same_short_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Finds items by id for answers keyed by item id. Answers usually come in
// the instrument's order, so the item after the one found last is tried
// before the instrument's hash table.
class ItemFinder {
 public:
  // What find() returns for an id that is no item's. (Not an optional: this
  // runs once per answer, and a returned optional, stored whole and read
  // back a byte at a time, stalled the CPU more than the search cost.)
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit ItemFinder(const Instrument& instrument) : items_(instrument.items), instrument_(instrument) {}

  // The index of the item with this id, or npos.
  std::size_t find(std::string_view id) {
    const std::size_t next = guess();
    if (same_short_text(items_[next].id, id)) return last_ = next;
    const auto item = instrument_.item_index(id);
    if (!item) return npos;
    return last_ = *item;
  }

  // The item most likely asked for next: the one after the last found. A
  // caller that can check it faster than find() (without reading the id
  // first) does, and then reports found(guess()).
  std::size_t guess() const { return last_ + 1 < items_.size() ? last_ + 1 : 0; }
  void found(std::size_t item) { last_ = item; }

 private:
  const std::vector<Item>& items_;
  const Instrument& instrument_;
  std::size_t last_ = npos;  // so that the first guess is item 0
};

// Records that the answer to `item_id` in `row` is not a number; `shown` is
// the offending text, quoted in the message only when short.
void reject_answer(ResponseMatrix& matrix, std::size_t row, std::string_view item_id, AnswerErrorCode code,
                   std::string_view shown);

// Reads the plain decimals that answers almost always are: an optional '-',
// then 1 to 15 digits with at most one '.' between two of them. The value is
// exactly what std::from_chars returns: the digits make an exact integer
// below 2^53, and one IEEE division by an exact power of ten rounds
// correctly. For anything else it returns false and the caller falls back to
// from_chars. `whole` says there was no fraction.
inline bool parse_plain_decimal(std::string_view text, double& value, bool& whole) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  const char* const first = p;
  std::uint64_t digits = 0;
  for (; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p)
    digits = digits * 10 + static_cast<unsigned>(*p - '0');
  const auto integer_digits = p - first;
  if (integer_digits == 0) return false;
  whole = p == end;
  if (whole) {
    if (integer_digits > 15) return false;
    value = static_cast<double>(digits);  // no division: it costs more than the rest together
  } else {
    if (*p != '.') return false;
    const char* const fraction = ++p;
    for (; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p)
      digits = digits * 10 + static_cast<unsigned>(*p - '0');
    const auto fraction_digits = p - fraction;
    if (p != end || fraction_digits == 0 || integer_digits + fraction_digits > 15) return false;
    static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                              1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    value = static_cast<double>(digits) / kPowersOfTen[fraction_digits];
  }
  if (negative) value = -value;
  return true;
}

// Finds repeated respondent ids in one pass over a wave, which may arrive a
// chunk at a time. It keeps its own copy of every id in one buffer, so it
// costs no allocation per id: the id's bytes, 8 bytes for where it ends,
// and, once it needs its index, 32 bytes of index per id.
//
// Ids usually arrive sorted (1, 2, 3, ..., or an export ordered by record
// id). While each id sorts after the one before it (shorter first, then by
// bytes), none can repeat, and the index, whose lookups each miss the cache
// on a large wave, is built only when that order first breaks.
class DuplicateIds {
 public:
  // `expected`: about how many ids there will be, to size the index.
  explicit DuplicateIds(std::size_t expected = 0) : expected_(expected) {}

  // Notes `id`. When it was noted before, counts it and, up to a limit,
  // lists a duplicate_id problem at `locate()` (a Problem with its source,
  // line and column or pointer; code and message are filled in here).
  template <class Locate>
  void add(std::string_view id, const Locate& locate) {
    if (insert(id)) return;
    ++repeats_;
    if (problems_.size() < kMaxListed) list_repeat(id, locate());
  }

  // The `invalid` Error listing every repeated id, or nullopt.
  std::optional<Error> error() const;

 private:
  static constexpr std::size_t kMaxListed = 100;
  struct Slot {
    std::uint64_t hash = 0;
    std::size_t id = 0;  // 1 + position in ends_; 0: empty
  };

  // False when `id` is there already; else adds it.
  bool insert(std::string_view id);
  void list_repeat(std::string_view id, Problem where);
  std::string_view text_of(std::size_t id) const;
  void index(std::size_t id, std::uint64_t hash);
  void rebuild_index(std::size_t slot_count);

  std::size_t expected_;
  bool sorted_ = true;             // every id so far sorts after the one before it
  std::string text_;               // the distinct ids, back to back
  std::vector<std::size_t> ends_;  // where each one ends in text_
  std::vector<Slot> slots_;        // open addressing, at most half full; empty while sorted_
  std::size_t repeats_ = 0;
  std::vector<Problem> problems_;
};

}  // namespace psyscore::detail
