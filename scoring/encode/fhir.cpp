#include "scoring/encode/fhir.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "scoring/decode/fhir_response.hpp"

namespace psyscore {

namespace detail {

void write_coding(JsonWriter& writer, const FhirCoding& coding) {
  writer.begin_object();
  if (!coding.system.empty()) writer.field("system", coding.system);
  if (!coding.code.empty()) writer.field("code", coding.code);
  if (!coding.display.empty()) writer.field("display", coding.display);
  writer.end_object();
}

std::string_view fhir_issue_type(std::string_view psyscore_code, std::string_view severity) {
  if (severity != "error") return "informational";
  if (psyscore_code == "not_completed") return "incomplete";
  if (psyscore_code == "unknown_item" || psyscore_code == "unknown_instrument" ||
      psyscore_code == "unknown_questionnaire" || psyscore_code == "not_found")
    return "not-found";
  if (psyscore_code == "wrong_type" || psyscore_code == "invalid_json" || psyscore_code == "syntax" ||
      psyscore_code == "not_a_resource" || psyscore_code == "not_a_response" || psyscore_code == "missing_link_id")
    return "structure";
  return "invalid";
}

namespace {

constexpr std::string_view kSurveyCategory =
    R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",)"
    R"("code":"survey","display":"Survey"}]}])";

std::string number_text(double x) {
  std::string out;
  append_json_number(out, x);
  return out;
}

// The answer options of an item: the code map's entries on its scale, or
// psyscore's answer-value codes for every point of the scale.
std::vector<FhirAnswerCode> answer_options(const Item& item, const FhirBinding& fhir) {
  std::vector<FhirAnswerCode> options;
  for (const FhirAnswerCode& answer : fhir.answers) {
    if (item.scale.in_range(answer.value) && item.scale.on_grid(answer.value)) options.push_back(answer);
  }
  std::ranges::stable_sort(options, {}, &FhirAnswerCode::value);
  if (!options.empty()) return options;
  const double steps = std::round((item.scale.max - item.scale.min) / item.scale.step);
  for (double j = 0; j <= steps; ++j) {
    const double value = j == steps ? item.scale.max : item.scale.min + j * item.scale.step;
    const std::string code = number_text(value);
    options.push_back({FhirCoding{std::string(kAnswerValueSystem), code, code}, value});
  }
  return options;
}

void write_reference(JsonWriter& writer, const FhirReference& reference) {
  writer.begin_object();
  if (!reference.reference.empty()) writer.field("reference", reference.reference);
  if (!reference.type.empty()) writer.field("type", reference.type);
  if (!reference.identifier_system.empty() || !reference.identifier_value.empty()) {
    writer.key("identifier").begin_object();
    if (!reference.identifier_system.empty()) writer.field("system", reference.identifier_system);
    if (!reference.identifier_value.empty()) writer.field("value", reference.identifier_value);
    writer.end_object();
  }
  if (!reference.display.empty()) writer.field("display", reference.display);
  writer.end_object();
}

void write_issue(JsonWriter& writer, std::string_view severity, std::string_view code, std::string_view message,
                 std::string_view expression) {
  writer.begin_object();
  writer.field("severity", severity);
  writer.field("code", fhir_issue_type(code, severity));
  if (!code.empty()) {
    writer.key("details").begin_object().key("coding").begin_array();
    write_coding(writer, FhirCoding{std::string(kIssueSystem), std::string(code), {}});
    writer.end_array().end_object();
  }
  if (!message.empty()) writer.field("diagnostics", message);
  if (!expression.empty()) writer.key("expression").begin_array().value(expression).end_array();
  writer.end_object();
}

bool same_score(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); }

// Writes the Observations of one Bundle. The parts of an Observation that
// do not depend on the response (category, code, method) are written once
// per subscale.
class ObservationWriter {
 public:
  explicit ObservationWriter(const FhirWave& wave) : wave_(wave), instrument_(*wave.instrument) {
    const std::string method =
        "psyscore " + instrument_.id + " " + instrument_.version + ", definition sha256 " + instrument_.sha256;
    std::string method_json;
    append_json_string(method_json, method);
    for (std::size_t s = 0; s < instrument_.subscales.size(); ++s) {
      const Subscale& subscale = instrument_.subscales[s];
      std::string head = R"({"resource":{"resourceType":"Observation","status":"final",)";
      head += kSurveyCategory;
      head += R"(,"code":)";
      JsonWriter writer(head);
      writer.begin_object().key("coding").begin_array();
      if (s < instrument_.fhir.subscale_codes.size()) {
        for (const FhirCoding& coding : instrument_.fhir.subscale_codes[s]) write_coding(writer, coding);
      }
      write_coding(writer, FhirCoding{std::string(kCodeSystemBase) + instrument_.id, subscale.id, subscale.name});
      writer.end_array();
      writer.field("text", subscale.name.empty() ? subscale.id : subscale.name);
      writer.end_object();
      heads_.push_back(std::move(head));
      std::vector<std::string> bands;
      for (const Band& band : subscale.bands) {
        std::string text = R"(,"interpretation":[{"text":)";
        append_json_string(text, band.label);
        text += "}]";
        bands.push_back(std::move(text));
      }
      band_fields_.push_back(std::move(bands));
    }
    method_field_ = R"(,"method":{"text":)" + method_json + "}";
  }

