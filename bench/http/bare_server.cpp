// The ceiling for bench/http/run.sh: a Boost.Beast HTTP/1.1 server that
// reads every request whole (header and body, keep-alive, pipelining in
// order) and answers each with one constant JSON body. Whatever psyscore
// serve does beyond this (routing, decoding, scoring, encoding, metrics,
// logging) is what the benchmark charges it for.
//
// It is built like psyscore serve's I/O side so that the two differ only in
// the work per request: one io_context run by --threads threads (default:
// the hardware threads, as psyscore serve), a strand per connection, the
// same 32 MiB body limit, one request in memory per connection.
//
// Usage: bare_server [--host 127.0.0.1] [--port 8081] [--threads N] [--body-bytes 512]
// Prints "listening on port N" on stdout once it accepts connections (with
// --port 0 the kernel picks the port); SIGINT or SIGTERM stop it.

#include <charconv>
#include <csignal>
#include <cstddef>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::size_t kBodyLimit = 32u << 20;  // psyscore serve's default --max-body-bytes

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8081;
  std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  std::size_t body_bytes = 512;  // about the size of a one-respondent MBI-HSS score result
};

// {"status":"ok","padding":"xxx..."} of exactly `bytes` bytes (or the
// shortest such object when `bytes` is smaller), so the ceiling moves as
// many response bytes as the psyscore response it stands for.
std::string constant_body(std::size_t bytes) {
  const std::string open = R"({"status":"ok","padding":")";
  const std::string close = "\"}";
  const std::size_t overhead = open.size() + close.size();
  return open + std::string(bytes > overhead ? bytes - overhead : 0, 'x') + close;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const std::string& body) : stream_(std::move(socket)), body_(body) {}

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    // Beast receives into the buffer's free capacity (512 bytes at least);
    // like psyscore serve, take up to 64 KiB per read so that a batch body
    // is not read in thousands of pieces.
    buffer_.reserve(std::size_t{64} << 10);
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close();
    const http::request<http::string_body>& request = parser_->get();
    response_.emplace(http::status::ok, request.version());
    response_->set(http::field::server, "bare");
    response_->set(http::field::content_type, "application/json");
    response_->body() = body_;
    response_->keep_alive(request.keep_alive());
    response_->prepare_payload();
    http::async_write(stream_, *response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    if (ec || !keep_alive) return close();
    do_read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  const std::string& body_;
};

class Listener {
 public:
  Listener(net::io_context& io, std::string body) : io_(io), acceptor_(net::make_strand(io)), body_(std::move(body)) {}

  // The bound port, or 0 with a message on stderr.
  unsigned short listen(const std::string& host, unsigned short port) {
    beast::error_code ec;
    const tcp::endpoint endpoint{net::ip::make_address(host, ec), port};
    if (!ec) acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      std::cerr << "bare_server: cannot listen on " << host << ":" << port << ": " << ec.message() << "\n";
      return 0;
    }
    do_accept();
    return acceptor_.local_endpoint().port();
  }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(socket), body_)->start();
      do_accept();
    });
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  const std::string body_;
};

// Parses --name value pairs; nullopt (after a message) on anything else.
std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  auto number = [](std::string_view text, auto& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "bare_server: " << name << " needs a value\n";
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (name == "--host") {
      options.host = value;
    } else if (name == "--port") {
      ok = number(value, options.port);
    } else if (name == "--threads") {
      ok = number(value, options.threads) && options.threads > 0;
    } else if (name == "--body-bytes") {
      ok = number(value, options.body_bytes);
    } else {
      std::cerr << "bare_server: unknown option " << name
                << " (usage: bare_server [--host H] [--port P] [--threads N] [--body-bytes B])\n";
      return std::nullopt;
    }
    if (!ok) {
      std::cerr << "bare_server: bad value for " << name << ": " << value << "\n";
      return std::nullopt;
    }
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) try {
  const auto options = parse_options(argc, argv);
  if (!options) return 2;

  net::io_context io;
  Listener listener(io, constant_body(options->body_bytes));
  const unsigned short port = listener.listen(options->host, options->port);
  if (port == 0) return 1;

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](beast::error_code, int) { io.stop(); });
  std::cout << "listening on port " << port << std::endl;

  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < options->threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : pool) thread.join();
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bare_server: " << e.what() << "\n";
  return 1;
}
