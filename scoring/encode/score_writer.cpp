// ScoreResultWriter and score_and_encode: the score result written a chunk
// of respondents at a time.

#include "scoring/encode/score_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <span>

#include "scoring/encode/encode_common.hpp"

namespace psyscore {

namespace detail {

namespace {

// Room for the text of one score beyond its subscale's own strings: the
// field names and punctuation, four numbers and two counts.
constexpr std::size_t kScoreBytes = 128 + 4 * kMaxJsonNumberSize + 2 * kMaxJsonCountSize;

// prefix, `text` as a JSON string, suffix: allocated once at its size (or
// not at all when it is short), where append_json_string would reserve room
// for the worst case of escaping.
std::string json_text(std::string_view prefix, std::string_view text, std::string_view suffix) {
  constexpr std::size_t kStackBytes = 256;
  if (max_json_string_size(text) > kStackBytes) {
    std::string out(prefix);
    append_json_string(out, text);
    return out.append(suffix);
  }
  char quoted[kStackBytes];
  const std::string_view literal(quoted, static_cast<std::size_t>(write_json_string(quoted, text) - quoted));
  std::string out;
  out.reserve(prefix.size() + literal.size() + suffix.size());
  return out.append(prefix).append(literal).append(suffix);
}

}  // namespace

ScoreResultWriter::ScoreResultWriter(const Instrument& instrument) : instrument_(instrument) {
  subscales_.reserve(instrument.subscales.size());
  for (const Subscale& subscale : instrument.subscales) {
    SubscaleText text;
    text.band_field.reserve(subscale.bands.size());
    text.open = json_text(subscales_.empty() ? "" : ",", subscale.id, ":{\"value\":");
    std::size_t longest_band = 0;
    for (const Band& band : subscale.bands) {
      std::string field = json_text(",\"band\":", band.label, "");
      longest_band = std::max(longest_band, field.size());
      text.band_field.push_back(std::move(field));
    }
    text.has_bands = !subscale.bands.empty();
    text.has_norms = subscale.norms.has_value();
    scores_bytes_ += text.open.size() + longest_band + kScoreBytes;
    subscales_.push_back(std::move(text));
  }
}

void ScoreResultWriter::begin(std::string& out) const {
  JsonWriter writer(out);
  writer.begin_object();
  write_instrument_reference(writer, instrument_);
  writer.key("results");
  out += '[';
}

char* ScoreResultWriter::write_score(char* out, const SubscaleText& text, const SubscaleScore& score) {
  out = put(out, text.open);
  if (score.value) {
    out = numbers_.write(out, *score.value);
  } else {
    out = put(out, "null,\"reason\":");
    out = write_json_string(out, score.reason);
  }
  out = put(out, ",\"mean\":");
  out = score.mean ? numbers_.write(out, *score.mean) : put(out, "null");
  out = put(out, ",\"answered\":");
  out = write_json_count(out, score.answered);
  out = put(out, ",\"missing\":");
  out = write_json_count(out, score.missing);
  out = put(out, score.prorated ? ",\"prorated\":true" : ",\"prorated\":false");
  if (text.has_bands) out = put(out, score.band ? std::string_view(text.band_field[*score.band]) : ",\"band\":null");
  if (text.has_norms) {
    out = put(out, ",\"z\":");
    out = score.z ? numbers_.write(out, *score.z) : put(out, "null");
    out = put(out, ",\"t\":");
    out = score.t ? numbers_.write(out, *score.t) : put(out, "null");
  }
  *out++ = '}';
  return out;
}

void ScoreResultWriter::add(std::string& out, const ResponseMatrix& responses, const ScoreTable& table) {
  add_rows(out, responses, [&](std::size_t row) {
    return std::span<const SubscaleScore>(table.scores).subspan(row * table.subscale_count, table.subscale_count);
  });
}

void ScoreResultWriter::add(std::string& out, const ResponseMatrix& responses, std::span<std::size_t> between_bands) {
  row_scores_.resize(subscales_.size());
  add_rows(out, responses, [&](std::size_t row) {
    const auto answers = responses.row(row);
    for (std::size_t s = 0; s < subscales_.size(); ++s) {
      const Subscale& subscale = instrument_.subscales[s];
      row_scores_[s] = score_subscale(instrument_, subscale, answers);
      if (falls_between_bands(subscale, row_scores_[s])) ++between_bands[s];
    }
    return std::span<const SubscaleScore>(row_scores_);
  });
}

template <class ScoresOf>
void ScoreResultWriter::add_rows(std::string& out, const ResponseMatrix& responses, const ScoresOf& scores_of) {
  const std::size_t start = out.size();
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    // The first respondents tell how long the text of the others will be:
    // reserving it at once spares copying a growing body, and touching
    // fresh memory for each copy.
    if (constexpr std::size_t kSample = 32; r == kSample) {
      out.reserve(out.size() + (out.size() - start) / kSample * (responses.respondent_count() - kSample) * 5 / 4);
    }
    const std::string_view open = respondents_++ == 0 ? "{\"id\":" : ",{\"id\":";
    const std::string& id = responses.ids[r];
    if (responses.usable(r)) {
      const std::span<const SubscaleScore> scores = scores_of(r);
      std::size_t bound = 32 + max_json_string_size(id) + scores_bytes_;
      for (const SubscaleScore& score : scores) bound += max_json_string_size(score.reason);
      append_record(out, bound, [&](char* at) {
        at = write_json_string(put(at, open), id);
        at = put(at, ",\"scores\":{");
        for (std::size_t s = 0; s < subscales_.size(); ++s) at = write_score(at, subscales_[s], scores[s]);
        return put(at, "},\"errors\":[]}");
      });
      continue;
    }
    ++with_errors_;
    const std::vector<AnswerError>& errors = responses.errors[r];
    std::size_t bound = 64 + max_json_string_size(id);
    for (const AnswerError& error : errors) {
      bound += 64 + max_json_string_size(error.item) + max_json_string_size(error.message);
    }
    append_record(out, bound, [&](char* at) {
      at = write_json_string(put(at, open), id);
      at = put(at, ",\"scores\":null,\"errors\":[");
      for (std::size_t e = 0; e < errors.size(); ++e) {
        at = write_json_string(put(at, e == 0 ? "{\"item\":" : ",{\"item\":"), errors[e].item);
        at = write_json_string(put(at, ",\"code\":"), to_string(errors[e].code));
        at = write_json_string(put(at, ",\"message\":"), errors[e].message);
        *at++ = '}';
      }
      return put(at, "]}");
    });
  }
}

void ScoreResultWriter::end(std::string& out, const std::vector<std::string>& warnings) const {
  out += "],";
  JsonWriter writer(out);
  writer.key("summary").begin_object();
  writer.field("respondents", respondents_)
      .field("scored", respondents_ - with_errors_)
      .field("with_errors", with_errors_);
  writer.end_object();
  out += ',';
  JsonWriter rest(out);
  write_strings(rest, "warnings", warnings);
  out += "}\n";
}

std::string score_and_encode(const Instrument& instrument, const ResponseMatrix& responses) {
  // Room for a few respondents at once (a batch reserves the rest as it
  // goes), so that a small result is not copied as it grows.
  constexpr std::size_t kFirstBytes = 4096;
  std::string body;
  body.reserve(kFirstBytes);
  ScoreResultWriter writer(instrument);
  writer.begin(body);
  std::vector<std::size_t> between_bands(instrument.subscales.size(), 0);
  writer.add(body, responses, between_bands);
  std::vector<std::string> warnings = responses.warnings;
  for (std::string& warning : score_warnings(instrument, between_bands)) warnings.push_back(std::move(warning));
  writer.end(body, warnings);
  return body;
}

}  // namespace detail

}  // namespace psyscore
