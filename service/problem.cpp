#include "problem.hpp"

#include "scoring/util/json_writer.hpp"

namespace psyscore::service {

namespace {

std::string_view title_of(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

}  // namespace

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::malformed: return 400;
    case ErrorCode::not_found: return 404;
    case ErrorCode::invalid:
    case ErrorCode::io_error: return 422;
  }
  return 422;
}

namespace {

ApiResponse encode_problem(int status, std::string_view detail, const std::vector<Problem>& problems) {
  ApiResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  detail::JsonWriter out(response.body);
  out.begin_object();
  out.field("type", "about:blank").field("title", title_of(status));
  out.field("status", static_cast<std::int64_t>(status)).field("detail", detail);
  out.key("errors").begin_array();
  for (const auto& p : problems) {
    out.begin_object().field("pointer", p.pointer);
    if (p.line > 0) out.field("line", p.line);
    if (p.column > 0) out.field("column", p.column);
    out.field("code", p.code).field("message", p.message).end_object();
  }
  out.end_array().end_object();
  response.body.push_back('\n');
  return response;
}

}  // namespace

ApiResponse problem(const Error& error) {
  // The engine's deadline is the service's --deadline-ms: the answer says
  // so, and what would make the request fit.
  if (error.problems.size() == 1 && error.problems.front().code == "deadline_exceeded") {
    std::vector<Problem> problems = error.problems;
    problems.front().message += " (--deadline-ms): send fewer respondents, items, waves or bootstrap iterations";
    return encode_problem(422, problems.front().message, problems);
  }
  return encode_problem(status_of(error.code), error.message, error.problems);
}

ApiResponse problem(int status, std::string detail, std::string_view pointer, std::string_view code) {
  std::vector<Problem> problems;
  if (!code.empty())
    problems.push_back({.pointer = std::string(pointer), .code = std::string(code), .message = detail});
  return encode_problem(status, detail, problems);
}

}  // namespace psyscore::service
