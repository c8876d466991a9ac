// One HTTP connection, as in Beast's advanced server: a session reads a
// request whole, has handle() answer it (on the compute pool when the
// request is heavy, so it never stalls other connections; 503 when the
// pool's queue is full), writes the response, and only then reads the next
// request. Pipelined requests are
// therefore answered in order and a connection holds at most one request in
// memory. Every handler runs on the connection's strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "router.hpp"

namespace psyscore::service {

class Listener;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, Listener& listener);
  ~Session();

  void start();
  // Called on the session's strand when the server drains: an idle
  // connection closes now, a busy one after its response.
  void drain();

 private:
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_body(boost::beast::error_code ec, std::size_t bytes);
  void dispatch_request();
  void reject(const boost::beast::error_code& ec);
  void respond(ApiResponse response);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Listener& listener_;
  bool busy_ = false;  // from a complete header to the end of its response
  bool draining_ = false;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string method_;
  std::string request_id_;
  std::chrono::steady_clock::time_point started_;
  std::size_t request_bytes_ = 0;
  std::string head_;  // status line and header fields of the response being written
  std::string body_;  // and its body
  std::shared_ptr<boost::beast::http::response<boost::beast::http::empty_body>> continue_;
};

}  // namespace psyscore::service
