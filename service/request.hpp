// A request as the endpoint handlers see it (RequestContext: the matched
// route, the path's {id}, the query, the media type and the body), and the
// helpers they share to turn a body into an instrument and waves of
// responses. Every helper reports what is wrong as an Error with the JSON
// pointer or CSV line and column at fault.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <initializer_list>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "psyscore/deadline.hpp"
#include "psyscore/responses.hpp"
#include "router.hpp"

namespace psyscore::service {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

struct RequestContext {
  std::string_view route;     // the matched route template
  Deadline deadline;          // of the request's compute (ServiceLimits::deadline), from when handle() started
  std::string instrument_id;  // the {id} (or {name}) segment of the path, if any
  QueryParameters query;
  std::string media_type;     // Content-Type without parameters, lower case
  std::string accept;         // the Accept header, as sent
  std::string if_none_match;  // the If-None-Match header, as sent
  std::string body;

  bool is_json() const;
  // A table of respondents: text/csv, or an SPSS, Stata or SAS file
  // (application/x-spss-sav, application/x-stata-dta, application/x-sas-data).
  bool is_csv() const;
  // True when Accept prefers text/csv to application/json (a higher q, or
  // text/csv named and application/json not); wildcards choose JSON.
  bool wants_csv() const;
  // The format of a table body (is_csv()).
  InputFormat table_format() const;
  std::optional<std::string_view> parameter(std::string_view name) const;
};

ApiResponse unsupported_media_type(const RequestContext& context, bool csv_allowed);

// The body as a JSON object (ErrorCode::malformed otherwise).
Result<boost::json::value> parse_body(const RequestContext& context, boost::json::storage_ptr storage);
// Rejects keys other than `allowed` (and "instrument" on inline routes).
std::optional<Error> check_body_keys(const boost::json::object& body, std::initializer_list<std::string_view> allowed,
                                     bool inline_instrument);
// Rejects query parameters other than `allowed`.
std::optional<Error> check_parameters(const RequestContext& context, std::initializer_list<std::string_view> allowed);
std::optional<Error> check_parameters_in(const RequestContext& context, std::span<const std::string_view> allowed);
// The instrument of the path's {id}, or the body's inline "instrument"
// (within --max-items and --max-subscales).
Result<InstrumentPtr> resolve_instrument(const ServiceState& state, const RequestContext& context,
                                         const boost::json::object* body);
// The respondents array at body[key], within the service's limits.
Result<ResponseMatrix> decode_wave(const ServiceState& state, const Instrument& instrument,
                                   const boost::json::object& body, std::string_view key);
// The query's delimiter= (",", ";", "tab" or their names) into `options`;
// absent leaves it to detection.
std::optional<Error> read_delimiter(const RequestContext& context, CsvOptions& options);
// A table body (text/csv, SPSS, Stata or SAS), with id_column,
// column_prefix and delimiter from the query.
// `covariate_columns`: columns read as covariates (ResponseMatrix::covariates).
Result<ResponseMatrix> decode_csv_wave(const ServiceState& state, const Instrument& instrument,
                                       const RequestContext& context, std::string_view group_column,
                                       const std::vector<std::string>& covariate_columns = {});

// A JSON request body: parsed into an arena that lives as long as this
// object, checked for its keys, its instrument resolved (the path's {id} or
// the inline "instrument"). When the body cannot be used, `failure` holds the
// response to send.
class JsonBody {
 public:
  JsonBody(const ServiceState& state, const RequestContext& context, std::initializer_list<std::string_view> keys);
  JsonBody(const JsonBody&) = delete;
  JsonBody& operator=(const JsonBody&) = delete;

  std::optional<ApiResponse> failure;
  const boost::json::object& root() const { return *root_; }
  const Instrument& instrument() const { return *instrument_; }

 private:
  boost::json::monotonic_resource arena_;
  boost::json::value document_;  // allocated in arena_, which must outlive it
  const boost::json::object* root_ = nullptr;
  InstrumentPtr instrument_;
};

// A text/csv body on a registry route, with its query parameters checked
// against `parameters` and decoded for the path's instrument.
struct CsvInput {
  InstrumentPtr instrument;
  ResponseMatrix wave;
};
Result<CsvInput> read_csv_body(const ServiceState& state, const RequestContext& context,
                               std::initializer_list<std::string_view> parameters, std::string_view group_column,
                               const std::vector<std::string>& covariate_columns = {});

}  // namespace psyscore::service
