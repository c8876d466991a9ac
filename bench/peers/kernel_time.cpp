// One-off in-process timing for bench/peers/alpha_vs_r.sh, row (b): how long
// psyscore takes once the CSV is in memory, the counterpart of timing only
// the psych::alpha calls inside R. Built with the benchmarks as
// build/release/bench/kernel_time.
//
// Usage: kernel_time INSTRUMENT.json DATA.csv [RUNS] [BOOTSTRAP] [THREADS]
//   RUNS: default 5; BOOTSTRAP: resamples, default 0 (none);
//   THREADS: ReliabilityOptions::threads, default 0 (every core).
// Prints one line per run: decode_seconds reliability_seconds (wall clock).

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "psyscore/instrument.hpp"
#include "psyscore/reliability.hpp"
#include "psyscore/responses.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: kernel_time INSTRUMENT.json DATA.csv [RUNS] [BOOTSTRAP] [THREADS]\n";
    return 2;
  }
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  const unsigned bootstrap = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 0;
  const unsigned threads = argc > 5 ? static_cast<unsigned>(std::atoi(argv[5])) : 0;
  auto instrument = psyscore::load_instrument_file(argv[1]);
  if (!instrument) {
    std::cerr << instrument.error().message << '\n';
    return 1;
  }
  std::ifstream file(argv[2], std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();

  using clock = std::chrono::steady_clock;
  for (int run = 0; run < runs; ++run) {
    const auto t0 = clock::now();
    auto responses = psyscore::decode_csv_responses(**instrument, text);
    const auto t1 = clock::now();
    if (!responses) {
      std::cerr << responses.error().message << '\n';
      return 1;
    }
    psyscore::ReliabilityOptions options;
    options.threads = threads;
    if (bootstrap > 0) options.bootstrap = psyscore::BootstrapOptions{.iterations = bootstrap, .seed = 0};
    auto report = psyscore::reliability(**instrument, *responses, options);
    const auto t2 = clock::now();
    if (!report) {
      std::cerr << report.error().message << '\n';
      return 1;
    }
    std::cout << std::chrono::duration<double>(t1 - t0).count() << ' ' << std::chrono::duration<double>(t2 - t1).count()
              << '\n';
  }
  return 0;
}
