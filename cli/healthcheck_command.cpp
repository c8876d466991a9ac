// psyscore healthcheck: one GET of a running server's /healthz (or /readyz),
// for container health checks. The image has no shell and no curl, so the
// binary checks itself.

#include <chrono>
#include <iostream>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "commands.hpp"

namespace psyscore::cli {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// A probe's answer is a few bytes; anything larger is not psyscore.
constexpr std::size_t kMaxResponseBytes = 64 * 1024;

}  // namespace

int healthcheck(const HealthcheckOptions& options) {
  const std::string url = "http://" + options.host + ":" + std::to_string(options.port) + options.path;
  beast::error_code ec;
  // An address, not a name: a name would need a resolver, and the image has
  // no /etc/hosts or resolv.conf to resolve with.
  const auto address = net::ip::make_address(options.host, ec);
  if (ec) {
    std::cerr << "error: --host \"" << options.host << "\" is not an IP address\n";
    return kUsage;
  }

  net::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::empty_body> request{http::verb::get, options.path, 11};
  request.set(http::field::host, options.host);
  request.set(http::field::user_agent, "psyscore-healthcheck");
  request.set(http::field::connection, "close");
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  beast::error_code failure;
  // One deadline for the whole exchange: connect, write and read.
  stream.expires_after(std::chrono::milliseconds(options.timeout_ms));
  stream.async_connect(net::ip::tcp::endpoint{address, options.port}, [&](beast::error_code connected) {
    if (connected) {
      failure = connected;
      return;
    }
    http::async_write(stream, request, [&](beast::error_code written, std::size_t) {
      if (written) {
        failure = written;
        return;
      }
      http::async_read(stream, buffer, parser, [&](beast::error_code read, std::size_t) { failure = read; });
    });
  });
  io.run();

  if (failure) {
    std::cerr << "error: GET " << url << ": "
              << (failure == beast::error::timeout ? "no answer within " + std::to_string(options.timeout_ms) + " ms"
                                                   : failure.message())
              << '\n';
    return kInvalidInput;
  }
  const auto& response = parser.get();
  if (response.result() != http::status::ok) {
    std::cerr << "error: GET " << url << ": " << response.result_int() << ' ' << response.reason() << '\n';
    return kInvalidInput;
  }
  std::cout << response.body();
  return kSuccess;
}

}  // namespace psyscore::cli
