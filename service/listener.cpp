#include "listener.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "session.hpp"

namespace psyscore::service {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& io, net::thread_pool& compute, ServiceState& state, const ServerOptions& options)
    : io_(io),
      compute_(compute),
      state_(state),
      options_(options),
      acceptor_(net::make_strand(io)),
      accept_retry_(acceptor_.get_executor()) {}

boost::beast::error_code Listener::listen(const tcp::endpoint& endpoint) {
  boost::beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

unsigned short Listener::port() const { return acceptor_.local_endpoint().port(); }

void Listener::start() { do_accept(); }

void Listener::do_accept() {
  if (state_.draining()) return;
  if (active_.load() >= options_.max_connections) {
    accept_retry_.expires_after(std::chrono::milliseconds(10));
    accept_retry_.async_wait([this](boost::beast::error_code ec) {
      if (!ec) do_accept();
    });
    return;
  }
  acceptor_.async_accept(net::make_strand(io_), [this](boost::beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), *this);
      register_session(session);
      session->start();
    }
    do_accept();
  });
}

void Listener::register_session(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mutex_);
  // Forget closed sessions now and then, so the list stays near the number
  // of open connections.
  if (sessions_.size() > 2 * active_.load() + 64) std::erase_if(sessions_, [](const auto& s) { return s.expired(); });
  sessions_.push_back(session);
  ++active_;
  state_.metrics().connection_opened();
}

void Listener::session_closed() {
  state_.metrics().connection_closed();
  if (--active_ == 0 && state_.draining()) net::post(io_, [this] { io_.stop(); });
}

bool Listener::enter_compute_queue() {
  std::size_t waiting = queued_.load();
  do {
    if (waiting >= options_.max_queue) return false;
  } while (!queued_.compare_exchange_weak(waiting, waiting + 1));
  state_.metrics().compute_queued();
  return true;
}

void Listener::compute_started() {
  --queued_;
  state_.metrics().compute_started();
}

void Listener::compute_finished() { state_.metrics().compute_finished(); }

void Listener::drain() {
  net::post(acceptor_.get_executor(), [this] {
    boost::beast::error_code ignored;
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
  if (active_.load() == 0) io_.stop();
}

}  // namespace psyscore::service
