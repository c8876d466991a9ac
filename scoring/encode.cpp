// The JSON encoders of json.hpp. Field names and order follow API.md.

#include <cstdint>

#include "encode_common.hpp"
#include "json_writer.hpp"
#include "psyscore/json.hpp"

namespace psyscore {

using detail::JsonWriter;
using detail::write_instrument_reference;
using detail::write_strings;

namespace {

void write_score(JsonWriter& out, const Subscale& subscale, const SubscaleScore& score) {
  out.begin_object();
  out.field("value", score.value);
  if (!score.value) out.field("reason", score.reason);
  out.field("mean", score.mean);
  out.field("answered", score.answered).field("missing", score.missing).field("prorated", score.prorated);
  if (!subscale.bands.empty()) {
    out.key("band");
    if (score.band) {
      out.value(subscale.bands[*score.band].label);
    } else {
      out.null();
    }
  }
  if (subscale.norms) out.field("z", score.z).field("t", score.t);
  out.end_object();
}

}  // namespace

std::string encode_registry(const Registry& registry) {
  std::string body;
  JsonWriter out(body);
  out.begin_object().key("instruments").begin_array();
  for (const auto& instrument : registry.instruments()) {
    out.begin_object();
    out.field("id", instrument->id).field("version", instrument->version).field("name", instrument->name);
    out.field("items", instrument->items.size());
    out.key("subscales").begin_array();
    for (const auto& subscale : instrument->subscales) out.value(subscale.id);
    out.end_array();
    out.field("sha256", instrument->sha256);
    out.end_object();
  }
  out.end_array().end_object();
  body.push_back('\n');
  return body;
}

std::string encode_validation(const Instrument& instrument) {
  std::string body;
  JsonWriter out(body);
  out.begin_object().field("valid", true).field("id", instrument.id).field("sha256", instrument.sha256).end_object();
  body.push_back('\n');
  return body;
}

std::string encode_score_result(const Instrument& instrument, const ResponseMatrix& responses,
                                const ScoreTable& table) {
  std::string body;
  body.reserve(64 + responses.respondent_count() * (32 + 96 * instrument.subscales.size()));
  JsonWriter out(body);
  out.begin_object();
  write_instrument_reference(out, instrument);
  out.key("results").begin_array();
  std::size_t with_errors = 0;
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    out.begin_object().field("id", responses.ids[r]);
    out.key("scores");
    if (responses.usable(r)) {
      out.begin_object();
      for (std::size_t s = 0; s < instrument.subscales.size(); ++s) {
        out.key(instrument.subscales[s].id);
        write_score(out, instrument.subscales[s], table.at(r, s));
      }
      out.end_object();
    } else {
      ++with_errors;
      out.null();
    }
    out.key("errors").begin_array();
    for (const auto& error : responses.errors[r]) {
      out.begin_object();
      out.field("item", error.item).field("code", to_string(error.code)).field("message", error.message);
      out.end_object();
    }
    out.end_array().end_object();
  }
  out.end_array();
  out.key("summary").begin_object();
  out.field("respondents", responses.respondent_count())
      .field("scored", responses.respondent_count() - with_errors)
      .field("with_errors", with_errors);
  out.end_object();
  std::vector<std::string> warnings = responses.warnings;
  warnings.insert(warnings.end(), table.warnings.begin(), table.warnings.end());
  write_strings(out, "warnings", warnings);
  out.end_object();
  body.push_back('\n');
  return body;
}

std::string encode_problems(const Error& error) {
  std::string body;
  JsonWriter out(body);
  out.begin_object().field("message", error.message).field("code", to_string(error.code));
  out.key("errors").begin_array();
  for (const auto& problem : error.problems) {
    out.begin_object();
    if (!problem.source.empty()) out.field("source", problem.source);
    out.field("pointer", problem.pointer);
    if (problem.line > 0) out.field("line", problem.line);
    if (problem.column > 0) out.field("column", problem.column);
    out.field("code", problem.code).field("message", problem.message);
    out.end_object();
  }
  out.end_array().end_object();
  body.push_back('\n');
  return body;
}

}  // namespace psyscore
