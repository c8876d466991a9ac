// The HTTP server: Boost.Beast over one io_context run by a pool of I/O
// threads, with compute-heavy requests handed to a separate pool so they
// never stall other connections.
//
// Protections for a public server: a body limit (413), a header limit (431),
// one timeout for reading a whole request and one for idle keep-alive
// connections, a cap on open connections (beyond it the server stops
// accepting until one closes), a bound on the requests waiting for a
// compute thread (beyond it 503 with Retry-After), and a strand per
// connection. SIGTERM and
// SIGINT stop accepting, let in-flight requests finish (up to the drain
// timeout) and return 0; SIGHUP reloads the instrument directory.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "state.hpp"

namespace psyscore::service {

struct ServerOptions {
  std::string host = "127.0.0.1";      // Default: loopback only.
  unsigned short port = 8080;          // Default: 8080; 0 picks a free port.
  std::size_t threads = 0;             // I/O and compute threads each. Default: 0 = hardware threads.
  std::size_t max_connections = 1024;  // Default: 1024.
  // Requests waiting for a compute thread; one more gets 503. Default: 0,
  // meaning 32 per compute thread.
  std::size_t max_queue = 0;
  std::size_t header_limit = 16 * 1024;             // Default: 16 KiB of request line and headers.
  std::chrono::milliseconds read_timeout{30'000};   // Default: 30 s to receive a whole request.
  std::chrono::milliseconds idle_timeout{60'000};   // Default: 60 s for a keep-alive connection to send again.
  std::chrono::milliseconds drain_timeout{30'000};  // Default: 30 s for in-flight requests at shutdown.
};

// Listens and serves until SIGTERM or SIGINT. Calls `on_listening` with the
// bound port once the server accepts connections. Returns the process exit
// code: 0 after a clean stop, 1 when it could not listen.
int run_server(ServiceState& state, const ServerOptions& options,
               const std::function<void(unsigned short)>& on_listening = {});

}  // namespace psyscore::service
