// Instrument definitions: items, reverse keys, subscales, bands and norms.
//
// A definition is JSON (the format is in docs/instruments.md). Loading it
// validates every rule and reports every problem at once, each with a JSON
// pointer; a loaded `Instrument` is immutable and shared between threads as
// `std::shared_ptr<const Instrument>`.
//
//   auto registry = psyscore::Registry::load_directory("instruments");
//   if (!registry) return fail(registry.error());
//   std::shared_ptr<const psyscore::Instrument> phq9 = registry->find("phq-9");
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/fhir_binding.hpp"

namespace psyscore {

// The response scale of an item: answers are min, min + step, ..., max.
struct Scale {
  double min = 0;
  double max = 0;
  double step = 1;

  // True when x lies in [min, max] (on_grid() says whether it is on a step).
  bool in_range(double x) const { return x >= min && x <= max; }
  // True when x is min + j * step for a whole j (to a relative 1e-9 of step).
  bool on_grid(double x) const;
  // The keyed value of a reverse-keyed answer.
  double reverse(double x) const { return min + max - x; }
  friend bool operator==(const Scale&, const Scale&) = default;
};

struct Item {
  std::string id;
  std::string label;  // short label; may be empty
  std::string text;   // wording, only where the licence allows; may be empty
  bool reverse_keyed = false;
  Scale scale;  // the item's own scale, or the instrument's

  // The answer as it counts towards scores (reversed when reverse_keyed).
  double keyed(double answer) const { return reverse_keyed ? scale.reverse(answer) : answer; }
};

enum class ScoringMethod { sum, mean, pomp };
std::string_view to_string(ScoringMethod method);

// An inclusive range [min, max] of subscale values; an open end is nullopt.
struct Band {
  std::string label;
  std::optional<double> min;
  std::optional<double> max;

  bool contains(double value) const { return (!min || value >= *min) && (!max || value <= *max); }
};

struct Norms {
  double mean = 0;
  double sd = 1;
  std::string source;
};

struct PublishedReliability {
  double alpha = 0;
  std::string source;
};

struct Subscale {
  std::string id;
  std::string name;
  std::vector<std::size_t> items;  // indices into Instrument::items, in definition order
  ScoringMethod method = ScoringMethod::sum;
  std::size_t min_answered = 0;  // at least 1, at most items.size()
  bool prorate = true;           // only meaningful for ScoringMethod::sum
  bool higher_is_better = false;
  std::vector<Band> bands;  // ascending, non-overlapping
  std::string bands_source;
  std::optional<Norms> norms;
  std::optional<PublishedReliability> published_reliability;
  std::vector<std::string> notes;

  // The index of the band that contains value, or nullopt (no bands, or the
  // value falls outside or between them).
  std::optional<std::size_t> band_of(double value) const;
};

// A validated instrument definition. Immutable after loading.
struct Instrument {
  std::string id;
  std::string version;
  std::string name;
  std::string citation;
  std::string license;
  std::vector<std::string> notes;
  Scale scale;
  std::vector<Item> items;
  std::vector<Subscale> subscales;
  // The optional "fhir" block; item_codes and subscale_codes always have one
  // entry per item and subscale (empty when the definition gives none).
  FhirBinding fhir;

  // SHA-256 (lower-case hex) of canonical_json.
  std::string sha256;
  // The definition serialized canonically: object keys sorted, no white
  // space, numbers in shortest round-trip form. Served as the definition.
  std::string canonical_json;

  // The index of the item with this id, or nullopt.
  std::optional<std::size_t> item_index(std::string_view item_id) const;
  // The index of the subscale with this id, or nullopt.
  std::optional<std::size_t> subscale_index(std::string_view subscale_id) const;

  // Filled by the loader; maps item ids to indices.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> item_lookup;
};

using InstrumentPtr = std::shared_ptr<const Instrument>;

// Parses and validates a definition. On failure the Error (code `malformed`
// for JSON syntax or wrong types, `invalid` for broken rules) lists every
// problem found, each with a JSON pointer. `source` names the input in
// problems (a file name; may be empty).
Result<InstrumentPtr> parse_instrument(std::string_view json_text, std::string_view source = {});

// Reads and parses a definition file. A file that cannot be read gives
// ErrorCode::not_found or ErrorCode::io_error.
Result<InstrumentPtr> load_instrument_file(const std::filesystem::path& path);

// The instruments of one directory, by id. Immutable; to reload, load a new
// Registry and swap the pointer that holds it. Thread-safe for readers.
class Registry {
 public:
  Registry() = default;

  // Loads every `*.json` file of `directory` except `schema.json`. Fails, with
  // every problem of every file, when any file is invalid or two files share
  // an instrument id.
  static Result<Registry> load_directory(const std::filesystem::path& directory);

  // The instrument with this id, or nullptr.
  InstrumentPtr find(std::string_view id) const;
  // All instruments, ordered by id.
  const std::vector<InstrumentPtr>& instruments() const { return instruments_; }

 private:
  std::vector<InstrumentPtr> instruments_;
};

}  // namespace psyscore
