#include "psyscore/deadline.hpp"

namespace psyscore {

Deadline Deadline::after(std::chrono::milliseconds budget) {
  Deadline deadline;
  deadline.at_ = Clock::now() + budget;
  deadline.budget_ = budget;
  deadline.limited_ = true;
  return deadline;
}

}  // namespace psyscore
