#include "session.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <new>
#include <random>
#include <string_view>
#include <system_error>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include "listener.hpp"
#include "problem.hpp"

namespace psyscore::service {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Writes a fresh random id into `id` (reusing its storage).
void new_request_id(std::string& id) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  id.assign(16, '0');
  std::uint64_t bits = generator();
  for (char& c : id) {
    c = kHex[bits & 0xF];
    bits >>= 4;
  }
}

// A client's X-Request-Id is echoed only when it is short and plain, so that
// logs cannot be injected into; otherwise `id` gets a fresh one.
void set_request_id(std::string& id, std::string_view given) {
  const bool plain = !given.empty() && given.size() <= 128 && std::ranges::all_of(given, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (plain) {
    id.assign(given);
  } else {
    new_request_id(id);
  }
}

// Appends the status line and header fields of a response, byte for byte
// as Beast's serializer would write them for the same fields (set() in this
// order, then keep_alive() and prepare_payload()). Beast's serializer costs
// about 20,000 instructions per response walking its buffer sequences
// (callgrind), a fifth of all the work of a one-respondent score request;
// a psyscore response has a handful of fields, none repeated.
void append_head(std::string& out, unsigned version, const ApiResponse& response, std::string_view request_id,
                 bool keep_alive) {
  const auto field = [&out](std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
  };
  out.append("HTTP/").push_back(static_cast<char>('0' + version / 10));
  out.push_back('.');
  out.push_back(static_cast<char>('0' + version % 10));
  out.push_back(' ');
  out.append(std::to_string(response.status)).push_back(' ');
  out.append(http::obsolete_reason(static_cast<http::status>(response.status))).append("\r\n");
  field("Server", "psyscore");
  if (!response.content_type.empty()) field("Content-Type", response.content_type);
  field("X-Request-Id", request_id);
  for (const auto& [name, value] : response.headers) field(name, value);
  // HTTP/1.1 keeps a connection open unless told otherwise, HTTP/1.0 the
  // other way round.
  if (version >= 11 && !keep_alive) field("Connection", "close");
  if (version < 11 && keep_alive) field("Connection", "keep-alive");
  // A 304 has no body, and its Content-Length would be that of the 200.
  if (response.status != 304) field("Content-Length", std::to_string(response.body.size()));
  out.append("\r\n");
}

// handle() with the process's limits as a boundary: a request that needs
// more memory or threads than the process may have costs that request (a
// 503, which a load balancer retries elsewhere), not every request in
// flight. Any other exception would be a bug: a 500 for that request. The
// log names the failure, never the request's content.
ApiResponse handle_within_limits(const ServiceState& state, ApiRequest&& request) {
  try {
    return handle(state, std::move(request));
  } catch (const std::bad_alloc&) {
    spdlog::error("request failed: out of memory");
  } catch (const std::system_error& failure) {
    spdlog::error("request failed: {}", failure.what());
  } catch (const std::exception& failure) {
    spdlog::error("request failed with an internal error: {}", failure.what());
    return problem(500, "internal error; the request was not completed");
  }
  return problem(503, "the server ran out of memory or threads for this request; retry later or send a smaller one");
}

// Bytes received at most per read of a request body.
constexpr std::size_t kBodyReadBytes = std::size_t{64} << 10;

}  // namespace

Session::Session(tcp::socket&& socket, Listener& listener) : stream_(std::move(socket)), listener_(listener) {}

Session::~Session() { listener_.session_closed(); }

void Session::start() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_header, shared_from_this()));
}

void Session::drain() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    if (!self->busy_) self->close();
  });
}

void Session::read_header() {
  if (draining_) return close();
  busy_ = false;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(listener_.options().header_limit));
  parser_->body_limit(listener_.state().limits().max_body_bytes);
  // A fresh request waits up to the idle timeout for its first byte; the
  // read timeout then bounds the rest (reset in on_header).
  stream_.expires_after(buffer_.size() > 0 ? listener_.options().read_timeout : listener_.options().idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

void Session::on_header(beast::error_code ec, std::size_t) {
  if (ec) return reject(ec);
  busy_ = true;
  started_ = Clock::now();
  listener_.state().metrics().begin_request();
  stream_.expires_after(listener_.options().read_timeout);
  const auto& header = parser_->get();
  if (beast::iequals(header[http::field::expect], "100-continue")) {
    continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
    return http::async_write(stream_, *continue_,
                             beast::bind_front_handler(&Session::on_continue_sent, shared_from_this()));
  }
  read_body();
}

void Session::on_continue_sent(beast::error_code ec, std::size_t) {
  if (ec) return close();
  read_body();
}

void Session::read_body() {
  // A small request's body usually arrived with its header: parse what is
  // buffered first, and answer without another trip through the scheduler
  // when that completes the request.
  parser_->eager(true);
  while (!parser_->is_done() && buffer_.size() > 0) {
    beast::error_code ec;
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more || (!ec && used == 0)) break;
    if (ec) return reject(ec);
  }
  if (parser_->is_done()) return dispatch_request();
  // Beast receives into the buffer's free capacity, 512 bytes at least: a
  // buffer sized for headers would take a batch body in thousands of small
  // reads, each a trip through the scheduler and the timer queue.
  buffer_.reserve(kBodyReadBytes);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
}

