// Loading and validating instrument definitions (format: docs/instruments.md).
//
// Validation does not stop at the first problem: a definition author wants
// the whole list, each problem with the JSON pointer of the offending value.

#include "psyscore/instrument.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "scoring/instrument/canonical_json.hpp"
#include "scoring/instrument/instrument_json.hpp"
#include "scoring/util/json_input.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {

namespace json = boost::json;
using detail::pointer_append;

bool Scale::on_grid(double x) const {
  const double steps = (x - min) / step;
  return std::abs(steps - std::round(steps)) <= 1e-9 * std::max(1.0, std::abs(steps));
}

std::string_view to_string(ScoringMethod method) {
  switch (method) {
    case ScoringMethod::sum: return "sum";
    case ScoringMethod::mean: return "mean";
    case ScoringMethod::pomp: return "pomp";
  }
  return "sum";
}

std::optional<std::size_t> Subscale::band_of(double value) const {
  for (std::size_t b = 0; b < bands.size(); ++b) {
    if (bands[b].contains(value)) return b;
  }
  return std::nullopt;
}

std::optional<std::size_t> Instrument::item_index(std::string_view item_id) const {
  const auto it = item_lookup.find(item_id);
  if (it == item_lookup.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> Instrument::subscale_index(std::string_view subscale_id) const {
  for (std::size_t s = 0; s < subscales.size(); ++s) {
    if (subscales[s].id == subscale_id) return s;
  }
  return std::nullopt;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string format_number(double x) {
  std::string out;
  detail::append_json_number(out, x);
  return out;
}

// Collects problems while walking one definition.
class Checker {
 public:
  explicit Checker(std::string_view source) : source_(source) {}

  void report(std::string pointer, std::string code, std::string message) {
    problems_.push_back(Problem{
        .source = source_, .pointer = std::move(pointer), .code = std::move(code), .message = std::move(message)});
  }
  bool clean() const { return problems_.empty(); }
  std::vector<Problem> take() { return std::move(problems_); }

  // Reports every key of `object` that is not in `allowed`, suggesting the
  // nearest allowed key for a likely typo.
  void only_keys(const json::object& object, const std::string& pointer,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& entry : object) {
      const std::string_view key = entry.key();
      if (std::ranges::find(allowed, key) != allowed.end()) continue;
      std::string message = "unknown key \"" + std::string(key) + "\"";
      std::string_view nearest;
      std::size_t best = 3;
      for (std::string_view candidate : allowed) {
        const std::size_t d = edit_distance(key, candidate);
        if (d < best) best = d, nearest = candidate;
      }
      if (!nearest.empty()) message += "; did you mean \"" + std::string(nearest) + "\"?";
      report(pointer_append(pointer, key), "unknown_key", message);
    }
  }

  const json::object* object(const json::value& value, const std::string& pointer, std::string_view what) {
    if (const auto* o = value.if_object()) return o;
    report(pointer, "wrong_type",
           std::string(what) + " must be an object, not " + std::string(detail::describe_type(value)));
    return nullptr;
  }

  const json::array* array(const json::value& value, const std::string& pointer, std::string_view what) {
    if (const auto* a = value.if_array()) return a;
    report(pointer, "wrong_type",
           std::string(what) + " must be an array, not " + std::string(detail::describe_type(value)));
    return nullptr;
  }

  std::optional<std::string> string(const json::object& object, std::string_view key, const std::string& pointer,
                                    bool required) {
    const json::value* value = object.if_contains(key);
    const std::string where = pointer_append(pointer, key);
    if (!value) {
      if (required) report(where, "missing_key", "\"" + std::string(key) + "\" is required");
      return std::nullopt;
    }
    if (!value->is_string()) {
      report(where, "wrong_type",
             "\"" + std::string(key) + "\" must be a string, not " + std::string(detail::describe_type(*value)));
      return std::nullopt;
    }
    return std::string(value->get_string());
  }

  std::optional<double> number(const json::object& object, std::string_view key, const std::string& pointer,
                               bool required) {
    const json::value* value = object.if_contains(key);
    const std::string where = pointer_append(pointer, key);
    if (!value) {
      if (required) report(where, "missing_key", "\"" + std::string(key) + "\" is required");
      return std::nullopt;
    }
    double x = 0;
    if (!detail::get_number(*value, x)) {
      report(where, "wrong_type",
             "\"" + std::string(key) + "\" must be a number, not " + std::string(detail::describe_type(*value)));
      return std::nullopt;
    }
    return x;
  }

  std::optional<bool> boolean(const json::object& object, std::string_view key, const std::string& pointer) {
    const json::value* value = object.if_contains(key);
    if (!value) return std::nullopt;
    if (!value->is_bool()) {
      report(pointer_append(pointer, key), "wrong_type",
             "\"" + std::string(key) + "\" must be true or false, not " + std::string(detail::describe_type(*value)));
      return std::nullopt;
    }
    return value->get_bool();
  }

  // "notes": a string or an array of strings.
  std::vector<std::string> notes(const json::object& object, const std::string& pointer) {
    std::vector<std::string> out;
    const json::value* value = object.if_contains("notes");
    if (!value) return out;
    const std::string where = pointer_append(pointer, "notes");
    if (value->is_string()) {
      out.emplace_back(value->get_string());
      return out;
    }
    if (const auto* list = value->if_array()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        if ((*list)[i].is_string()) {
          out.emplace_back((*list)[i].get_string());
        } else {
          report(pointer_append(where, i), "wrong_type", "a note must be a string");
        }
      }
      return out;
    }
    report(where, "wrong_type", "\"notes\" must be a string or an array of strings");
    return out;
  }

  std::optional<Scale> scale(const json::value& value, const std::string& pointer) {
    const json::object* object = this->object(value, pointer, "\"scale\"");
    if (!object) return std::nullopt;
    only_keys(*object, pointer, {"min", "max", "step"});
    const auto min = number(*object, "min", pointer, true);
    const auto max = number(*object, "max", pointer, true);
    const auto step = number(*object, "step", pointer, false);
    if (!min || !max) return std::nullopt;
    Scale scale{*min, *max, step.value_or(1.0)};
    bool ok = true;
    if (!(scale.min < scale.max)) {
      report(
          pointer_append(pointer, "max"), "empty_scale",
          "scale max (" + format_number(scale.max) + ") must be greater than min (" + format_number(scale.min) + ")");
      ok = false;
    }
    if (!(scale.step > 0)) {
      report(pointer_append(pointer, "step"), "bad_step", "scale step must be positive");
      ok = false;
    } else if (ok && !scale.on_grid(scale.max)) {
      report(pointer_append(pointer, "step"), "bad_step",
             "scale step " + format_number(scale.step) + " does not divide the range " + format_number(scale.min) +
                 ".." + format_number(scale.max));
      ok = false;
    }
    if (ok && (scale.max - scale.min) / scale.step > 10000) {
      report(pointer_append(pointer, "step"), "bad_step", "a scale may have at most 10001 response levels");
      ok = false;
    }
    return ok ? std::optional<Scale>(scale) : std::nullopt;
  }

 private:
  std::string source_;
  std::vector<Problem> problems_;
};

const std::regex& id_pattern() {
  static const std::regex pattern("[a-z0-9][a-z0-9._-]*");
  return pattern;
}

// Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH[-pre][+build].
const std::regex& version_pattern() {
  static const std::regex pattern(
      "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
      "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
  return pattern;
}

void read_items(Checker& check, const json::object& root, Instrument& instrument) {
  const json::value* value = root.if_contains("items");
  if (!value) {
    check.report("/items", "missing_key", "\"items\" is required");
    return;
  }
  const json::array* items = check.array(*value, "/items", "\"items\"");
  if (!items) return;
  if (items->empty()) check.report("/items", "empty", "an instrument needs at least one item");
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string pointer = pointer_append("/items", i);
    const json::object* object = check.object((*items)[i], pointer, "an item");
    if (!object) continue;
    check.only_keys(*object, pointer, {"id", "label", "text", "reverse", "scale", "notes"});
    Item item;
    item.id = check.string(*object, "id", pointer, true).value_or("");
    item.label = check.string(*object, "label", pointer, false).value_or("");
    item.text = check.string(*object, "text", pointer, false).value_or("");
    item.reverse_keyed = check.boolean(*object, "reverse", pointer).value_or(false);
    check.notes(*object, pointer);
    item.scale = instrument.scale;
    if (const json::value* own = object->if_contains("scale")) {
      if (auto scale = check.scale(*own, pointer_append(pointer, "scale"))) item.scale = *scale;
    }
    if (object->contains("id") && object->at("id").is_string()) {
      if (item.id.empty()) {
        check.report(pointer_append(pointer, "id"), "empty_id", "an item id must not be empty");
      } else if (instrument.item_lookup.contains(item.id)) {
        check.report(pointer_append(pointer, "id"), "duplicate_id",
                     "item id \"" + item.id + "\" is used twice (first at /items/" +
                         std::to_string(instrument.item_lookup.at(item.id)) + ")");
      } else {
        instrument.item_lookup.emplace(item.id, instrument.items.size());
      }
    }
    instrument.items.push_back(std::move(item));
  }
}

void read_bands(Checker& check, const json::object& object, const std::string& pointer, Subscale& subscale) {
  const json::value* value = object.if_contains("bands");
  if (!value) return;
  const std::string bands_pointer = pointer_append(pointer, "bands");
  const json::array* bands = check.array(*value, bands_pointer, "\"bands\"");
  if (!bands) return;
  std::set<std::string> labels;
  for (std::size_t b = 0; b < bands->size(); ++b) {
    const std::string band_pointer = pointer_append(bands_pointer, b);
    const json::object* band_object = check.object((*bands)[b], band_pointer, "a band");
    if (!band_object) continue;
    check.only_keys(*band_object, band_pointer, {"label", "min", "max"});
    Band band;
    band.label = check.string(*band_object, "label", band_pointer, true).value_or("");
    band.min = check.number(*band_object, "min", band_pointer, false);
    band.max = check.number(*band_object, "max", band_pointer, false);
    if (band_object->contains("label") && band.label.empty()) {
      check.report(pointer_append(band_pointer, "label"), "empty_label", "a band label must not be empty");
    } else if (!band.label.empty() && !labels.insert(band.label).second) {
      check.report(pointer_append(band_pointer, "label"), "duplicate_label",
                   "band label \"" + band.label + "\" is used twice in this subscale");
    }
    if (band.min && band.max && *band.min > *band.max) {
      check.report(band_pointer, "empty_band",
                   "band \"" + band.label + "\" has min " + format_number(*band.min) + " above its max " +
                       format_number(*band.max));
    }
    if (b > 0 && !band.min) {
      check.report(band_pointer, "overlapping_bands",
                   "band \"" + band.label + "\" has no min: only the first band may be open below");
    }
    if (b + 1 < bands->size() && !band.max) {
      check.report(band_pointer, "overlapping_bands",
                   "band \"" + band.label + "\" has no max: only the last band may be open above");
    }
    if (b > 0 && band.min && !subscale.bands.empty()) {
      const Band& previous = subscale.bands.back();
      if (previous.max && *band.min <= *previous.max) {
        check.report(pointer_append(band_pointer, "min"), "overlapping_bands",
                     "band \"" + band.label + "\" starts at " + format_number(*band.min) +
                         ", not above the end of band \"" + previous.label + "\" (" + format_number(*previous.max) +
                         "): bands must be in ascending order and must not overlap");
      }
    }
    subscale.bands.push_back(std::move(band));
  }
}

void read_subscale(Checker& check, const json::object& object, const std::string& pointer, const Instrument& instrument,
                   Subscale& subscale) {
  check.only_keys(object, pointer,
                  {"id", "name", "items", "method", "min_answered", "prorate", "higher_is_better", "bands",
                   "bands_source", "norms", "published_reliability", "notes"});
  subscale.id = check.string(object, "id", pointer, true).value_or("");
  subscale.name = check.string(object, "name", pointer, false).value_or("");
  subscale.bands_source = check.string(object, "bands_source", pointer, false).value_or("");
  subscale.notes = check.notes(object, pointer);
  subscale.higher_is_better = check.boolean(object, "higher_is_better", pointer).value_or(false);

  if (auto method = check.string(object, "method", pointer, true)) {
    if (*method == "sum") {
      subscale.method = ScoringMethod::sum;
    } else if (*method == "mean") {
      subscale.method = ScoringMethod::mean;
    } else if (*method == "pomp") {
      subscale.method = ScoringMethod::pomp;
    } else {
      check.report(pointer_append(pointer, "method"), "unknown_method",
                   "method \"" + *method + "\" is not one of \"sum\", \"mean\", \"pomp\"");
    }
  }

  const std::string items_pointer = pointer_append(pointer, "items");
  if (const json::value* value = object.if_contains("items")) {
    if (const json::array* ids = check.array(*value, items_pointer, "\"items\"")) {
      if (ids->empty()) check.report(items_pointer, "empty_subscale", "a subscale needs at least one item");
      for (std::size_t j = 0; j < ids->size(); ++j) {
        const std::string item_pointer = pointer_append(items_pointer, j);
        if (!(*ids)[j].is_string()) {
          check.report(item_pointer, "wrong_type", "an item reference must be a string item id");
          continue;
        }
        const std::string_view id = (*ids)[j].get_string();
        const auto index = instrument.item_index(id);
        if (!index) {
          check.report(item_pointer, "unknown_item", "no item has id \"" + std::string(id) + "\"");
        } else if (std::ranges::find(subscale.items, *index) != subscale.items.end()) {
          check.report(item_pointer, "duplicate_id", "item \"" + std::string(id) + "\" is listed twice");
        } else {
          subscale.items.push_back(*index);
        }
      }
    }
  } else {
    check.report(items_pointer, "missing_key", "\"items\" is required");
  }

  const std::size_t k = subscale.items.size();
  subscale.min_answered = k;
  if (const json::value* value = object.if_contains("min_answered")) {
    const std::string where = pointer_append(pointer, "min_answered");
    double x = 0;
    if (!detail::get_number(*value, x) || x != std::floor(x)) {
      check.report(where, "wrong_type", "\"min_answered\" must be a whole number");
    } else if (x < 1) {
      check.report(where, "out_of_range", "\"min_answered\" must be at least 1");
    } else if (k > 0 && x > static_cast<double>(k)) {
      check.report(
          where, "out_of_range",
          "\"min_answered\" is " + format_number(x) + " but the subscale has only " + std::to_string(k) + " items");
    } else if (k > 0) {
      // (Without items the subscale is already reported; x may not even fit
      // a size_t then.)
      subscale.min_answered = static_cast<std::size_t>(x);
    }
  }

  if (auto prorate = check.boolean(object, "prorate", pointer)) {
    subscale.prorate = *prorate;
    if (subscale.method != ScoringMethod::sum) {
      check.report(pointer_append(pointer, "prorate"), "not_applicable",
                   "\"prorate\" applies to method \"sum\" only (a mean already uses the answered items; "
                   "set min_answered to require more of them)");
    } else if (!*prorate && subscale.min_answered < k) {
      check.report(pointer_append(pointer, "min_answered"), "out_of_range",
                   "with \"prorate\": false a sum needs every item, so \"min_answered\" must be " + std::to_string(k));
    }
  }

  if (subscale.method == ScoringMethod::pomp && k > 1) {
    const Scale& first = instrument.items[subscale.items.front()].scale;
    for (std::size_t j = 1; j < k; ++j) {
      if (instrument.items[subscale.items[j]].scale.min != first.min ||
          instrument.items[subscale.items[j]].scale.max != first.max) {
        check.report(pointer_append(items_pointer, j), "mixed_scales",
                     "method \"pomp\" needs every item on one scale; item \"" + instrument.items[subscale.items[j]].id +
                         "\" has a different min or max");
        break;
      }
    }
  }

  read_bands(check, object, pointer, subscale);

  if (const json::value* value = object.if_contains("norms")) {
    const std::string where = pointer_append(pointer, "norms");
    if (const json::object* norms = check.object(*value, where, "\"norms\"")) {
      check.only_keys(*norms, where, {"mean", "sd", "source", "notes"});
      const auto mean = check.number(*norms, "mean", where, true);
      const auto sd = check.number(*norms, "sd", where, true);
      const auto source = check.string(*norms, "source", where, false);
      check.notes(*norms, where);
      if (sd && !(*sd > 0)) check.report(pointer_append(where, "sd"), "out_of_range", "norm sd must be positive");
      if (mean && sd && *sd > 0) subscale.norms = Norms{*mean, *sd, source.value_or("")};
    }
  }

  if (const json::value* value = object.if_contains("published_reliability")) {
    const std::string where = pointer_append(pointer, "published_reliability");
    if (const json::object* reliability = check.object(*value, where, "\"published_reliability\"")) {
      check.only_keys(*reliability, where, {"alpha", "source", "notes"});
      const auto alpha = check.number(*reliability, "alpha", where, true);
      const auto source = check.string(*reliability, "source", where, false);
      check.notes(*reliability, where);
      if (alpha && !(*alpha > 0 && *alpha < 1)) {
        check.report(pointer_append(where, "alpha"), "out_of_range", "a published alpha must lie between 0 and 1");
      } else if (alpha) {
        subscale.published_reliability = PublishedReliability{*alpha, source.value_or("")};
      }
    }
  }
}

void read_subscales(Checker& check, const json::object& root, Instrument& instrument) {
  const json::value* value = root.if_contains("subscales");
  if (!value) {
    check.report("/subscales", "missing_key", "\"subscales\" is required");
    return;
  }
  const json::array* subscales = check.array(*value, "/subscales", "\"subscales\"");
  if (!subscales) return;
  if (subscales->empty()) check.report("/subscales", "empty", "an instrument needs at least one subscale");
  std::set<std::string> ids;
  for (std::size_t s = 0; s < subscales->size(); ++s) {
    const std::string pointer = pointer_append("/subscales", s);
    const json::object* object = check.object((*subscales)[s], pointer, "a subscale");
    if (!object) continue;
    Subscale subscale;
    read_subscale(check, *object, pointer, instrument, subscale);
    if (object->contains("id") && object->at("id").is_string()) {
      if (subscale.id.empty()) {
        check.report(pointer_append(pointer, "id"), "empty_id", "a subscale id must not be empty");
      } else if (!ids.insert(subscale.id).second) {
        check.report(pointer_append(pointer, "id"), "duplicate_id",
                     "subscale id \"" + subscale.id + "\" is used twice");
      }
    }
    instrument.subscales.push_back(std::move(subscale));
  }
}

// The optional "fhir" block (docs/fhir.md): the Questionnaire url and its
// aliases, codes for the panel, items and subscales, the code map of coded
// answers, and questions the form asks but no subscale scores.
std::optional<FhirCoding> read_coding(Checker& check, const json::value& value, const std::string& pointer) {
  const json::object* object = check.object(value, pointer, "a coding");
  if (!object) return std::nullopt;
  check.only_keys(*object, pointer, {"system", "code", "display"});
  FhirCoding coding;
  coding.system = check.string(*object, "system", pointer, true).value_or("");
  coding.code = check.string(*object, "code", pointer, true).value_or("");
  coding.display = check.string(*object, "display", pointer, false).value_or("");
  if (object->contains("system") && coding.system.find(':') == std::string::npos) {
    check.report(pointer_append(pointer, "system"), "bad_system",
                 "a coding's system must be an absolute URI such as http://loinc.org");
  }
  if (object->contains("code") && coding.code.empty()) {
    check.report(pointer_append(pointer, "code"), "empty_code", "a coding's code must not be empty");
  }
  return coding;
}

std::vector<FhirCoding> read_codings(Checker& check, const json::value& value, const std::string& pointer) {
  std::vector<FhirCoding> codings;
  const json::array* list = check.array(value, pointer, "a list of codings");
  if (!list) return codings;
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (auto coding = read_coding(check, (*list)[i], pointer_append(pointer, i))) codings.push_back(*coding);
  }
  return codings;
}

