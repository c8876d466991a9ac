// The real server on an ephemeral loopback port, spoken to over TCP.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "run_process.hpp"

namespace psyscore::test {
namespace {

// A `psyscore serve` child process; stderr (the log) goes to a file.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_arguments, std::filesystem::path instruments = {}) {
    if (instruments.empty()) instruments = source_dir() / "instruments";
    log_path_ = std::filesystem::temp_directory_path() /
                ("psyscore-server-" + std::to_string(getpid()) + "-" + std::to_string(counter_++) + ".log");
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(log, 2);
      close(out[0]);
      close(out[1]);
      std::vector<std::string> arguments = {PSYSCORE_BINARY, "--instruments", instruments.string(),
                                            "serve",         "--port",        "0"};
      // Two threads unless the test says otherwise.
      if (std::ranges::find(extra_arguments, "--threads") == extra_arguments.end()) {
        arguments.insert(arguments.end(), {"--threads", "2"});
      }
      arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
      std::vector<char*> argv;
      for (auto& a : arguments) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    close(out[0]);
    const auto space = line.rfind(' ');
    if (line.starts_with("listening on port") && space != std::string::npos) port_ = std::stoi(line.substr(space + 1));
  }

  ~ServerProcess() {
    if (pid_ > 0 && !stopped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove(log_path_);
  }

  int port() const { return port_; }
  void signal(int sig) const { kill(pid_, sig); }
  // Sends `sig` and waits for the exit code.
  int stop(int sig = SIGTERM) {
    kill(pid_, sig);
    return wait_exit();
  }
  // The exit status once the server ends on its own (after a signal already
  // sent: a second one could reach it after it stopped handling signals).
  int wait_exit() {
    int status = 0;
    waitpid(pid_, &status, 0);
    stopped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string log() const { return read_text(log_path_); }

 private:
  static inline int counter_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  bool stopped_ = false;
  std::filesystem::path log_path_;
};

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

struct Response {
  int status = 0;
  std::string headers;
  std::string body;
};

// Reads one response (Content-Length framed); status 0 when the connection
// closed first.
Response read_response(int fd, std::string& pending) {
  Response response;
  char buffer[65536];
  while (pending.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return response;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  const auto header_end = pending.find("\r\n\r\n");
  response.headers = pending.substr(0, header_end);
  response.status = std::stoi(response.headers.substr(9, 3));
  std::size_t length = 0;
  const auto at = response.headers.find("Content-Length: ");
  if (at != std::string::npos) length = std::stoul(response.headers.substr(at + 16));
  while (pending.size() < header_end + 4 + length) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return Response{};
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  response.body = pending.substr(header_end + 4, length);
  pending.erase(0, header_end + 4 + length);
  return response;
}

Response exchange(int port, const std::string& request) {
  const int fd = connect_to(port);
  if (fd < 0) return {};
  send_all(fd, request);
  std::string pending;
  Response response = read_response(fd, pending);
  close(fd);
  return response;
}

std::string post(const std::string& target, const std::string& body, const std::string& extra_headers = {}) {
  return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

std::string get(const std::string& target, const std::string& extra_headers = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers + "\r\n";
}

const std::string kScoreBody =
    R"({"responses": [{"id": "p1", "answers": {"1": 1, "2": 2, "3": 0, "4": 3, "5": 1, "6": 0, "7": 2}}]})";

TEST(Server, AnswersManyConcurrentClients) {
  ServerProcess server({});
  ASSERT_GT(server.port(), 0);
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      const int fd = connect_to(server.port());
      std::string pending;
      for (int i = 0; i < 50; ++i) {
        send_all(fd, post("/v1/instruments/gad-7/score", kScoreBody));
        const Response response = read_response(fd, pending);
        (response.status == 200 && response.body.find(R"("value":9)") != std::string::npos ? ok : failed)++;
      }
      close(fd);
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(server.stop(), 0);
}

TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
  ServerProcess server({});
  const int fd = connect_to(server.port());
  send_all(fd, get("/v1/instruments/phq-9") + post("/v1/instruments/gad-7/score", kScoreBody) + get("/nowhere") +
                   get("/healthz"));
  std::string pending;
  EXPECT_EQ(read_response(fd, pending).status, 200);
  const Response scored = read_response(fd, pending);
  EXPECT_EQ(scored.status, 200);
  EXPECT_NE(scored.body.find("gad-7"), std::string::npos);
  EXPECT_EQ(read_response(fd, pending).status, 404);
  EXPECT_EQ(read_response(fd, pending).body, "{\"status\":\"ok\"}\n");
  close(fd);
}

// A batch goes to the compute pool and a one-respondent request is answered
// on the I/O thread; pipelined one after the other they still come back in
// order.
TEST(Server, PipelinedBatchAndSmallRequestsKeepTheirOrder) {
  ServerProcess server({});
  std::string batch = R"({"responses": [)";
  for (int r = 0; r < 400; ++r) {
    batch += (r ? "," : "") + std::string(R"({"id": "r)") + std::to_string(r) +
             R"(", "answers": {"1": 1, "2": 2, "3": 0, "4": 3, "5": 1, "6": 0, "7": 2}})";
  }
  batch += "]}";
  ASSERT_GT(batch.size(), 16u * 1024) << "large enough for the compute pool";
  const int fd = connect_to(server.port());
  send_all(fd, post("/v1/instruments/gad-7/score", batch) + post("/v1/instruments/gad-7/score", kScoreBody) +
                   get("/healthz") + post("/v1/instruments/gad-7/score", batch));
  std::string pending;
  const int respondents[] = {400, 1, 0, 400};
  for (int expected : respondents) {
    const Response response = read_response(fd, pending);
    ASSERT_EQ(response.status, 200) << response.body.substr(0, 200);
    const std::string summary = expected ? R"("respondents":)" + std::to_string(expected) + "," : R"({"status":"ok"})";
    EXPECT_NE(response.body.find(summary), std::string::npos)
        << "expected " << expected << ": " << response.body.substr(0, 200);
  }
  close(fd);
}

// Bodies arrive whole with their header, in pieces, chunked, or after a
// 100 Continue; each is read completely.
TEST(Server, ReadsBodiesHoweverTheyArrive) {
  ServerProcess server({});
  const std::string head = "POST /v1/instruments/gad-7/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  const std::string sized = head + "Content-Length: " + std::to_string(kScoreBody.size()) + "\r\n";
  std::ostringstream chunk_size;
  chunk_size << std::hex << kScoreBody.size() - 10;
  const std::string chunked = head + "Transfer-Encoding: chunked\r\n\r\n" + chunk_size.str() + "\r\n" +
                              kScoreBody.substr(0, kScoreBody.size() - 10) + "\r\na\r\n" +
                              kScoreBody.substr(kScoreBody.size() - 10) + "\r\n0\r\n\r\n";
  struct Case {
    const char* name;
    std::vector<std::string> pieces;  // sent 50 ms apart
    bool expects_continue;
  };
  const Case cases[] = {
      {"whole", {sized + "\r\n" + kScoreBody}, false},
      {"header then body", {sized + "\r\n", kScoreBody}, false},
      {"body in two pieces", {sized + "\r\n" + kScoreBody.substr(0, 30), kScoreBody.substr(30)}, false},
      {"chunked, whole", {chunked}, false},
      {"chunked, in two pieces", {chunked.substr(0, head.size() + 60), chunked.substr(head.size() + 60)}, false},
      {"100-continue", {sized + "Expect: 100-continue\r\n\r\n", kScoreBody}, true},
  };
  for (const auto& c : cases) {
    const int fd = connect_to(server.port());
    std::string pending;
    for (std::size_t i = 0; i < c.pieces.size(); ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      send_all(fd, c.pieces[i]);
      if (i == 0 && c.expects_continue) {
        EXPECT_EQ(read_response(fd, pending).status, 100) << c.name;
      }
    }
    const Response response = read_response(fd, pending);
    EXPECT_EQ(response.status, 200) << c.name << ": " << response.body;
    EXPECT_NE(response.body.find(R"("value":9)"), std::string::npos) << c.name << ": " << response.body;
    close(fd);
  }
}

// The server writes response heads itself (not with Beast's serializer):
// the status line, the fields in order, and Connection as HTTP/1.0 and 1.1
// clients expect it.
TEST(Server, ResponseHeadsAreWrittenExactly) {
  ServerProcess server({});
  const std::string health = "Content-Type: application/json\r\nX-Request-Id: t1\r\n";
  struct Case {
    const char* name;
    std::string request;
    std::string head;
  };
  const Case cases[] = {
      {"HTTP/1.1 keep-alive", get("/healthz", "X-Request-Id: t1\r\n"),
       "HTTP/1.1 200 OK\r\nServer: psyscore\r\n" + health + "Content-Length: 16"},
      {"HTTP/1.1 close", get("/healthz", "X-Request-Id: t1\r\nConnection: close\r\n"),
       "HTTP/1.1 200 OK\r\nServer: psyscore\r\n" + health + "Connection: close\r\nContent-Length: 16"},
      {"HTTP/1.0", "GET /healthz HTTP/1.0\r\nX-Request-Id: t1\r\n\r\n",
       "HTTP/1.0 200 OK\r\nServer: psyscore\r\n" + health + "Content-Length: 16"},
      {"HTTP/1.0 keep-alive", "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\nX-Request-Id: t1\r\n\r\n",
       "HTTP/1.0 200 OK\r\nServer: psyscore\r\n" + health + "Connection: keep-alive\r\nContent-Length: 16"},
      {"a problem", get("/healthz/x", "X-Request-Id: t1\r\n"),
       "HTTP/1.1 404 Not Found\r\nServer: psyscore\r\nContent-Type: application/problem+json\r\n"
       "X-Request-Id: t1\r\nContent-Length: "},
      {"405 with Allow", get("/v1/instruments/gad-7/score", "X-Request-Id: t1\r\n"),
       "HTTP/1.1 405 Method Not Allowed\r\nServer: psyscore\r\nContent-Type: application/problem+json\r\n"
       "X-Request-Id: t1\r\nAllow: POST\r\nContent-Length: "},
  };
  for (const auto& c : cases) {
    const Response response = exchange(server.port(), c.request);
    EXPECT_EQ(response.headers.substr(0, c.head.size()), c.head) << c.name;
  }
}

TEST(Server, ASlowClientDoesNotBlockOthers) {
  ServerProcess server({"--read-timeout-ms", "2000"});
  // Two clients (as many as the server has I/O threads) send half a request
  // and stall.
  const int slow1 = connect_to(server.port());
  const int slow2 = connect_to(server.port());
  send_all(slow1, "POST /v1/instruments/gad-7/score HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"resp");
  send_all(slow2, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(exchange(server.port(), get("/healthz")).status, 200);
  EXPECT_EQ(exchange(server.port(), post("/v1/instruments/gad-7/score", kScoreBody)).status, 200);
  // The stalled requests are dropped after the read timeout.
  std::string pending;
  EXPECT_EQ(read_response(slow1, pending).status, 0);
  close(slow1);
  close(slow2);
}

TEST(Server, LimitsAnswerWith4xxAndTheServerLives) {
  ServerProcess server({"--max-body-bytes", "1000"});
  struct Case {
    const char* name;
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"body over the limit", post("/v1/instruments/gad-7/score", std::string(5000, ' ')), 413},
      {"declared length over the limit",
       "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n", 413},
      {"chunked body over the limit",
       "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
       "800\r\n" +
           std::string(2048, ' ') + "\r\n0\r\n\r\n",
       413},
      {"header too large", get("/healthz", "X-Filler: " + std::string(20000, 'a') + "\r\n"), 431},
      {"bad chunk size", "POST /v1/score HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"not HTTP", "HELLO\r\n\r\n", 400},
      {"bad version", "GET /healthz HTTP/9.9\r\n\r\n", 400},
      {"binary garbage", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15), 400},
  };
  for (const auto& c : cases) {
    const Response response = exchange(server.port(), c.request);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    EXPECT_EQ(exchange(server.port(), get("/healthz")).status, 200) << "after " << c.name;
  }
  EXPECT_EQ(server.stop(), 0);
}

TEST(Server, SigtermFinishesTheRequestInFlight) {
  ServerProcess server({});
  const int fd = connect_to(server.port());
  const std::string request = post("/v1/instruments/gad-7/score", kScoreBody);
  const auto half = request.size() - 20;
  send_all(fd, request.substr(0, half));
  // Wait until the server has the request in flight: /metrics then counts
  // two (that request and the metrics request itself).
  bool in_flight = false;
  for (int i = 0; i < 500 && !in_flight; ++i) {
    in_flight =
        exchange(server.port(), get("/metrics")).body.find("psyscore_http_requests_in_flight 2") != std::string::npos;
    if (!in_flight) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(in_flight);
  server.signal(SIGTERM);
  // The server drains: new connections are no longer accepted.
  for (int i = 0; i < 500 && exchange(server.port(), get("/healthz")).status != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  send_all(fd, request.substr(half));
  std::string pending;
  const Response response = read_response(fd, pending);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.headers.find("Connection: close"), std::string::npos) << response.headers;
  close(fd);
  EXPECT_EQ(server.wait_exit(), 0);
  EXPECT_NE(server.log().find("received SIGTERM"), std::string::npos) << server.log();
}

TEST(Server, SighupReloadsAndABrokenDirectoryKeepsTheOldRegistry) {
  const auto dir = std::filesystem::temp_directory_path() / ("psyscore-reload-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(source_dir() / "instruments" / "gad-7.json", dir / "gad-7.json");
  ServerProcess server({}, dir);
  EXPECT_EQ(exchange(server.port(), get("/v1/instruments/phq-9")).status, 404);

  std::filesystem::copy_file(source_dir() / "instruments" / "phq-9.json", dir / "phq-9.json");
  server.signal(SIGHUP);
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    status = exchange(server.port(), get("/v1/instruments/phq-9")).status;
  }
  EXPECT_EQ(status, 200) << "the good reload took effect";

  std::ofstream(dir / "broken.json") << R"({"id": "broken", "version": "x"})";
  server.signal(SIGHUP);
  for (int i = 0; i < 200 && server.log().find("reload of") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(server.log().find("keeping the previous registry"), std::string::npos) << server.log();
  EXPECT_EQ(exchange(server.port(), get("/v1/instruments/phq-9")).status, 200);
  EXPECT_EQ(exchange(server.port(), get("/v1/instruments/broken")).status, 404);
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

TEST(Server, ApiKeysAreRequiredWhenConfigured) {
  const auto keys = std::filesystem::temp_directory_path() / ("psyscore-keys-" + std::to_string(getpid()));
  std::ofstream(keys) << "# clients\nfirst-key\n\n  second-key  \n";
  ServerProcess server({"--api-key-file", keys.string()});
  EXPECT_EQ(exchange(server.port(), get("/healthz")).status, 200);
  EXPECT_EQ(exchange(server.port(), get("/v1/instruments")).status, 401);
  EXPECT_EQ(exchange(server.port(), get("/v1/instruments", "Authorization: Bearer second-key\r\n")).status, 200);
  EXPECT_EQ(exchange(server.port(), get("/v1/instruments", "Authorization: Bearer third-key\r\n")).status, 401);
  std::filesystem::remove(keys);
}

// The access log is written in blocks, but a quiet server still writes a
// request's line within about a second, not only when it stops.
TEST(Server, AccessLogReachesItsFileWhileServing) {
  ServerProcess server({});
  EXPECT_EQ(exchange(server.port(), get("/v1/instruments")).status, 200);
  const std::string line = "GET /v1/instruments 200";
  for (int i = 0; i < 100 && server.log().find(line) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(server.log().find(line), std::string::npos) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

// `n` MBI-HSS respondents (22 items, answers 0..6, every seventh missing),
// as a JSON array.
std::string mbi_respondents(int n) {
  std::string out = "[";
  for (int r = 0; r < n; ++r) {
    out += (r ? ",{\"id\": " : "{\"id\": ") + std::to_string(r) + ", \"answers\": {";
    for (int i = 1; i <= 22; ++i) {
      const int cell = r * 22 + i;
      out +=
          (i > 1 ? ", \"" : "\"") + std::to_string(i) + "\": " + (cell % 7 == 0 ? "null" : std::to_string((r + i) % 7));
    }
    out += "}}";
  }
  return out + "]";
}

// The value of an unlabelled metric in a /metrics body, or -1.
long metric(const std::string& body, const std::string& name) {
  const auto at = body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stol(body.substr(at + name.size() + 2));
}

// Polls /metrics until `name` has `value` (up to 10 s).
bool await_metric(const ServerProcess& server, const std::string& name, long value,
                  const std::string& extra_headers = {}) {
  for (int i = 0; i < 1000; ++i) {
    if (metric(exchange(server.port(), get("/metrics", extra_headers)).body, name) == value) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string header_value(const Response& response, const std::string& name) {
  const auto at = response.headers.find("\r\n" + name + ": ");
  if (at == std::string::npos) return {};
  const auto start = at + name.size() + 4;
  return response.headers.substr(start, response.headers.find("\r\n", start) - start);
}

// One compute thread and room for one request behind it. Two bootstraps
// that take many seconds fill both; a third heavy request is refused with
// 503 and Retry-After at once, while health checks, metrics and small scores
// (answered on the I/O thread) go on being answered. A request without a
// valid key takes no place in the queue: it gets its 401.
TEST(Server, AFullComputeQueueAnswers503AndQuickRequestsGoOn) {
  const auto keys = std::filesystem::temp_directory_path() / ("psyscore-queue-keys-" + std::to_string(getpid()));
  std::ofstream(keys) << "queue-key\n";
  ServerProcess server({"--threads", "1", "--max-queue", "1", "--deadline-ms", "0", "--max-bootstrap-answers",
                        "1000000000000", "--api-key-file", keys.string()});
  ASSERT_GT(server.port(), 0);
  const std::string key = "Authorization: Bearer queue-key\r\n";
  // About 10^11 multiply-adds: minutes of one core, far longer than the test.
  const std::string slow = post(
      "/v1/instruments/mbi-hss/reliability",
      R"({"responses": )" + mbi_respondents(20000) + R"(, "options": {"bootstrap": {"iterations": 100000}}})", key);
  const int running = connect_to(server.port());
  send_all(running, slow);
  ASSERT_TRUE(await_metric(server, "psyscore_compute_running", 1, key));
  const int waiting = connect_to(server.port());
  send_all(waiting, slow);
  ASSERT_TRUE(await_metric(server, "psyscore_compute_queued", 1, key));

  const Response refused =
      exchange(server.port(), post("/v1/instruments/gad-7/reliability", R"({"responses": []})", key));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(header_value(refused, "Retry-After"), "1") << refused.headers;
  EXPECT_EQ(header_value(refused, "Content-Type"), "application/problem+json") << refused.headers;
  EXPECT_NE(refused.body.find(R"("code":"queue_full")"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("--max-queue"), std::string::npos) << refused.body;
  EXPECT_EQ(exchange(server.port(), post("/v1/instruments/gad-7/reliability", R"({"responses": []})")).status, 401);

  EXPECT_EQ(exchange(server.port(), get("/healthz")).status, 200);
  EXPECT_EQ(exchange(server.port(), get("/readyz")).status, 200);
  const Response scored = exchange(server.port(), post("/v1/instruments/gad-7/score", kScoreBody, key));
  EXPECT_EQ(scored.status, 200) << scored.body;
  EXPECT_NE(scored.body.find(R"("value":9)"), std::string::npos) << scored.body;
  const std::string metrics = exchange(server.port(), get("/metrics", key)).body;
  EXPECT_NE(metrics.find(R"(psyscore_http_requests_total{route="/v1/instruments/{id}/reliability",status="503"} 1)"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(metric(metrics, "psyscore_compute_running"), 1) << "the slow requests are still there";
  EXPECT_EQ(metric(metrics, "psyscore_compute_queued"), 1);
  close(running);
  close(waiting);
  std::filesystem::remove(keys);
}

// Every limit on a request's content is a flag of `psyscore serve`, and a
// request beyond it gets 422 naming the flag; within them it gets 200.
TEST(Server, LimitsOfARequestAreFlagsAnd422sNamingThem) {
  ServerProcess server({"--max-items", "10", "--max-subscales", "2", "--max-respondents", "5",
                        "--max-bootstrap-iterations", "300", "--max-bootstrap-answers", "2000", "--max-waves", "3"});
  ASSERT_GT(server.port(), 0);
  const std::string one = R"({"id": "p", "answers": {"1": 1, "2": 2, "3": 0, "4": 3, "5": 1, "6": 0, "7": 2}})";
  const auto people = [](int n) {
    std::string out = "[";
    for (int r = 1; r <= n; ++r) {
      out += (r > 1 ? "," : "") + std::string(R"({"id": ")") + std::to_string(r) + R"(", "answers": {"1": )" +
             std::to_string(r % 4) + R"(, "2": )" + std::to_string((r + 1) % 4) + R"(, "3": 1, "4": )" +
             std::to_string((2 * r) % 4) + R"(, "5": 2, "6": )" + std::to_string((r + 2) % 4) + R"(, "7": 0}})";
    }
    return out + "]";
  };
  const auto definition = [](int items, int subscales) {
    std::string list, ids, scales;
    for (int i = 1; i <= items; ++i) {
      list += (i > 1 ? "," : "") + std::string(R"({"id": ")") + std::to_string(i) + R"("})";
      ids += (i > 1 ? "," : "") + std::string("\"") + std::to_string(i) + "\"";
    }
    for (int s = 1; s <= subscales; ++s) {
      scales += (s > 1 ? "," : "") + std::string(R"({"id": "s)") + std::to_string(s) + R"(", "items": [)" + ids +
                R"(], "method": "sum"})";
    }
    return R"({"id": "x", "version": "1.0.0", "name": "X", "scale": {"min": 0, "max": 3}, "items": [)" + list +
           R"(], "subscales": [)" + scales + "]}";
  };
  const auto waves = [&](int count) {
    std::string out = R"({"waves": [)";
    for (int w = 1; w <= count; ++w) {
      out += (w > 1 ? "," : "") + std::string(R"({"name": "w)") + std::to_string(w) + R"(", "responses": )" +
             people(1) + "}";
    }
    return out + "]}";
  };
  struct Case {
    const char* name;
    std::string request;
    int status;
    const char* flag;  // named in the problem (422 only)
  };
  const Case cases[] = {
      {"items", post("/v1/score", R"({"instrument": )" + definition(11, 1) + R"(, "responses": []})"), 422,
       "--max-items"},
      {"subscales", post("/v1/score", R"({"instrument": )" + definition(3, 3) + R"(, "responses": []})"), 422,
       "--max-subscales"},
      {"respondents", post("/v1/instruments/gad-7/score", R"({"responses": )" + people(6) + "}"), 422,
       "--max-respondents"},
      {"bootstrap iterations",
       post("/v1/instruments/gad-7/reliability", R"({"responses": [], "options": {"bootstrap": {"iterations": 301}}})"),
       422, "--max-bootstrap-iterations"},
      {"bootstrap answers",
       post("/v1/instruments/gad-7/reliability",
            R"({"responses": )" + people(5) + R"(, "options": {"bootstrap": {"iterations": 60}}})"),
       422, "--max-bootstrap-answers"},
      {"waves", post("/v1/instruments/gad-7/waves", waves(4)), 422, "--max-waves"},
      {"within every limit",
       post("/v1/reliability", R"({"instrument": )" + definition(7, 2) + R"(, "responses": )" + people(5) +
                                   R"(, "options": {"bootstrap": {"iterations": 28}}})"),
       200, ""},
      {"a single respondent", post("/v1/instruments/gad-7/score", R"({"responses": [)" + one + "]}"), 200, ""},
  };
  for (const Case& c : cases) {
    const Response response = exchange(server.port(), c.request);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    if (c.status == 422) {
      EXPECT_NE(response.body.find(c.flag), std::string::npos) << c.name << ": " << response.body;
    }
  }
}

// --deadline-ms far below what a bootstrap costs: the bootstrap is stopped
// and answered 422 deadline_exceeded, and the server goes on.
TEST(Server, ADeadlineStopsALongAnalysisAndTheServerGoesOn) {
  ServerProcess server({"--deadline-ms", "1", "--max-bootstrap-answers", "1000000000000"});
  ASSERT_GT(server.port(), 0);
  const Response stopped = exchange(server.port(), post("/v1/instruments/mbi-hss/reliability",
                                                        R"({"responses": )" + mbi_respondents(2000) +
                                                            R"(, "options": {"bootstrap": {"iterations": 100000}}})"));
  EXPECT_EQ(stopped.status, 422) << stopped.body;
  EXPECT_NE(stopped.body.find(R"("code":"deadline_exceeded")"), std::string::npos) << stopped.body;
  EXPECT_NE(stopped.body.find("deadline of 1 ms"), std::string::npos) << stopped.body;
  EXPECT_NE(stopped.body.find("--deadline-ms"), std::string::npos) << stopped.body;
  EXPECT_EQ(exchange(server.port(), get("/healthz")).status, 200);
  EXPECT_EQ(exchange(server.port(), post("/v1/instruments/gad-7/score", kScoreBody)).status, 200);
  EXPECT_EQ(server.stop(), 0);
}

TEST(Server, LogsHoldNoRespondentData) {
  ServerProcess server({"--log-format", "json"});
  const std::string body =
      R"({"responses": [{"id": "SECRET-RESPONDENT-4711", "answers": {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3, "6": 3, "7": 99}}]})";
  EXPECT_EQ(exchange(server.port(), post("/v1/instruments/gad-7/score", body, "X-Request-Id: trace-abc\r\n")).status,
            200);
  EXPECT_EQ(
      exchange(server.port(), post("/v1/instruments/gad-7/score", "{\"responses\": [SECRET-RESPONDENT-4711")).status,
      400);
  EXPECT_EQ(server.stop(), 0);
  const std::string log = server.log();
  EXPECT_EQ(log.find("SECRET-RESPONDENT"), std::string::npos) << log;
  EXPECT_EQ(log.find("outside its scale"), std::string::npos) << "answer errors stay in the response: " << log;
  EXPECT_NE(log.find("trace-abc"), std::string::npos) << "the request id is logged: " << log;
  EXPECT_NE(log.find(R"("message":"POST /v1/instruments/{id}/score 200)"), std::string::npos) << log;
}

// `psyscore healthcheck` is the container image's health check: 0 while the
// server answers 200, 1 once it does not (the probes need no API key).
TEST(Server, HealthcheckExitsZeroOnlyWhileTheServerAnswers) {
  const auto keys = std::filesystem::temp_directory_path() / ("psyscore-keys-health-" + std::to_string(getpid()));
  std::ofstream(keys) << "a-key\n";
  ServerProcess server({"--api-key-file", keys.string()});
  const std::string port = std::to_string(server.port());
  struct Case {
    std::string name;
    std::vector<std::string> arguments;
    int exit_code;
    std::string out;  // a part of stdout
    std::string err;  // a part of stderr
  };
  const std::vector<Case> cases = {
      {"healthz", {"healthcheck", "--port", port}, 0, R"({"status":"ok"})", ""},
      {"readyz", {"healthcheck", "--port", port, "--path", "/readyz"}, 0, R"("status":"ready")", ""},
      {"the host as an address", {"healthcheck", "--host", "127.0.0.1", "--port", port}, 0, "ok", ""},
      {"only the probes' paths", {"healthcheck", "--port", port, "--path", "/v1/instruments"}, 2, "", "--path"},
      {"no names: the image cannot resolve them",
       {"healthcheck", "--host", "localhost", "--port", port},
       2,
       "",
       "not an IP address"},
      {"a timeout of zero", {"healthcheck", "--port", port, "--timeout-ms", "0"}, 2, "", "--timeout-ms"},
  };
  for (const Case& c : cases) {
    const ProcessResult result = run_psyscore(c.arguments);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.name << ": " << result.err;
    EXPECT_NE(result.out.find(c.out), std::string::npos) << c.name << ": " << result.out;
    EXPECT_NE(result.err.find(c.err), std::string::npos) << c.name << ": " << result.err;
  }
  EXPECT_EQ(server.stop(), 0);
  const ProcessResult stopped = run_psyscore({"healthcheck", "--port", port});
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_NE(stopped.err.find("GET http://127.0.0.1:" + port + "/healthz: "), std::string::npos) << stopped.err;
  std::filesystem::remove(keys);
}

// A server that takes the connection and never answers is unhealthy once
// the timeout has passed.
TEST(Server, HealthcheckGivesUpAfterItsTimeout) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  const auto began = std::chrono::steady_clock::now();
  const ProcessResult result =
      run_psyscore({"healthcheck", "--port", std::to_string(ntohs(address.sin_port)), "--timeout-ms", "200"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("no answer within 200 ms"), std::string::npos) << result.err;
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(10));
  close(listener);
}

}  // namespace
}  // namespace psyscore::test
