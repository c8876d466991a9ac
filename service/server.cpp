// Sessions read requests and write responses; all request logic is in
// handle() (router.cpp). Each connection has a strand; a request is read
// whole, handled (on the compute pool when heavy), and its response written
// before the next request is read, so pipelined requests are answered in
// order and each connection holds at most one request in memory.

#include "server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <list>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <random>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api.hpp"
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
  field("Content-Length", std::to_string(response.body.size()));
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

// A batch request allocates tens of megabytes (its body, the JSON document,
// the result) and frees them once answered. glibc's defaults hand such
// blocks back to the kernel, and the next batch faults them in again page by
// page: a third of the CPU time of a 10,000-respondent JSON request. The
// server keeps them for reuse instead: blocks up to 32 MiB come from the
// heap, and up to 128 MiB of free heap per arena stays mapped, so the
// resident size follows the largest requests rather than each request.
void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
}

// Bytes received at most per read of a request body.
constexpr std::size_t kBodyReadBytes = std::size_t{64} << 10;

class Server;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server& server);
  ~Session();

  void start();
  // Called on the session's strand when the server drains: an idle
  // connection closes now, a busy one after its response.
  void drain();

 private:
  void read_header();
  void on_header(beast::error_code ec, std::size_t bytes);
  void on_continue_sent(beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_body(beast::error_code ec, std::size_t bytes);
  void dispatch_request();
  void reject(const beast::error_code& ec);
  void respond(ApiResponse response);
  void on_write(bool close, beast::error_code ec, std::size_t bytes);
  void close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Server& server_;
  bool busy_ = false;  // from a complete header to the end of its response
  bool draining_ = false;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string method_;
  std::string request_id_;
  Clock::time_point started_;
  std::size_t request_bytes_ = 0;
  std::string head_;  // status line and header fields of the response being written
  std::string body_;  // and its body
  std::shared_ptr<http::response<http::empty_body>> continue_;
};

class Server {
 public:
  Server(ServiceState& state, const ServerOptions& options)
      : state_(state),
        options_(options),
        threads_(options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency())),
        compute_(threads_),
        acceptor_(net::make_strand(io_)),
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        accept_retry_(acceptor_.get_executor()),
        drain_timer_(io_) {}

  int run(const std::function<void(unsigned short)>& on_listening) {
    keep_freed_memory_for_reuse();
    beast::error_code ec;
    const auto address = net::ip::make_address(options_.host, ec);
    if (ec) {
      spdlog::error("cannot listen: \"{}\" is not an IP address", options_.host);
      return 1;
    }
    const tcp::endpoint endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      spdlog::error("cannot listen on {}:{}: {}", options_.host, options_.port, ec.message());
      return 1;
    }
    const unsigned short port = acceptor_.local_endpoint().port();
    spdlog::info("listening on {}:{} with {} threads, {} instruments", options_.host, port, threads_,
                 state_.registry()->instruments().size());
    signals_.async_wait([this](beast::error_code e, int signal) { on_signal(e, signal); });
    do_accept();
    if (on_listening) on_listening(port);

    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < threads_; ++i) pool.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& thread : pool) thread.join();
    compute_.join();
    spdlog::info("stopped");
    return 0;
  }

  ServiceState& state() { return state_; }
  const ServerOptions& options() const { return options_; }
  net::thread_pool& compute() { return compute_; }

  void register_session(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(sessions_mutex_);
    // Forget closed sessions now and then, so the list stays near the
    // number of open connections.
    if (sessions_.size() > 2 * active_.load() + 64) std::erase_if(sessions_, [](const auto& s) { return s.expired(); });
    sessions_.push_back(session);
    ++active_;
    state_.metrics().connection_opened();
  }

  void session_closed() {
    state_.metrics().connection_closed();
    if (--active_ == 0 && state_.draining()) net::post(io_, [this] { io_.stop(); });
  }

 private:
  void do_accept() {
    if (state_.draining()) return;
    if (active_.load() >= options_.max_connections) {
      // At the cap, leave new connections in the kernel's backlog rather
      // than refuse them; look again shortly.
      accept_retry_.expires_after(std::chrono::milliseconds(10));
      accept_retry_.async_wait([this](beast::error_code ec) {
        if (!ec) do_accept();
      });
      return;
    }
    acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        auto session = std::make_shared<Session>(std::move(socket), *this);
        register_session(session);
        session->start();
      }
      do_accept();
    });
  }

  void on_signal(beast::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      net::post(compute_, [this] { reload(); });
      signals_.async_wait([this](beast::error_code e, int s) { on_signal(e, s); });
      return;
    }
    spdlog::info("received {}, draining {} connections", signal == SIGTERM ? "SIGTERM" : "SIGINT", active_.load());
    state_.start_draining();
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      accept_retry_.cancel();
    });
    {
      std::lock_guard lock(sessions_mutex_);
      for (auto& weak : sessions_) {
        if (auto session = weak.lock()) session->drain();
      }
      sessions_.clear();
    }
    if (active_.load() == 0) {
      io_.stop();
      return;
    }
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([this](beast::error_code e) {
      if (e) return;
      spdlog::warn("drain timeout: closing {} connections", active_.load());
      io_.stop();
    });
  }

  void reload() {
    auto registry = Registry::load_directory(state_.instruments_dir());
    if (registry && registry->instruments().empty()) {
      registry = std::unexpected(Error{ErrorCode::invalid, "the directory holds no instrument definitions", {}});
    }
    if (!registry) {
      state_.metrics().reloaded(false);
      spdlog::error("reload of {} failed, keeping the previous registry: {}", state_.instruments_dir().string(),
                    registry.error().message);
      for (const auto& problem : registry.error().problems) spdlog::error("  {}", describe(problem));
      return;
    }
    const std::size_t count = registry->instruments().size();
    state_.set_registry(std::make_shared<const Registry>(std::move(*registry)));
    state_.metrics().reloaded(true);
    spdlog::info("reloaded {}: {} instruments", state_.instruments_dir().string(), count);
  }

  ServiceState& state_;
  ServerOptions options_;
  std::size_t threads_;
  net::io_context io_;
  net::thread_pool compute_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer accept_retry_;
  net::steady_timer drain_timer_;
  std::atomic<std::size_t> active_{0};
  std::mutex sessions_mutex_;  // guards sessions_
  std::list<std::weak_ptr<Session>> sessions_;
};