void read_fhir(Checker& check, const json::object& root, Instrument& instrument) {
  FhirBinding& fhir = instrument.fhir;
  fhir.item_codes.assign(instrument.items.size(), {});
  fhir.subscale_codes.assign(instrument.subscales.size(), {});
  const json::value* value = root.if_contains("fhir");
  if (!value) return;
  const std::string pointer = "/fhir";
  const json::object* object = check.object(*value, pointer, "\"fhir\"");
  if (!object) return;
  check.only_keys(*object, pointer,
                  {"url", "questionnaire", "code", "items", "subscales", "answers", "ignore", "notes"});
  check.notes(*object, pointer);
  if (auto url = check.string(*object, "url", pointer, false)) {
    fhir.url = *url;
    if (url->find(':') == std::string::npos || url->find_first_of("|# ") != std::string::npos) {
      check.report("/fhir/url", "bad_url",
                   "the Questionnaire url must be an absolute URI without '|', '#' or spaces (the version is the "
                   "definition's)");
    }
  }
  const auto strings = [&](std::string_view key, std::vector<std::string>& into) {
    const json::value* list_value = object->if_contains(key);
    if (!list_value) return;
    const std::string where = pointer_append(pointer, key);
    const json::array* list = check.array(*list_value, where, "\"" + std::string(key) + "\"");
    if (!list) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json::string* text = (*list)[i].if_string();
      if (!text || text->empty()) {
        check.report(pointer_append(where, i), "wrong_type", "each entry must be a non-empty string");
        continue;
      }
      into.emplace_back(*text);
    }
  };
  strings("questionnaire", fhir.questionnaire);
  strings("ignore", fhir.ignore);
  if (const json::value* code = object->if_contains("code")) fhir.code = read_coding(check, *code, "/fhir/code");

  if (const json::value* items = object->if_contains("items")) {
    if (const json::object* by_item = check.object(*items, "/fhir/items", "\"fhir.items\"")) {
      for (const auto& entry : *by_item) {
        const std::string where = pointer_append("/fhir/items", entry.key());
        const auto index = instrument.item_index(entry.key());
        if (!index) {
          check.report(where, "unknown_item",
                       "\"" + std::string(entry.key()) + "\" is not an item id of this definition");
          continue;
        }
        fhir.item_codes[*index] = read_codings(check, entry.value(), where);
      }
    }
  }
  if (const json::value* subscales = object->if_contains("subscales")) {
    if (const json::object* by_subscale = check.object(*subscales, "/fhir/subscales", "\"fhir.subscales\"")) {
      for (const auto& entry : *by_subscale) {
        const std::string where = pointer_append("/fhir/subscales", entry.key());
        const auto index = instrument.subscale_index(entry.key());
        if (!index) {
          check.report(where, "unknown_subscale",
                       "\"" + std::string(entry.key()) + "\" is not a subscale id of this definition");
          continue;
        }
        fhir.subscale_codes[*index] = read_codings(check, entry.value(), where);
      }
    }
  }
  if (const json::value* answers = object->if_contains("answers")) {
    if (const json::array* list = check.array(*answers, "/fhir/answers", "\"fhir.answers\"")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = pointer_append("/fhir/answers", i);
        const json::object* answer = check.object((*list)[i], where, "an answer code");
        if (!answer) continue;
        check.only_keys(*answer, where, {"system", "code", "display", "value"});
        FhirAnswerCode mapped;
        mapped.coding.system = check.string(*answer, "system", where, true).value_or("");
        mapped.coding.code = check.string(*answer, "code", where, true).value_or("");
        mapped.coding.display = check.string(*answer, "display", where, false).value_or("");
        const auto number = check.number(*answer, "value", where, true);
        if (!number) continue;
        mapped.value = *number;
        const bool on_a_scale = std::ranges::any_of(instrument.items, [&](const Item& item) {
          return item.scale.in_range(mapped.value) && item.scale.on_grid(mapped.value);
        });
        if (!on_a_scale) {
          check.report(pointer_append(where, "value"), "value_off_scale",
                       "the value " + format_number(mapped.value) + " is on no item's scale");
        }
        for (const FhirAnswerCode& earlier : fhir.answers) {
          if (earlier.coding.system == mapped.coding.system && earlier.coding.code == mapped.coding.code) {
            check.report(pointer_append(where, "code"), "duplicate_code",
                         "the code " + mapped.coding.code + " of " + mapped.coding.system + " is mapped twice");
          }
        }
        fhir.answers.push_back(std::move(mapped));
      }
    }
  }

  // A linkId must name one thing: an item, a subscale's score, or an ignored question.
  std::map<std::string, std::string> names;  // linkId form -> what it names
  const auto claim = [&](const std::string& key, const std::string& what, const std::string& where) {
    const auto [at, inserted] = names.emplace(key, what);
    if (!inserted && at->second != what) {
      check.report(where, "ambiguous_code", "\"" + key + "\" would name both " + at->second + " and " + what);
    }
  };
  for (std::size_t i = 0; i < instrument.items.size(); ++i) {
    claim(instrument.items[i].id, "item " + instrument.items[i].id, "/items/" + std::to_string(i) + "/id");
  }
  for (std::size_t i = 0; i < fhir.item_codes.size(); ++i) {
    for (const FhirCoding& coding : fhir.item_codes[i]) {
      claim(coding.code, "item " + instrument.items[i].id, pointer_append("/fhir/items", instrument.items[i].id));
    }
  }
  for (std::size_t s = 0; s < fhir.subscale_codes.size(); ++s) {
    for (const FhirCoding& coding : fhir.subscale_codes[s]) {
      claim(coding.code, "subscale " + instrument.subscales[s].id,
            pointer_append("/fhir/subscales", instrument.subscales[s].id));
    }
  }
  for (std::size_t i = 0; i < fhir.ignore.size(); ++i) {
    const std::string& ignored = fhir.ignore[i];
    claim(ignored.starts_with('/') ? ignored.substr(1) : ignored, "an ignored question",
          pointer_append("/fhir/ignore", i));
  }
}

}  // namespace

