// A deadline for the long computations of one analysis. The reliability
// bootstrap, the mixed models of waves and the loops over subscales look at
// it between steps; once it has passed they stop and the analysis fails with
// ErrorCode::invalid and one Problem of code "deadline_exceeded". The HTTP
// service gives every request one (`psyscore serve --deadline-ms`); the
// command line none.
//
//   psyscore::ReliabilityOptions options;
//   options.bootstrap = psyscore::BootstrapOptions{.iterations = 100000};
//   options.deadline = psyscore::Deadline::after(std::chrono::seconds(30));
//   auto report = psyscore::reliability(*instrument, wave, options);
//   if (!report && report.error().problems.front().code == "deadline_exceeded") retry_with_fewer_resamples();
#pragma once

#include <chrono>

namespace psyscore {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // No deadline: never passes. The default of every analysis.
  Deadline() = default;
  // `budget` from now; a budget of 0 has passed already.
  static Deadline after(std::chrono::milliseconds budget);

  // True once the deadline has passed (and from then on). Cheap enough to
  // ask between any two steps of a computation (one read of the clock).
  bool passed() const { return limited_ && Clock::now() >= at_; }
  // False for a default-constructed Deadline.
  bool limited() const { return limited_; }
  // The budget it was made with, for messages (0 without a deadline).
  std::chrono::milliseconds budget() const { return budget_; }

 private:
  Clock::time_point at_{};
  std::chrono::milliseconds budget_{0};
  bool limited_ = false;
};

}  // namespace psyscore