  void write(std::string& out, const ScoreTable& table) {
    out += R"({"resourceType":"Bundle","type":"collection")";
    bool first = true;
    const auto begin_entry = [&] {
      out += first ? R"(,"entry":[)" : ",";
      first = false;
    };
    const ResponseMatrix& responses = wave_.responses;
    std::string subject;
    std::string tail;
    for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
      const FhirResponse& source = wave_.sources[r];
      if (!responses.usable(r)) {
        begin_entry();
        write_outcome(out, source, source.issues);
        continue;
      }
      subject.clear();
      if (source.subject) {
        subject = R"(,"subject":)";
        JsonWriter writer(subject);
        write_reference(writer, *source.subject);
      }
      if (!source.authored.empty()) {
        subject += R"(,"effectiveDateTime":)";
        append_json_string(subject, source.authored);
      }
      tail = method_field_;
      if (!source.reference.empty()) {
        tail += R"(,"derivedFrom":[{"reference":)";
        append_json_string(tail, source.reference);
        tail += "}]";
      }
      tail += "}}";
      std::vector<FhirIssue> warnings;
      for (std::size_t s = 0; s < instrument_.subscales.size(); ++s) {
        const SubscaleScore& score = table.at(r, s);
        begin_entry();
        out += heads_[s];
        out += subject;
        write_value(out, instrument_.subscales[s], score);
        if (score.band) out += band_fields_[s][*score.band];
        out += tail;
        if (s < source.reported.size() && source.reported[s] &&
            (!score.value || !same_score(*score.value, *source.reported[s]))) {
          warnings.push_back(mismatch(instrument_.subscales[s], score, *source.reported[s], source));
        }
      }
      if (!warnings.empty()) {
        begin_entry();
        write_outcome(out, source, warnings);
      }
    }
    std::vector<std::string> notes = responses.warnings;
    notes.insert(notes.end(), table.warnings.begin(), table.warnings.end());
    if (!notes.empty()) {
      begin_entry();
      out += R"({"resource":)";
      JsonWriter writer(out);
      writer.begin_object().field("resourceType", "OperationOutcome").key("issue").begin_array();
      for (const std::string& note : notes) write_issue(writer, "warning", "", note, "");
      writer.end_array().end_object();
      out += "}";
    }
    if (!first) out += "]";
    out += "}\n";
  }

 private:
  void write_value(std::string& out, const Subscale& subscale, const SubscaleScore& score) {
    if (score.value && std::isfinite(*score.value)) {
      out += R"(,"valueQuantity":{"value":)";
      numbers_.append(out, *score.value);
      out += R"(,"unit":"{score}","system":"http://unitsofmeasure.org","code":"{score}"})";
      if (score.prorated) {
        out += R"(,"note":[{"text":"Prorated: )";
        out += std::to_string(score.answered);
        out += " of ";
        out += std::to_string(subscale.items.size());
        out += R"( items answered; the value is the mean of the answered items times their number."}])";
      }
      return;
    }
    out += R"(,"dataAbsentReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason",)"
           R"("code":"unknown","display":"Unknown"}],"text":"too_few_answered: )";
    out += std::to_string(score.answered);
    out += " of ";
    out += std::to_string(subscale.items.size());
    out += " items answered, ";
    out += std::to_string(subscale.min_answered);
    out += R"( needed"})";
  }

  FhirIssue mismatch(const Subscale& subscale, const SubscaleScore& score, double reported,
                     const FhirResponse& source) const {
    return FhirIssue{.severity = "warning",
                     .code = "score_mismatch",
                     .item = subscale.id,
                     .expression = source.location,
                     .message = "The response reports " + subscale.id + " = " + number_text(reported) +
                                ", psyscore computes " + (score.value ? number_text(*score.value) : "no value") +
                                " from its answers; the Observation holds psyscore's."};
  }

  void write_outcome(std::string& out, const FhirResponse& source, const std::vector<FhirIssue>& issues) {
    out += R"({"resource":)";
    JsonWriter writer(out);
    writer.begin_object().field("resourceType", "OperationOutcome").key("issue").begin_array();
    for (const FhirIssue& issue : issues) {
      std::string message = issue.message;
      if (issue.severity == "error" && !source.reference.empty()) message = source.reference + ": " + message;
      write_issue(writer, issue.severity, issue.code, message, issue.expression);
    }
    writer.end_array().end_object();
    out += "}";
  }

  const FhirWave& wave_;
  const Instrument& instrument_;
  std::vector<std::string> heads_;
  std::vector<std::vector<std::string>> band_fields_;
  std::string method_field_;
  NumberFormatter numbers_;
};

}  // namespace

}  // namespace detail