Result<InstrumentPtr> parse_instrument(std::string_view json_text, std::string_view source) {
  auto document = detail::parse_json(json_text, source);
  if (!document) return std::unexpected(std::move(document.error()));
  return detail::instrument_from_json(*document, source, "");
}

namespace detail {

Result<InstrumentPtr> instrument_from_json(const json::value& document, std::string_view source,
                                           std::string_view pointer_prefix) {
  auto located = [&](std::vector<Problem> problems) {
    for (auto& problem : problems) problem.pointer.insert(0, pointer_prefix);
    return problems;
  };
  Checker check(source);
  const json::object* root = check.object(document, "", "an instrument definition");
  if (!root) {
    return std::unexpected(Error{ErrorCode::invalid, "the definition is not a JSON object", located(check.take())});
  }

  auto instrument = std::make_shared<Instrument>();
  check.only_keys(
      *root, "",
      {"$schema", "id", "version", "name", "citation", "license", "notes", "scale", "items", "subscales", "fhir"});
  check.string(*root, "$schema", "", false);
  if (auto id = check.string(*root, "id", "", true)) {
    instrument->id = *id;
    if (!std::regex_match(*id, id_pattern())) {
      check.report("/id", "bad_id", "id \"" + *id + "\" must match [a-z0-9][a-z0-9._-]*");
    }
  }
  if (auto version = check.string(*root, "version", "", true)) {
    instrument->version = *version;
    if (!std::regex_match(*version, version_pattern())) {
      check.report("/version", "bad_version", "version \"" + *version + "\" is not a semantic version like 1.0.0");
    }
  }
  instrument->name = check.string(*root, "name", "", true).value_or("");
  instrument->citation = check.string(*root, "citation", "", false).value_or("");
  instrument->license = check.string(*root, "license", "", false).value_or("");
  instrument->notes = check.notes(*root, "");

  if (const json::value* scale = root->if_contains("scale")) {
    if (auto parsed = check.scale(*scale, "/scale")) instrument->scale = *parsed;
  } else {
    check.report("/scale", "missing_key", "\"scale\" is required");
  }

  read_items(check, *root, *instrument);
  read_subscales(check, *root, *instrument);
  read_fhir(check, *root, *instrument);

  if (!check.clean()) {
    auto problems = check.take();
    std::string summary =
        "the definition has " + std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems");
    return std::unexpected(Error{ErrorCode::invalid, std::move(summary), located(std::move(problems))});
  }

  instrument->canonical_json = canonical_json(document);
  instrument->sha256 = sha256_hex(instrument->canonical_json);
  return instrument;
}

}  // namespace detail

