#include "scoring/decode/decode_common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>

#include "scoring/util/json_writer.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace psyscore::detail {

namespace {

std::string number_text(double x) {
  std::string out;
  append_json_number(out, x);
  return out;
}

}  // namespace

std::size_t add_respondent(ResponseMatrix& matrix, std::string_view id) {
  matrix.ids.emplace_back(id);
  matrix.answers.resize(matrix.answers.size() + matrix.item_count, std::numeric_limits<double>::quiet_NaN());
  matrix.errors.emplace_back();
  return matrix.ids.size() - 1;
}

void drop_last_respondent(ResponseMatrix& matrix) {
  matrix.ids.pop_back();
  matrix.errors.pop_back();
  matrix.answers.resize(matrix.answers.size() - matrix.item_count);
}

namespace {

// Asks the kernel to back a large block that is still untouched with huge
// pages. Filling a large wave otherwise takes a page fault per 4 KiB, which
// on the virtual machines services run on cost more than decoding the bytes
// that fill them (docs/performance.md). A hint: Linux only, and ignored
// when transparent huge pages are off.
void prefer_huge_pages([[maybe_unused]] const void* data, [[maybe_unused]] std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
  if (bytes < 2 * kHugePage) return;
  const auto address = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = (address + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t end = (address + bytes) & ~(kHugePage - 1);
  // madvise takes the page-aligned address itself, so the integer has to become a pointer again.
  if (end > begin)
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // NOLINT(performance-no-int-to-ptr)
#endif
}

template <class T>
void reserve_untouched(std::vector<T>& values, std::size_t count) {
  if (count <= values.capacity()) return;
  values.reserve(count);
  prefer_huge_pages(values.data() + values.size(), (values.capacity() - values.size()) * sizeof(T));
}

}  // namespace

void reserve_respondents(ResponseMatrix& matrix, std::size_t respondents) {
  const std::size_t total = matrix.ids.size() + respondents;
  reserve_untouched(matrix.ids, total);
  reserve_untouched(matrix.errors, total);
  reserve_untouched(matrix.answers, total * matrix.item_count);
}

AnswerChecker::AnswerChecker(const Instrument& instrument) : instrument_(instrument) {
  limits_.reserve(instrument.items.size());
  whole_ranges_.reserve(instrument.items.size());
  for (const Item& item : instrument.items) {
    const Scale& scale = item.scale;
    const bool whole_steps = scale.step == 1 && std::floor(scale.min) == scale.min;
    limits_.push_back({scale.min, scale.max, whole_steps});
    // Integers and doubles agree up to 2^53; beyond, the range stays empty.
    constexpr double kExact = 9007199254740992.0;
    WholeRange range;
    if (whole_steps && scale.min >= -kExact && scale.max <= kExact) {
      range = {static_cast<std::int64_t>(scale.min), static_cast<std::int64_t>(std::floor(scale.max))};
    }
    whole_ranges_.push_back(range);
  }
}

void AnswerChecker::store(ResponseMatrix& matrix, std::size_t row, std::size_t item, double answer) const {
  const Item& definition = instrument_.items[item];
  const Scale& scale = definition.scale;
  if (!scale.in_range(answer)) {
    matrix.errors[row].push_back({definition.id, AnswerErrorCode::out_of_range,
                                  "answer " + number_text(answer) + " to item \"" + definition.id +
                                      "\" is outside its scale " + number_text(scale.min) + ".." +
                                      number_text(scale.max)});
    return;
  }
  if (!scale.on_grid(answer)) {
    matrix.errors[row].push_back({definition.id, AnswerErrorCode::off_step,
                                  "answer " + number_text(answer) + " to item \"" + definition.id +
                                      "\" is not one of the scale's values (" + number_text(scale.min) + " to " +
                                      number_text(scale.max) + " in steps of " + number_text(scale.step) + ")"});
    return;
  }
  matrix.answers[row * matrix.item_count + item] = answer;
}

void reject_answer(ResponseMatrix& matrix, std::size_t row, std::string_view item_id, AnswerErrorCode code,
                   std::string_view shown) {
  std::string message;
  if (code == AnswerErrorCode::unknown_item) {
    message = "the instrument has no item \"" + std::string(item_id) + "\"";
  } else {
    message = "the answer to item \"" + std::string(item_id) + "\" is not a number";
    if (!shown.empty() && shown.size() <= 20) message += " (\"" + std::string(shown) + "\")";
  }
  matrix.errors[row].push_back({std::string(item_id), code, std::move(message)});
}

std::string_view DuplicateIds::text_of(std::size_t id) const {
  const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
  return std::string_view(text_).substr(begin, ends_[id] - begin);
}

namespace {

// Whether `id` sorts after `last`: the longer one, or by bytes at equal
// length (as numbers do, unlike "10" < "9"). A loop, not memcmp: ids are
// short and the call cost more than the comparison.
bool sorts_after(std::string_view id, std::string_view last) {
  if (id.size() != last.size()) return id.size() > last.size();
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (id[i] != last[i]) return static_cast<unsigned char>(id[i]) > static_cast<unsigned char>(last[i]);
  }
  return false;
}

}  // namespace

bool DuplicateIds::insert(std::string_view id) {
  if (sorted_) {
    if (ends_.empty() || sorts_after(id, text_of(ends_.size() - 1))) {
      text_.append(id);
      ends_.push_back(text_.size());
      return true;
    }
    sorted_ = false;
    rebuild_index(2 * std::max(expected_, ends_.size()));
  }
  const std::uint64_t hash = std::hash<std::string_view>{}(id);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash & mask; slots_[slot].id != 0; slot = (slot + 1) & mask) {
    if (slots_[slot].hash == hash && text_of(slots_[slot].id - 1) == id) return false;
  }
  text_.append(id);
  ends_.push_back(text_.size());
  if (2 * ends_.size() > slots_.size()) {
    rebuild_index(2 * slots_.size());
  } else {
    index(ends_.size() - 1, hash);
  }
  return true;
}

// Enters id number `id`, known to be absent, into the index.
void DuplicateIds::index(std::size_t id, std::uint64_t hash) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = hash & mask;
  while (slots_[slot].id != 0) slot = (slot + 1) & mask;
  slots_[slot] = {hash, id + 1};
}

void DuplicateIds::rebuild_index(std::size_t slot_count) {
  std::size_t size = 16;
  while (size < slot_count) size *= 2;
  slots_.assign(size, Slot{});
  for (std::size_t id = 0; id < ends_.size(); ++id) index(id, std::hash<std::string_view>{}(text_of(id)));
}

void DuplicateIds::list_repeat(std::string_view id, Problem where) {
  where.code = "duplicate_id";
  where.message = "respondent id \"" + std::string(id) + "\" is used twice in this wave";
  problems_.push_back(std::move(where));
}

std::optional<Error> DuplicateIds::error() const {
  if (repeats_ == 0) return std::nullopt;
  return Error{ErrorCode::invalid,
               std::to_string(repeats_) + (repeats_ == 1 ? " respondent id is" : " respondent ids are") +
                   " repeated; ids must be unique within a wave",
               problems_};
}

}  // namespace psyscore::detail