Session::Session(tcp::socket&& socket, Server& server) : stream_(std::move(socket)), server_(server) {}

Session::~Session() { server_.session_closed(); }

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
  parser_->header_limit(static_cast<std::uint32_t>(server_.options().header_limit));
  parser_->body_limit(server_.state().limits().max_body_bytes);
  // A fresh request waits up to the idle timeout for its first byte; the
  // read timeout then bounds the rest (reset in on_header).
  stream_.expires_after(buffer_.size() > 0 ? server_.options().read_timeout : server_.options().idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

void Session::on_header(beast::error_code ec, std::size_t) {
  if (ec) return reject(ec);
  busy_ = true;
  started_ = Clock::now();
  server_.state().metrics().begin_request();
  stream_.expires_after(server_.options().read_timeout);
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
  api.body = std::move(request.body());

  if (!is_compute_heavy(api)) return respond(handle_within_limits(server_.state(), std::move(api)));
  net::post(server_.compute(), [self = shared_from_this(), api = std::move(api)]() mutable {
    ApiResponse response = handle_within_limits(self->server_.state(), std::move(api));
    net::post(self->stream_.get_executor(),
              [self, response = std::move(response)]() mutable { self->respond(std::move(response)); });
  });
}

// A request that could not be read: answer what can be answered, then close.
void Session::reject(const beast::error_code& ec) {
  const bool nothing_received = !busy_ && !parser_->got_some();
  if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::eof || nothing_received) {
    if (busy_) server_.state().metrics().end_request();
    return close();
  }
  if (!busy_) {
    busy_ = true;
    started_ = Clock::now();
    server_.state().metrics().begin_request();
  }
  keep_alive_ = false;
  method_.assign(parser_->is_header_done() ? std::string_view(parser_->get().method_string()) : "-");
  new_request_id(request_id_);
  request_bytes_ = 0;
  if (ec == http::error::body_limit) {
    return respond(problem(413, "the body is larger than " + std::to_string(server_.state().limits().max_body_bytes) +
                                    " bytes (see --max-body-bytes)"));
  }
  if (ec == http::error::header_limit) {
    return respond(problem(431, "the request line and headers are larger than " +
                                    std::to_string(server_.options().header_limit) + " bytes"));
  }
  respond(problem(400, "the request is not valid HTTP/1.1: " + ec.message()));
}

void Session::respond(ApiResponse api) {
  const bool close_after = !keep_alive_ || draining_;
  head_.clear();
  append_head(head_, version_, api, request_id_, !close_after);
  body_ = std::move(api.body);

  const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  server_.state().metrics().observe(api.route, api.status, seconds, request_bytes_, api.respondents);
  server_.state().metrics().end_request();
  // The access log names the route template, never the path's values, a
  // body or a respondent.
  spdlog::info("{} {} {} {:.3f}ms id={}", method_, api.route, api.status, seconds * 1000, request_id_);

  stream_.expires_after(server_.options().read_timeout);
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

}  // namespace

int run_server(ServiceState& state, const ServerOptions& options,
               const std::function<void(unsigned short)>& on_listening) {
  Server server(state, options);
  return server.run(on_listening);
}

}  // namespace psyscore::service