namespace {

Result<std::string> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return std::unexpected(
        Error::single(ErrorCode::not_found, {.source = path.string(), .code = "not_found", .message = "no such file"}));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!in && !in.eof()) {
    return std::unexpected(Error::single(
        ErrorCode::io_error, {.source = path.string(), .code = "io_error", .message = "cannot read the file"}));
  }
  return std::move(contents).str();
}

}  // namespace

Result<InstrumentPtr> load_instrument_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return std::unexpected(std::move(text.error()));
  return parse_instrument(*text, path.string());
}

Result<Registry> Registry::load_directory(const std::filesystem::path& directory) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return std::unexpected(
        Error::single(ErrorCode::not_found,
                      {.source = directory.string(), .code = "not_found", .message = "no such instrument directory"}));
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const auto& path = entry.path();
    if (entry.is_regular_file() && path.extension() == ".json" && path.filename() != "schema.json") {
      files.push_back(path);
    }
  }
  if (ec) {
    return std::unexpected(
        Error::single(ErrorCode::io_error,
                      {.source = directory.string(), .code = "io_error", .message = "cannot list: " + ec.message()}));
  }
  std::ranges::sort(files);

  Registry registry;
  std::set<std::string> ids;
  std::vector<Problem> problems;
  ErrorCode code = ErrorCode::invalid;
  for (const auto& path : files) {
    auto instrument = load_instrument_file(path);
    if (!instrument) {
      if (instrument.error().code == ErrorCode::malformed) code = ErrorCode::malformed;
      for (auto& p : instrument.error().problems) problems.push_back(std::move(p));
      continue;
    }
    if (!ids.insert((*instrument)->id).second) {
      problems.push_back({.source = path.string(),
                          .pointer = "/id",
                          .code = "duplicate_id",
                          .message = "instrument id \"" + (*instrument)->id + "\" is defined by another file too"});
      continue;
    }
    registry.instruments_.push_back(std::move(*instrument));
  }
  std::ranges::sort(registry.instruments_, {}, [](const InstrumentPtr& i) { return i->id; });
  if (!problems.empty()) {
    std::string summary = "instrument directory " + directory.string() + " has " + std::to_string(problems.size()) +
                          (problems.size() == 1 ? " problem" : " problems");
    return std::unexpected(Error{code, std::move(summary), std::move(problems)});
  }
  return registry;
}

InstrumentPtr Registry::find(std::string_view id) const {
  const auto it =
      std::ranges::lower_bound(instruments_, id, {}, [](const InstrumentPtr& i) -> std::string_view { return i->id; });
  if (it == instruments_.end() || (*it)->id != id) return nullptr;
  return *it;
}

}  // namespace psyscore