std::string encode_fhir_questionnaire(const Instrument& instrument) {
  using detail::write_coding;
  const FhirBinding& fhir = instrument.fhir;
  std::string out;
  detail::JsonWriter writer(out);
  writer.begin_object();
  writer.field("resourceType", "Questionnaire");
  if (detail::is_fhir_id(instrument.id)) writer.field("id", instrument.id);
  writer.key("extension").begin_array().begin_object();
  writer.field("url", "http://psyscore.org/fhir/StructureDefinition/definition-sha256");
  writer.field("valueString", instrument.sha256);
  writer.end_object().end_array();
  writer.field("url", fhir_questionnaire_url(instrument));
  writer.field("version", instrument.version);
  writer.field("title", instrument.name.empty() ? instrument.id : instrument.name);
  writer.field("status", "active");
  if (!instrument.citation.empty()) writer.field("description", instrument.citation);
  if (!instrument.license.empty()) writer.field("copyright", instrument.license);
  if (fhir.code) {
    writer.key("code").begin_array();
    write_coding(writer, *fhir.code);
    writer.end_array();
  }
  writer.key("item").begin_array();
  for (std::size_t i = 0; i < instrument.items.size(); ++i) {
    const Item& item = instrument.items[i];
    writer.begin_object();
    writer.field("linkId", item.id);
    if (i < fhir.item_codes.size() && !fhir.item_codes[i].empty()) {
      writer.key("code").begin_array();
      for (const FhirCoding& coding : fhir.item_codes[i]) write_coding(writer, coding);
      writer.end_array();
    }
    writer.field("prefix", item.id);
    writer.field("text", !item.text.empty() ? item.text : !item.label.empty() ? item.label : "Item " + item.id);
    writer.field("type", "choice");
    writer.field("required", false);
    writer.key("answerOption").begin_array();
    for (const FhirAnswerCode& option : detail::answer_options(item, fhir)) {
      writer.begin_object();
      writer.key("extension").begin_array().begin_object();
      writer.field("url", detail::kItemWeightUrl);
      writer.field("valueDecimal", option.value);
      writer.end_object().end_array();
      writer.key("valueCoding");
      write_coding(writer, option.coding);
      writer.end_object();
    }
    writer.end_array();
    writer.end_object();
  }
  writer.end_array();
  writer.end_object();
  out += '\n';
  return out;
}

FhirWave fhir_wave_of(InstrumentPtr instrument, ResponseMatrix responses) {
  FhirWave wave;
  wave.instrument = std::move(instrument);
  wave.responses = std::move(responses);
  wave.sources.resize(wave.responses.respondent_count());
  for (std::size_t r = 0; r < wave.sources.size(); ++r) {
    FhirResponse& source = wave.sources[r];
    source.subject = FhirReference{
        .reference = {}, .type = {}, .identifier_system = {}, .identifier_value = wave.responses.ids[r], .display = {}};
    source.location = "responses[" + std::to_string(r) + "]";
    source.status = "completed";
    for (const AnswerError& error : wave.responses.errors[r]) {
      source.issues.push_back(FhirIssue{.severity = "error",
                                        .code = std::string(to_string(error.code)),
                                        .item = error.item,
                                        .expression = {},
                                        .message = error.message});
    }
  }
  return wave;
}

std::string encode_fhir_observations(const FhirWave& wave, const ScoreTable& table) {
  std::string out;
  out.reserve(wave.responses.respondent_count() * wave.instrument->subscales.size() * 900 + 256);
  detail::ObservationWriter(wave).write(out, table);
  return out;
}

std::string encode_fhir_operation_outcome(const Error& error) {
  std::string out;
  detail::JsonWriter writer(out);
  writer.begin_object().field("resourceType", "OperationOutcome").key("issue").begin_array();
  const std::string_view fallback = error.code == ErrorCode::not_found   ? "not_found"
                                    : error.code == ErrorCode::malformed ? "syntax"
                                                                         : "";
  if (error.problems.empty()) {
    detail::write_issue(writer, "error", fallback, error.message, "");
  }
  for (const Problem& problem : error.problems) {
    std::string message = problem.message;
    if (problem.line > 0) {
      message = "line " + std::to_string(problem.line) + ", column " + std::to_string(problem.column) + ": " + message;
    }
    const std::string_view code = problem.code.empty() ? fallback : std::string_view(problem.code);
    const std::string expression = problem.pointer.empty() ? std::string() : detail::fhirpath_of("", problem.pointer);
    detail::write_issue(writer, "error", code, message, expression);
  }
  writer.end_array().end_object();
  out += '\n';
  return out;
}

}  // namespace psyscore
