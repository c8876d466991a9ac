#include "scoring/decode/fhir_response.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>

#include <boost/json.hpp>

#include "scoring/decode/decode_common.hpp"
#include "scoring/util/json_input.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore {

namespace json = boost::json;

namespace detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` digits at `at`; false when there are fewer.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string fhirpath_of(std::string_view root, std::string_view pointer) {
  std::string out(root);
  std::size_t at = 0;
  while (at < pointer.size() && pointer[at] == '/') {
    std::size_t end = pointer.find('/', at + 1);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token;
    for (std::size_t i = at + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end) {
        token.push_back(pointer[i + 1] == '1' ? '/' : '~');
        ++i;
      } else {
        token.push_back(pointer[i]);
      }
    }
    const bool index = !token.empty() && std::all_of(token.begin(), token.end(), is_digit);
    if (index) {
      out += '[';
      out += token;
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += token;
    }
    at = end;
  }
  return out;
}

bool is_fhir_date_time(std::string_view text) {
  // YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss(.s+)(Z|+hh:mm|-hh:mm).
  int value = 0;
  if (!digits(text, 0, 4, value) || value == 0) return false;
  if (text.size() == 4) return true;
  if (text[4] != '-' || !digits(text, 5, 2, value) || value < 1 || value > 12) return false;
  if (text.size() == 7) return true;
  if (text.size() < 10 || text[7] != '-' || !digits(text, 8, 2, value) || value < 1 || value > 31) return false;
  if (text.size() == 10) return true;
  if (text.size() < 19 || text[10] != 'T') return false;
  if (!digits(text, 11, 2, value) || value > 23 || text[13] != ':') return false;
  if (!digits(text, 14, 2, value) || value > 59 || text[16] != ':') return false;
  if (!digits(text, 17, 2, value) || value > 60) return false;
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    const std::size_t first = ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
    if (at == first) return false;
  }
  if (at == text.size()) return false;  // a time needs its zone
  if (text[at] == 'Z') return at + 1 == text.size();
  if (text[at] != '+' && text[at] != '-') return false;
  int hours = 0;
  int minutes = 0;
  if (at + 6 != text.size() || !digits(text, at + 1, 2, hours) || text[at + 3] != ':' ||
      !digits(text, at + 4, 2, minutes))
    return false;
  return (hours <= 13 && minutes <= 59) || (hours == 14 && minutes == 0);
}

bool is_fhir_id(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
  });
}

LinkIndex::LinkIndex(const Instrument& instrument, const FhirBinding& fhir) {
  using Kind = LinkTarget::Kind;
  for (std::size_t i = 0; i < instrument.items.size(); ++i) add(instrument.items[i].id, {Kind::item, i});
  for (std::size_t i = 0; i < fhir.item_codes.size(); ++i) {
    for (const FhirCoding& coding : fhir.item_codes[i]) {
      add(coding.code, {Kind::item, i});
      add("/" + coding.code, {Kind::item, i});
    }
  }
  for (std::size_t s = 0; s < fhir.subscale_codes.size(); ++s) {
    for (const FhirCoding& coding : fhir.subscale_codes[s]) {
      add(coding.code, {Kind::subscale, s});
      add("/" + coding.code, {Kind::subscale, s});
    }
  }
  for (const std::string& ignored : fhir.ignore) {
    add(ignored, {Kind::ignored, 0});
    if (!ignored.starts_with('/')) add("/" + ignored, {Kind::ignored, 0});
  }
}

// The first meaning of a key stands: item ids before codes, codes before the
// ignore list (the loader rejects a definition where they collide).
void LinkIndex::add(std::string key, LinkTarget target) { targets_.try_emplace(std::move(key), target); }

std::optional<LinkTarget> LinkIndex::find(std::string_view link_id) const {
  if (const auto found = targets_.find(link_id); found != targets_.end()) return found->second;
  const std::size_t slash = link_id.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == link_id.size()) return std::nullopt;
  if (const auto found = targets_.find(link_id.substr(slash + 1)); found != targets_.end()) return found->second;
  return std::nullopt;
}

AnswerCodes::AnswerCodes(const FhirBinding& fhir) {
  for (const FhirAnswerCode& answer : fhir.answers) {
    by_system_and_code_.try_emplace(answer.coding.system + "|" + answer.coding.code, answer.value);
    auto [at, inserted] = by_code_.try_emplace(answer.coding.code, answer.value);
    if (!inserted && at->second != answer.value) at->second = std::nullopt;
  }
}

std::optional<double> AnswerCodes::find(std::string_view system, std::string_view code) const {
  if (system == kAnswerValueSystem) {
    double value = 0;
    const auto [end, error] = std::from_chars(code.data(), code.data() + code.size(), value);
    if (error != std::errc() || end != code.data() + code.size() || !std::isfinite(value)) return std::nullopt;
    return value;
  }
  if (system.empty()) {
    const auto found = by_code_.find(code);
    return found == by_code_.end() ? std::nullopt : found->second;
  }
  std::string key;
  key.reserve(system.size() + 1 + code.size());
  key.append(system).append("|").append(code);
  const auto found = by_system_and_code_.find(key);
  if (found == by_system_and_code_.end()) return std::nullopt;
  return found->second;
}

namespace {

std::string number_text(double x) {
  std::string out;
  append_json_number(out, x);
  return out;
}

// Whether `reference` (a `questionnaire` value without its "|version")
// points at a Questionnaire whose logical id is `id`: "Questionnaire/phq-9",
// "https://server/fhir/Questionnaire/phq-9".
bool names_questionnaire_id(std::string_view reference, std::string_view id) {
  if (id.empty()) return false;
  constexpr std::string_view kType = "Questionnaire/";
  if (!reference.ends_with(id)) return false;
  const std::string_view before = reference.substr(0, reference.size() - id.size());
  if (!before.ends_with(kType)) return false;
  return before.size() == kType.size() || before[before.size() - kType.size() - 1] == '/';
}

enum class Citation { no, yes, other_version };

Citation citation_of(const Instrument& instrument, std::string_view canonical) {
  const FhirBinding& fhir = instrument.fhir;
  const std::size_t bar = canonical.find('|');
  const std::string_view base = canonical.substr(0, bar);
  if (base == fhir_questionnaire_url(instrument)) {
    return bar == std::string_view::npos || canonical.substr(bar + 1) == instrument.version ? Citation::yes
                                                                                            : Citation::other_version;
  }
  for (const std::string& alias : fhir.questionnaire) {
    if (base == alias) return Citation::yes;
  }
  if (names_questionnaire_id(base, instrument.id)) return Citation::yes;
  if (fhir.code && names_questionnaire_id(base, fhir.code->code)) return Citation::yes;
  return Citation::no;
}

// One QuestionnaireResponse found in the body.
struct Located {
  const json::object* resource = nullptr;
  std::string pointer;   // JSON pointer of the resource in the body
  std::string location;  // its FHIRPath
  std::string full_url;  // the Bundle entry's fullUrl
};

Problem at(std::string pointer, std::string code, std::string message) {
  Problem problem;
  problem.pointer = std::move(pointer);
  problem.code = std::move(code);
  problem.message = std::move(message);
  return problem;
}

Error error_of(ErrorCode code, std::vector<Problem> problems) {
  Error error{.code = code, .message = {}, .problems = std::move(problems)};
  error.message = error.problems.size() == 1
                      ? error.problems.front().message
                      : std::to_string(error.problems.size()) + " problems in the FHIR resources; see errors";
  return error;
}

const json::string* string_at(const json::object& object, std::string_view key, const std::string& pointer,
                              std::vector<Problem>& problems) {
  const json::value* value = object.if_contains(key);
  if (!value) return nullptr;
  if (const json::string* text = value->if_string()) return text;
  problems.push_back(at(pointer_append(pointer, key), "wrong_type",
                        std::string(key) + " must be a string, not " + std::string(describe_type(*value)) + "."));
  return nullptr;
}

const json::array* array_at(const json::object& object, std::string_view key, const std::string& pointer,
                            std::vector<Problem>& problems) {
  const json::value* value = object.if_contains(key);
  if (!value) return nullptr;
  if (const json::array* list = value->if_array()) return list;
  problems.push_back(at(pointer_append(pointer, key), "wrong_type",
                        std::string(key) + " must be an array, not " + std::string(describe_type(*value)) + "."));
  return nullptr;
}

const json::object* object_at(const json::object& object, std::string_view key, const std::string& pointer,
                              std::vector<Problem>& problems) {
  const json::value* value = object.if_contains(key);
  if (!value) return nullptr;
  if (const json::object* inner = value->if_object()) return inner;
  problems.push_back(at(pointer_append(pointer, key), "wrong_type",
                        std::string(key) + " must be an object, not " + std::string(describe_type(*value)) + "."));
  return nullptr;
}

// Finds the QuestionnaireResponses of the body: the body itself, or the
// entries of a Bundle (other resources in a Bundle are skipped, with a
// warning).
Result<std::vector<Located>> locate_responses(const json::value& body, std::vector<std::string>& warnings) {
  const json::object* root = body.if_object();
  if (!root) {
    return std::unexpected(Error::single(
        ErrorCode::malformed,
        at("", "not_a_resource", "The body must be a FHIR QuestionnaireResponse or Bundle (a JSON object).")));
  }
  const json::value* type = root->if_contains("resourceType");
  const json::string* type_name = type ? type->if_string() : nullptr;
  if (type_name && *type_name == "QuestionnaireResponse") {
    return std::vector<Located>{{root, "", "QuestionnaireResponse", ""}};
  }
  if (!type_name || *type_name != "Bundle") {
    return std::unexpected(
        Error::single(ErrorCode::malformed, at("/resourceType", "not_a_response",
                                               "resourceType must be QuestionnaireResponse or Bundle (a Bundle of "
                                               "QuestionnaireResponses).")));
  }
  std::vector<Problem> problems;
  std::vector<Located> found;
  const json::array* entries = array_at(*root, "entry", "", problems);
  if (entries) {
    found.reserve(entries->size());
    std::size_t skipped = 0;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const std::string pointer = pointer_append("/entry", i);
      const json::object* entry = (*entries)[i].if_object();
      if (!entry) {
        problems.push_back(at(pointer, "wrong_type", "A Bundle entry must be an object."));
        continue;
      }
      const json::object* resource = object_at(*entry, "resource", pointer, problems);
      if (!resource) continue;
      const json::value* entry_type = resource->if_contains("resourceType");
      const json::string* entry_type_name = entry_type ? entry_type->if_string() : nullptr;
      if (!entry_type_name || *entry_type_name != "QuestionnaireResponse") {
        ++skipped;
        continue;
      }
      const json::string* full_url = string_at(*entry, "fullUrl", pointer, problems);
      const std::string resource_pointer = pointer_append(pointer, "resource");
      found.push_back({resource, resource_pointer, fhirpath_of("Bundle", resource_pointer),
                       full_url ? std::string(*full_url) : std::string()});
    }
    if (skipped > 0) {
      warnings.push_back(std::to_string(skipped) +
                         " Bundle entries are not QuestionnaireResponses (or have no resource) and were skipped.");
    }
  }
  if (!problems.empty()) return std::unexpected(error_of(ErrorCode::malformed, std::move(problems)));
  if (found.empty()) {
    return std::unexpected(Error::single(
        ErrorCode::invalid, at("/entry", "no_responses", "The Bundle holds no QuestionnaireResponse to score.")));
  }
  return found;
}

// Reads the responses of one instrument into a wave.
class ResponseReader {
 public:
  explicit ResponseReader(const Instrument& instrument)
      : instrument_(instrument), links_(instrument, instrument.fhir), codes_(instrument.fhir), checker_(instrument) {}

  // Appends the response's row; structural problems go to `problems`.
  void read(const Located& located, std::size_t position, FhirWave& wave, std::vector<Problem>& problems) {
    const json::object& qr = *located.resource;
    const std::string& pointer = located.pointer;
    FhirResponse source;
    source.location = located.location;
    source.reported.assign(instrument_.subscales.size(), std::nullopt);

    const json::string* id = string_at(qr, "id", pointer, problems);
    if (id && !id->empty()) {
      source.reference = "QuestionnaireResponse/" + std::string(*id);
    } else {
      source.reference = located.full_url;
    }
    if (const json::object* subject = object_at(qr, "subject", pointer, problems)) {
      source.subject = read_reference(*subject, pointer_append(pointer, "subject"), problems);
    }
    const json::string* status = string_at(qr, "status", pointer, problems);
    const json::string* authored = string_at(qr, "authored", pointer, problems);

    std::string respondent;
    if (source.subject && !source.subject->reference.empty()) {
      respondent = source.subject->reference;
    } else if (source.subject && !source.subject->identifier_value.empty()) {
      respondent = source.subject->identifier_value;
    } else if (id && !id->empty()) {
      respondent = std::string(*id);
    } else if (!located.full_url.empty()) {
      respondent = located.full_url;
    } else {
      respondent = "response " + std::to_string(position + 1);
    }
    const std::size_t row = add_respondent(wave.responses, respondent);
    row_ = row;
    source_ = &source;
    matrix_ = &wave.responses;
    answered_.assign(instrument_.items.size(), false);

    if (status) source.status = std::string(*status);
    if (!status) {
      issue(source, "not_completed", "", pointer_append(pointer, "status"),
            "The response has no status; only completed or amended responses are scored.");
    } else if (source.status != "completed" && source.status != "amended") {
      issue(source, "not_completed", "", pointer_append(pointer, "status"),
            "The response's status is " + source.status +
                "; only completed or amended responses are scored (docs/fhir.md).");
    }
    if (authored) {
      if (is_fhir_date_time(*authored)) {
        source.authored = std::string(*authored);
      } else {
        issue(source, "invalid_authored", "", pointer_append(pointer, "authored"),
              "authored is not a FHIR dateTime (YYYY-MM-DDThh:mm:ss+zz:zz, or a date).");
      }
    }
    if (const json::array* items = array_at(qr, "item", pointer, problems)) {
      path_ = pointer;
      const Step step(path_, "item");
      read_items(*items, problems);
    }
    wave.sources.push_back(std::move(source));
  }

 private:
  FhirReference read_reference(const json::object& object, const std::string& pointer, std::vector<Problem>& problems) {
    FhirReference reference;
    const auto copy = [&](std::string_view key, std::string& into) {
      if (const json::string* text = string_at(object, key, pointer, problems)) into = std::string(*text);
    };
    copy("reference", reference.reference);
    copy("type", reference.type);
    copy("display", reference.display);
    if (const json::object* identifier = object_at(object, "identifier", pointer, problems)) {
      const std::string inner = pointer_append(pointer, "identifier");
      if (const json::string* text = string_at(*identifier, "system", inner, problems))
        reference.identifier_system = std::string(*text);
      if (const json::string* text = string_at(*identifier, "value", inner, problems))
        reference.identifier_value = std::string(*text);
    }
    return reference;
  }

  // An issue that stops the response being scored: a FhirIssue for the
  // Observations and an AnswerError for every other encoder.
  void issue(FhirResponse& source, std::string code, std::string item, std::string_view pointer, std::string message) {
    AnswerErrorCode answer_code = AnswerErrorCode::not_a_number;
    if (code == "unknown_item") answer_code = AnswerErrorCode::unknown_item;
    if (code == "out_of_range") answer_code = AnswerErrorCode::out_of_range;
    if (code == "off_step") answer_code = AnswerErrorCode::off_step;
    matrix_->errors[row_].push_back(AnswerError{.item = item, .code = answer_code, .message = message});
    source.issues.push_back(FhirIssue{.severity = "error",
                                      .code = std::move(code),
                                      .item = std::move(item),
                                      .expression = fhirpath_of(source.location, pointer_tail(pointer)),
                                      .message = std::move(message)});
  }

  // The part of a pointer below the response (the location is the response).
  std::string_view pointer_tail(std::string_view pointer) const { return pointer.substr(response_pointer_size_); }

 public:
  void set_response_pointer_size(std::size_t size) { response_pointer_size_ = size; }

 private:
  // Appends "/token" to the pointer path_ for as long as it lives: the
  // pointer of the element being read, built without an allocation per
  // element (a message that needs it copies it).
  class Step {
   public:
    Step(std::string& path, std::string_view token) : path_(path), size_(path.size()) {
      path_ += '/';
      path_ += token;
    }
    Step(std::string& path, std::size_t index) : path_(path), size_(path.size()) {
      char digits[24];
      const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
      path_ += '/';
      path_.append(digits, end);
    }
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;
    ~Step() { path_.resize(size_); }

   private:
    std::string& path_;
    std::size_t size_;
  };

  // Reads the items of the array at path_.
  void read_items(const json::array& items, std::vector<Problem>& problems) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Step item_step(path_, i);
      const json::object* item = items[i].if_object();
      if (!item) {
        problems.push_back(at(path_, "wrong_type", "An item must be an object."));
        continue;
      }
      const json::string* link_id = string_at(*item, "linkId", path_, problems);
      if (!link_id && !item->contains("linkId")) {
        problems.push_back(at(path_, "missing_link_id", "An item must have a linkId."));
      }
      const json::array* answers = array_at(*item, "answer", path_, problems);
      if (answers) {
        const Step answer_step(path_, "answer");
        if (link_id && !answers->empty()) read_answers(*link_id, *answers, problems);
        for (std::size_t a = 0; a < answers->size(); ++a) {
          const json::object* answer = (*answers)[a].if_object();
          if (!answer) continue;  // read_answers reported it
          const Step step(path_, a);
          if (const json::array* nested = array_at(*answer, "item", path_, problems)) {
            const Step nested_step(path_, "item");
            read_items(*nested, problems);
          }
        }
      }
      if (const json::array* nested = array_at(*item, "item", path_, problems)) {
        const Step nested_step(path_, "item");
        read_items(*nested, problems);
      }
    }
  }

  // Reads the answers of the item with this linkId; path_ is the item's
  // "answer" array.
  void read_answers(std::string_view link_id, const json::array& answers, std::vector<Problem>& problems) {
    for (std::size_t a = 0; a < answers.size(); ++a) {
      if (!answers[a].is_object()) {
        problems.push_back(at(pointer_append(path_, a), "wrong_type", "An answer must be an object."));
        return;
      }
    }
    const std::optional<LinkTarget> target = links_.find(link_id);
    FhirResponse& source = *source_;
    const std::string_view item_pointer = std::string_view(path_).substr(0, path_.size() - 7);  // less "/answer"
    if (!target) {
      issue(source, "unknown_item", std::string(link_id), pointer_append(item_pointer, "linkId"),
            "linkId " + std::string(link_id) + " is no item of " + instrument_.id +
                " (an item id, an item's code, or / + code).");
      return;
    }
    if (target->kind == LinkTarget::Kind::ignored) return;
    std::optional<double> value;
    {
      const Step first(path_, std::size_t{0});
      if (!read_value(answers[0].get_object(), link_id, value)) return;
    }
    if (target->kind == LinkTarget::Kind::subscale) {
      source.reported[target->index] = value;
      return;
    }
    const std::size_t item = target->index;
    const std::string& item_id = instrument_.items[item].id;
    if (answers.size() > 1 || answered_[item]) {
      issue(source, "repeated_answer", item_id,
            answers.size() > 1 ? pointer_append(path_, std::size_t{1}) : std::string(item_pointer),
            "Item " + item_id + " is answered more than once; it takes one answer.");
      return;
    }
    answered_[item] = true;
    if (!value) return;
    std::vector<AnswerError>& errors = matrix_->errors[row_];
    const std::size_t before = errors.size();
    checker_.store(*matrix_, row_, item, *value);
    if (errors.size() > before) {
      const AnswerError& error = errors.back();
      source.issues.push_back(
          FhirIssue{.severity = "error",
                    .code = std::string(to_string(error.code)),
                    .item = item_id,
                    .expression = fhirpath_of(source.location, pointer_tail(pointer_append(path_, std::size_t{0}))),
                    .message = error.message});
    }
  }

  // The number an answer stands for; false (with an issue) when it has
  // none that psyscore may use. An answer without a value leaves `value`
  // empty: a missing answer.
  bool read_value(const json::object& answer, std::string_view link_id, std::optional<double>& value) {
    FhirResponse& source = *source_;
    for (const auto& [key, element] : answer) {
      if (!key.starts_with("value")) continue;
      const Step step(path_, key);
      const std::string& value_pointer = path_;
      if (key == "valueInteger" || key == "valueDecimal") {
        double number = 0;
        if (!get_number(element, number) ||
            (key == "valueInteger" && !element.is_int64() && !element.is_uint64() && std::floor(number) != number)) {
          issue(source, "not_a_number", std::string(link_id), value_pointer,
                std::string(key) + " of item " + std::string(link_id) + " is not a number of its type.");
          return false;
        }
        value = number;
        return true;
      }
      if (key == "valueCoding") {
        const json::object* coding = element.if_object();
        if (!coding) {
          issue(source, "not_a_number", std::string(link_id), value_pointer, "valueCoding must be an object.");
          return false;
        }
        return read_coding(answer, *coding, link_id, value);
      }
      issue(source, "not_a_number", std::string(link_id), value_pointer,
            "Item " + std::string(link_id) + " is answered with " + std::string(key) +
                "; psyscore scores valueInteger, valueDecimal and valueCoding answers.");
      return false;
    }
    return true;
  }

  // Weights in extensions of `holder`: itemWeight, then ordinalValue.
  static void read_weights(const json::object& holder, std::optional<double>& weight,
                           std::optional<double>& other_weight) {
    const json::value* extensions = holder.if_contains("extension");
    if (!extensions || !extensions->is_array()) return;
    for (const json::value& extension : extensions->get_array()) {
      const json::object* object = extension.if_object();
      if (!object) continue;
      const json::value* url = object->if_contains("url");
      if (!url || !url->is_string()) continue;
      const std::string_view url_text = url->get_string();
      if (url_text != kItemWeightUrl && url_text != kOrdinalValueUrl) continue;
      double number = 0;
      const json::value* decimal = object->if_contains("valueDecimal");
      if (!decimal) decimal = object->if_contains("valueInteger");
      if (!decimal || !get_number(*decimal, number)) continue;
      if (!weight) {
        weight = number;
      } else if (*weight != number) {
        other_weight = number;
      }
    }
  }

  // path_ is the valueCoding.
  bool read_coding(const json::object& answer, const json::object& coding, std::string_view link_id,
                   std::optional<double>& value) {
    FhirResponse& source = *source_;
    const std::string& pointer = path_;
    const json::value* system_value = coding.if_contains("system");
    const json::value* code_value = coding.if_contains("code");
    const std::string_view system =
        system_value && system_value->is_string() ? std::string_view(system_value->get_string()) : std::string_view();
    const std::string_view code =
        code_value && code_value->is_string() ? std::string_view(code_value->get_string()) : std::string_view();
    std::optional<double> weight;
    std::optional<double> other_weight;
    read_weights(coding, weight, other_weight);
    read_weights(answer, weight, other_weight);
    const std::optional<double> mapped = code.empty() ? std::nullopt : codes_.find(system, code);
    const std::string shown = code.empty() ? std::string("(no code)") : std::string(code);
    if (other_weight) {
      issue(source, "weight_mismatch", std::string(link_id), pointer,
            "The answer to item " + std::string(link_id) + " carries two different weights (" + number_text(*weight) +
                " and " + number_text(*other_weight) + ").");
      return false;
    }
    if (weight && mapped && *weight != *mapped) {
      issue(source, "weight_mismatch", std::string(link_id), pointer,
            "The answer to item " + std::string(link_id) + " (code " + shown + ") carries the weight " +
                number_text(*weight) + ", but the definition maps that code to " + number_text(*mapped) + ".");
      return false;
    }
    if (weight) {
      value = weight;
      return true;
    }
    if (mapped) {
      value = mapped;
      return true;
    }
    issue(source, "unmapped_code", std::string(link_id), pointer,
          "The answer to item " + std::string(link_id) + " is code " + shown +
              (system.empty() ? std::string() : " of " + std::string(system)) +
              ", which the definition's code map does not hold, and it carries no itemWeight or ordinalValue.");
    return false;
  }

  const Instrument& instrument_;
  LinkIndex links_;
  AnswerCodes codes_;
  AnswerChecker checker_;
  std::size_t response_pointer_size_ = 0;
  std::size_t row_ = 0;
  FhirResponse* source_ = nullptr;
  ResponseMatrix* matrix_ = nullptr;
  std::vector<bool> answered_;
  std::string path_;  // JSON pointer of the element being read
};

Result<FhirWave> read_wave(const InstrumentPtr& instrument, const std::vector<Located>& located,
                           std::vector<std::string> warnings) {
  FhirWave wave;
  wave.instrument = instrument;
  wave.responses.item_count = instrument->items.size();
  wave.responses.warnings = std::move(warnings);
  reserve_respondents(wave.responses, located.size());
  wave.sources.reserve(located.size());
  ResponseReader reader(*instrument);
  std::vector<Problem> problems;
  for (std::size_t i = 0; i < located.size(); ++i) {
    reader.set_response_pointer_size(located[i].pointer.size());
    reader.read(located[i], i, wave, problems);
    if (problems.size() >= 100) break;
  }
  if (!problems.empty()) return std::unexpected(error_of(ErrorCode::malformed, std::move(problems)));
  return wave;
}

const json::string* questionnaire_of(const Located& located, std::vector<Problem>& problems) {
  return string_at(*located.resource, "questionnaire", located.pointer, problems);
}

struct Parsed {
  // Move-constructed from the parsed document, so that it keeps the
  // document's memory resource: assigning it to a value of another
  // resource would copy the whole document.
  std::optional<json::value> body;
  std::vector<Located> located;
  std::vector<std::string> warnings;
};

// Fills `parsed` in place: the Located pointers point into its body.
std::optional<Error> parse_body(std::string_view text, json::storage_ptr storage, Parsed& parsed) {
  auto body = parse_json(text, {}, std::move(storage));
  if (!body) return std::move(body.error());
  parsed.body.emplace(std::move(*body));
  auto located = locate_responses(*parsed.body, parsed.warnings);
  if (!located) return std::move(located.error());
  parsed.located = std::move(*located);
  return std::nullopt;
}

}  // namespace

}  // namespace detail

std::string fhir_questionnaire_url(const Instrument& instrument) {
  if (!instrument.fhir.url.empty()) return instrument.fhir.url;
  return std::string(detail::kQuestionnaireBase) + instrument.id;
}

bool fhir_cites_instrument(const Instrument& instrument, std::string_view canonical) {
  return detail::citation_of(instrument, canonical) == detail::Citation::yes;
}

Result<FhirWave> decode_fhir_responses(const Registry& registry, std::string_view body) {
  using detail::Citation;
  json::monotonic_resource memory;
  auto parsed = std::make_unique<detail::Parsed>();
  if (auto error = detail::parse_body(body, &memory, *parsed)) return std::unexpected(std::move(*error));
  std::vector<Problem> problems;
  std::size_t chosen = registry.instruments().size();
  std::string chosen_canonical;
  for (const detail::Located& located : parsed->located) {
    const json::string* canonical = detail::questionnaire_of(located, problems);
    const std::string pointer = detail::pointer_append(located.pointer, "questionnaire");
    if (!canonical) {
      if (!located.resource->contains("questionnaire")) {
        problems.push_back(detail::at(pointer, "missing_questionnaire",
                                      "The response does not say which questionnaire it answers; add "
                                      "questionnaire, or name the instrument (?instrument=ID)."));
      }
      continue;
    }
    std::size_t found = registry.instruments().size();
    bool other_version = false;
    for (std::size_t i = 0; i < registry.instruments().size() && found == registry.instruments().size(); ++i) {
      const Citation citation = detail::citation_of(*registry.instruments()[i], *canonical);
      if (citation == Citation::yes) found = i;
      if (citation == Citation::other_version) other_version = true;
    }
    if (found == registry.instruments().size()) {
      problems.push_back(
          detail::at(pointer, "unknown_questionnaire",
                     other_version ? "The response answers " + std::string(*canonical) +
                                         ", a version of the Questionnaire that this server does not have."
                                   : "No instrument of this server has the Questionnaire " + std::string(*canonical) +
                                         " (GET /v1/instruments lists them; ?instrument=ID names one)."));
    } else if (chosen == registry.instruments().size()) {
      chosen = found;
      chosen_canonical = std::string(*canonical);
    } else if (found != chosen) {
      problems.push_back(detail::at(pointer, "mixed_questionnaires",
                                    "The responses answer different questionnaires (" + chosen_canonical + " and " +
                                        std::string(*canonical) + "); send one instrument's responses per request."));
    }
    if (problems.size() >= 100) break;
  }
  if (!problems.empty()) {
    const bool structural = std::ranges::any_of(problems, [](const Problem& p) { return p.code == "wrong_type"; });
    return std::unexpected(
        detail::error_of(structural ? ErrorCode::malformed : ErrorCode::invalid, std::move(problems)));
  }
  return detail::read_wave(registry.instruments()[chosen], parsed->located, std::move(parsed->warnings));
}

Result<FhirWave> decode_fhir_responses(const InstrumentPtr& instrument, std::string_view body) {
  using detail::Citation;
  json::monotonic_resource memory;
  auto parsed = std::make_unique<detail::Parsed>();
  if (auto error = detail::parse_body(body, &memory, *parsed)) return std::unexpected(std::move(*error));
  std::vector<Problem> problems;
  for (const detail::Located& located : parsed->located) {
    const json::string* canonical = detail::questionnaire_of(located, problems);
    if (!canonical) continue;
    const Citation citation = detail::citation_of(*instrument, *canonical);
    if (citation == Citation::yes) continue;
    problems.push_back(detail::at(detail::pointer_append(located.pointer, "questionnaire"), "other_questionnaire",
                                  "The response answers " + std::string(*canonical) + ", not " + instrument->id + " " +
                                      instrument->version + " (Questionnaire " + fhir_questionnaire_url(*instrument) +
                                      "); it is not scored as " + instrument->id + "."));
    if (problems.size() >= 100) break;
  }
  if (!problems.empty()) {
    const bool structural = std::ranges::any_of(problems, [](const Problem& p) { return p.code == "wrong_type"; });
    return std::unexpected(
        detail::error_of(structural ? ErrorCode::malformed : ErrorCode::invalid, std::move(problems)));
  }
  return detail::read_wave(instrument, parsed->located, std::move(parsed->warnings));
}

}  // namespace psyscore
