#include "scoring/encode/score_csv_writer.hpp"

namespace psyscore::detail {

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void ScoreCsvWriter::begin(std::string& out) const {
  out += "id";
  for (const auto& subscale : instrument_.subscales) {
    out += ',';
    append_csv_field(out, subscale.id);
    out += ',';
    append_csv_field(out, subscale.id + "_answered");
    if (!subscale.bands.empty()) {
      out += ',';
      append_csv_field(out, subscale.id + "_band");
    }
    if (subscale.norms) {
      out += ',';
      append_csv_field(out, subscale.id + "_z");
      out += ',';
      append_csv_field(out, subscale.id + "_t");
    }
  }
  out += ",errors\n";
}

void ScoreCsvWriter::add(std::string& out, const ResponseMatrix& responses, const ScoreTable& table) {
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    append_csv_field(out, responses.ids[r]);
    const bool usable = responses.usable(r);
    for (std::size_t s = 0; s < instrument_.subscales.size(); ++s) {
      const Subscale& subscale = instrument_.subscales[s];
      const SubscaleScore& score = table.at(r, s);
      out += ',';
      if (usable) number(out, score.value);
      out += ',';
      if (usable) append_json_count(out, score.answered);
      if (!subscale.bands.empty()) {
        out += ',';
        if (usable && score.band) append_csv_field(out, subscale.bands[*score.band].label);
      }
      if (subscale.norms) {
        out += ',';
        if (usable) number(out, score.z);
        out += ',';
        if (usable) number(out, score.t);
      }
    }
    out += ',';
    errors_.clear();
    for (const auto& error : responses.errors[r]) {
      if (!errors_.empty()) errors_ += "; ";
      errors_ += error.message;
    }
    append_csv_field(out, errors_);
    out += '\n';
  }
}

void ScoreCsvWriter::number(std::string& out, const std::optional<double>& x) {
  if (x) numbers_.append(out, *x);
}

std::string score_and_encode_csv(const Instrument& instrument, const ResponseMatrix& responses) {
  std::string out;
  ScoreCsvWriter writer(instrument);
  writer.begin(out);
  writer.add(out, responses, score(instrument, responses));
  return out;
}

}  // namespace psyscore::detail
