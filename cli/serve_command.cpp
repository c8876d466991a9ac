// psyscore serve: the HTTP service on the registry of --instruments.

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "scoring/util/json_writer.hpp"
#include "server.hpp"
#include "state.hpp"

namespace psyscore::cli {

namespace {

// "%j": the log message as a JSON string, for --log-format json.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& destination) override {
    std::string escaped;
    detail::append_json_string(escaped, std::string_view(message.payload.data(), message.payload.size()));
    destination.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

// The log on stderr, written in blocks: a line per request written on its
// own costs a system call on the I/O thread each time. Lines wait in memory
// until kBlockBytes have gathered or kBlockAge has passed since the last
// write (checked at each line), a warning or error comes (the logger flushes
// on those), the once-a-second flush of a quiet server, or the end of the
// process; a SIGKILL loses at most the last second of lines.
class BlockSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr std::size_t kBlockBytes = 32 * 1024;
  static constexpr std::chrono::milliseconds kBlockAge{200};
  ~BlockSink() override { write_out(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t line;
    formatter_->format(message, line);
    pending_.append(line.data(), line.size());
    if (pending_.size() >= kBlockBytes || message.time - last_write_ >= kBlockAge) write_out();
  }
  void flush_() override { write_out(); }

 private:
  void write_out() {
    std::size_t written = 0;
    while (written < pending_.size()) {
      const ssize_t n = ::write(STDERR_FILENO, pending_.data() + written, pending_.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write the log: drop it rather than stop serving
      written += static_cast<std::size_t>(n);
    }
    pending_.clear();
    last_write_ = spdlog::log_clock::now();
  }
  std::string pending_;
  spdlog::log_clock::time_point last_write_ = spdlog::log_clock::now();
};

void configure_logging(const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("psyscore", std::make_shared<BlockSink>());
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonMessageFlag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","message":%j})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  }
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

// One key per line; blank lines and lines starting with # are skipped.
Result<std::vector<std::string>> read_api_keys(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return std::unexpected(
        Error::single(ErrorCode::not_found, {.source = path, .code = "not_found", .message = "cannot open the file"}));
  std::vector<std::string> keys;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    keys.push_back(line.substr(first, last - first + 1));
  }
  if (keys.empty()) {
    return std::unexpected(
        Error::single(ErrorCode::invalid, {.source = path, .code = "no_keys", .message = "the file holds no API key"}));
  }
  return keys;
}

}  // namespace

int serve(const Context& context, const ServeOptions& options) {
  configure_logging(options.log_format);
  auto registry = Registry::load_directory(context.instruments_dir);
  if (!registry) return report(registry.error());
  if (registry->instruments().empty()) {
    std::cerr << "error: " << context.instruments_dir.string() << ": no instrument definitions to serve\n";
    return kInvalidInput;
  }
  std::vector<std::string> api_keys;
  if (!options.api_key_file.empty()) {
    auto keys = read_api_keys(options.api_key_file);
    if (!keys) return report(keys.error());
    api_keys = std::move(*keys);
  }

  service::ServiceLimits limits;
  limits.max_body_bytes = options.max_body_bytes;
  limits.max_respondents = options.max_respondents;
  limits.max_items = options.max_items;
  limits.max_subscales = options.max_subscales;
  limits.max_bootstrap_iterations = options.max_bootstrap_iterations;
  limits.max_bootstrap_answers = options.max_bootstrap_answers;
  limits.max_waves = options.max_waves;
  limits.deadline = std::chrono::milliseconds(options.deadline_ms);
  service::ServiceState state(std::make_shared<const Registry>(std::move(*registry)), context.instruments_dir, limits,
                              std::move(api_keys), options.cors_origins);

  service::ServerOptions server;
  server.host = options.host;
  server.port = options.port;
  server.threads = options.threads;
  server.max_connections = options.max_connections;
  server.max_queue = options.max_queue;
  server.read_timeout = std::chrono::milliseconds(options.read_timeout_ms);
  server.idle_timeout = std::chrono::milliseconds(options.idle_timeout_ms);
  server.drain_timeout = std::chrono::milliseconds(options.drain_timeout_ms);
  const int status = service::run_server(state, server, [](unsigned short port) {
    // Scripts and tests that ask for --port 0 read the port from here.
    std::cout << "listening on port " << port << std::endl;
  });
  spdlog::shutdown();  // the log's last lines, and the periodic flush stopped
  return status;
}

}  // namespace psyscore::cli
