// Runs fuzz targets over saved inputs, without libFuzzer: the regression
// inputs in tests/fuzz/regressions/<target>/ and the seed corpora, as ctest
// tests of every build (see CMakeLists.txt).
//
//   psyscore_fuzz_replay <target> <file or directory>...
//
// Directories are read recursively and missing ones skipped (git keeps no
// empty regressions/<target>/); replaying nothing at all is an error. An
// input that breaks an invariant aborts, naming the target; each input's
// name is printed first, so the log says which one it was.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"

namespace {

using Target = int (*)(const std::uint8_t*, std::size_t);

struct NamedTarget {
  std::string_view name;
  Target run;
};

constexpr NamedTarget kTargets[] = {
    {"instrument", psyscore::fuzz::run_instrument},
    {"json_responses", psyscore::fuzz::run_json_responses},
    {"csv_responses", psyscore::fuzz::run_csv_responses},
    {"options", psyscore::fuzz::run_options},
    {"router", psyscore::fuzz::run_router},
    {"waves_csv", psyscore::fuzz::run_waves_csv},
    {"spss_responses", psyscore::fuzz::run_spss_responses},
    {"stata_responses", psyscore::fuzz::run_stata_responses},
    {"sas_responses", psyscore::fuzz::run_sas_responses},
};

std::vector<std::filesystem::path> inputs_under(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    files.push_back(path);
  } else if (std::filesystem::is_directory(path, ec)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::ranges::sort(files);
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <target> <file or directory>...\n", argv[0]);
    return 2;
  }
  const std::string_view name = argv[1];
  const auto target = std::ranges::find(kTargets, name, &NamedTarget::name);
  if (target == std::end(kTargets)) {
    std::fprintf(stderr, "unknown fuzz target \"%s\"\n", argv[1]);
    return 2;
  }
  std::size_t replayed = 0;
  for (int a = 2; a < argc; ++a) {
    for (const auto& file : inputs_under(argv[a])) {
      std::ifstream in(file, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::printf("%s\n", file.c_str());
      std::fflush(stdout);
      target->run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  if (replayed == 0) {
    std::fprintf(stderr, "no inputs to replay\n");
    return 1;
  }
  std::printf("%s: %zu inputs replayed, every invariant held\n", argv[1], replayed);
  return 0;
}