void Session::on_body(beast::error_code ec, std::size_t) {
  if (ec) return reject(ec);
  dispatch_request();
}

void Session::dispatch_request() {
  http::request<http::string_body> request = parser_->release();
  version_ = request.version();
  keep_alive_ = request.keep_alive();
  method_.assign(request.method_string());
  set_request_id(request_id_, request["X-Request-Id"]);
  request_bytes_ = request.body().size();

  ApiRequest api;
  api.method = method_;
  api.target = std::string(request.target());
  api.content_type = std::string(request[http::field::content_type]);
  api.authorization = std::string(request[http::field::authorization]);
  api.origin = std::string(request[http::field::origin]);
  api.accept = std::string(request[http::field::accept]);
  api.if_none_match = std::string(request[http::field::if_none_match]);
  api.body = std::move(request.body());

  const ServiceState& state = listener_.state();
  // A request without a valid key is answered (401) here at once: it takes
  // no place in the compute queue.
  if (!is_compute_heavy(api) || (state.api_keys_required() && !state.authorized(api.authorization))) {
    return respond(handle_within_limits(state, std::move(api)));
  }
  if (!listener_.enter_compute_queue()) return respond(queue_full(state, api, listener_.options().max_queue));
  net::post(listener_.compute(), [self = shared_from_this(), api = std::move(api)]() mutable {
    self->listener_.compute_started();
    ApiResponse response = handle_within_limits(self->listener_.state(), std::move(api));
    self->listener_.compute_finished();
    net::post(self->stream_.get_executor(),
              [self, response = std::move(response)]() mutable { self->respond(std::move(response)); });
  });
}

// A request that could not be read: answer what can be answered, then close.
void Session::reject(const beast::error_code& ec) {
  const bool nothing_received = !busy_ && !parser_->got_some();
  if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::eof || nothing_received) {
    if (busy_) listener_.state().metrics().end_request();
    return close();
  }
  if (!busy_) {
    busy_ = true;
    started_ = Clock::now();
    listener_.state().metrics().begin_request();
  }
  keep_alive_ = false;
  method_.assign(parser_->is_header_done() ? std::string_view(parser_->get().method_string()) : "-");
  new_request_id(request_id_);
  request_bytes_ = 0;
  if (ec == http::error::body_limit) {
    return respond(problem(413, "the body is larger than " + std::to_string(listener_.state().limits().max_body_bytes) +
                                    " bytes (see --max-body-bytes)"));
  }
  if (ec == http::error::header_limit) {
    return respond(problem(431, "the request line and headers are larger than " +
                                    std::to_string(listener_.options().header_limit) + " bytes"));
  }
  respond(problem(400, "the request is not valid HTTP/1.1: " + ec.message()));
}

void Session::respond(ApiResponse api) {
  const bool close_after = !keep_alive_ || draining_;
  head_.clear();
  append_head(head_, version_, api, request_id_, !close_after);
  body_ = std::move(api.body);

  const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  listener_.state().metrics().observe(api.route, api.status, seconds, request_bytes_, api.respondents);
  listener_.state().metrics().end_request();
  // The access log names the route template, never the path's values, a
  // body or a respondent.
  spdlog::info("{} {} {} {:.3f}ms id={}", method_, api.route, api.status, seconds * 1000, request_id_);

  stream_.expires_after(listener_.options().read_timeout);
  const std::array<net::const_buffer, 2> message{net::buffer(head_), net::buffer(body_)};
  net::async_write(stream_, message, beast::bind_front_handler(&Session::on_write, shared_from_this(), close_after));
}

void Session::on_write(bool close_after, beast::error_code ec, std::size_t) {
  // An idle connection holds no response body (a batch result can be
  // megabytes) nor a read buffer grown for one; the head's few hundred
  // bytes are reused.
  body_ = std::string();
  if (buffer_.capacity() >= kBodyReadBytes) buffer_.shrink_to_fit();
  if (ec || close_after) return close();
  read_header();
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.close();
}

}  // namespace psyscore::service
