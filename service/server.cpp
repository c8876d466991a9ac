// The server: one io_context run by a pool of I/O threads, a separate pool
// for compute-heavy requests, the listener, and the signals that stop
// (SIGTERM, SIGINT: drain, then return 0) and reload (SIGHUP) it.

#include "server.hpp"

#include <algorithm>
#include <csignal>
#include <thread>
#include <utility>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include "listener.hpp"

namespace psyscore::service {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

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

// Compute threads can work through this many waiting requests each before a
// client that queues behind them had better try elsewhere. Enough that the
// soak test (16 connections on 2 threads) and the failover test (32
// connections onto one instance of 1 thread) never see a full queue.
constexpr std::size_t kQueuePerThread = 32;

// The options with the defaults that depend on the machine filled in.
ServerOptions resolved(ServerOptions options) {
  if (options.threads == 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
  if (options.max_queue == 0) options.max_queue = kQueuePerThread * options.threads;
  return options;
}

class Server {
 public:
  Server(ServiceState& state, const ServerOptions& options)
      : state_(state),
        options_(resolved(options)),
        threads_(options_.threads),
        compute_(threads_),
        listener_(io_, compute_, state_, options_),
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        drain_timer_(io_) {}

  int run(const std::function<void(unsigned short)>& on_listening) {
    keep_freed_memory_for_reuse();
    boost::beast::error_code ec;
    const auto address = net::ip::make_address(options_.host, ec);
    if (ec) {
      spdlog::error("cannot listen: \"{}\" is not an IP address", options_.host);
      return 1;
    }
    ec = listener_.listen(tcp::endpoint{address, options_.port});
    if (ec) {
      spdlog::error("cannot listen on {}:{}: {}", options_.host, options_.port, ec.message());
      return 1;
    }
    const unsigned short port = listener_.port();
    spdlog::info("listening on {}:{} with {} threads, a compute queue of {}, {} instruments", options_.host, port,
                 threads_, options_.max_queue, state_.registry()->instruments().size());
    signals_.async_wait([this](boost::beast::error_code e, int signal) { on_signal(e, signal); });
    listener_.start();
    if (on_listening) on_listening(port);

    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < threads_; ++i) pool.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& thread : pool) thread.join();
    compute_.join();
    spdlog::info("stopped");
    return 0;
  }

 private:
  void on_signal(boost::beast::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      net::post(compute_, [this] { reload(); });
      signals_.async_wait([this](boost::beast::error_code e, int s) { on_signal(e, s); });
      return;
    }
    spdlog::info("received {}, draining {} connections", signal == SIGTERM ? "SIGTERM" : "SIGINT",
                 listener_.open_sessions());
    state_.start_draining();
    listener_.drain();
    drain_timer_.expires_after(options_.drain_timeout);
    drain_timer_.async_wait([this](boost::beast::error_code e) {
      if (e) return;
      spdlog::warn("drain timeout: closing {} connections", listener_.open_sessions());
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
  Listener listener_;
  net::signal_set signals_;
  net::steady_timer drain_timer_;
};

}  // namespace

int run_server(ServiceState& state, const ServerOptions& options,
               const std::function<void(unsigned short)>& on_listening) {
  Server server(state, options);
  return server.run(on_listening);
}

}  // namespace psyscore::service
