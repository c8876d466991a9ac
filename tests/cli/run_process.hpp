// Runs the psyscore binary as a user would: arguments, standard input, and
// what it prints and returns.
#pragma once

#include <string>
#include <vector>

namespace psyscore::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when the process did not exit normally (a crash)
  std::string out;
  std::string err;
};

ProcessResult run_psyscore(const std::vector<std::string>& arguments, const std::string& input = {});

}  // namespace psyscore::test
