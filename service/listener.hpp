// Accepts connections and keeps the list of open sessions, as the listener
// of Beast's advanced server does, with the protections a public server
// needs here: a cap on open connections (at the cap it stops accepting and
// leaves new connections in the kernel's backlog until one closes), a bound
// on the requests waiting for a compute thread, and a drain that closes idle
// connections at once and busy ones after their response.
//
// Sessions reach the server's shared pieces through their listener: the
// service state, the server's options and the compute pool. The listener
// outlives every session: the server joins its threads before destroying it.
#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/error.hpp>

#include "server.hpp"
#include "state.hpp"

namespace psyscore::service {

class Session;

class Listener {
 public:
  Listener(boost::asio::io_context& io, boost::asio::thread_pool& compute, ServiceState& state,
           const ServerOptions& options);

  // Binds and listens on `endpoint`; the error says why not.
  boost::beast::error_code listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // The bound port (useful when the options asked for port 0).
  unsigned short port() const;
  // Starts accepting connections.
  void start();
  // Stops accepting and drains every open session. The io_context stops
  // once the last session has closed (at once when none is open).
  void drain();
  std::size_t open_sessions() const { return active_.load(); }

  // For sessions.
  ServiceState& state() { return state_; }
  const ServerOptions& options() const { return options_; }
  boost::asio::thread_pool& compute() { return compute_; }
  void session_closed();
  // The compute pool's queue (ServerOptions::max_queue): a request takes a
  // place before it is posted to the pool, and is refused when every place
  // is taken; a compute thread gives the place back when it starts on the
  // request (compute_started) and reports its end (compute_finished).
  bool enter_compute_queue();
  void compute_started();
  void compute_finished();

 private:
  void do_accept();
  void register_session(const std::shared_ptr<Session>& session);

  boost::asio::io_context& io_;
  boost::asio::thread_pool& compute_;
  ServiceState& state_;
  const ServerOptions& options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  std::atomic<std::size_t> active_{0};
  std::atomic<std::size_t> queued_{0};  // requests posted to the compute pool, not yet started
  std::mutex sessions_mutex_;           // guards sessions_
  std::list<std::weak_ptr<Session>> sessions_;
};

}  // namespace psyscore::service
