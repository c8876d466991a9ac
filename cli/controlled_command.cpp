// `psyscore controlled`: read each group's two waves, call the engine, print
// the JSON body that the HTTP API would send. `psyscore report --group` reads
// its groups and options here too (load_controlled).

#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/json.hpp"

namespace psyscore::cli {

namespace {

struct GroupFiles {
  std::string name;
  std::string pre;
  std::string post;
};

// NAME=PRE.csv,POST.csv
std::optional<GroupFiles> parse_group(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::nullopt;
  const std::string_view files = text.substr(equals + 1);
  const auto comma = files.find(',');
  if (comma == std::string_view::npos || comma == 0 || comma + 1 == files.size()) return std::nullopt;
  if (files.find(',', comma + 1) != std::string_view::npos) return std::nullopt;
  return GroupFiles{std::string(text.substr(0, equals)), std::string(files.substr(0, comma)),
                    std::string(files.substr(comma + 1))};
}

}  // namespace

std::expected<ControlledInput, int> load_controlled(const Context& context, const ControlledCommandOptions& options) {
  std::vector<GroupFiles> files;
  for (const std::string& group : options.groups) {
    auto parsed = parse_group(group);
    if (!parsed) {
      std::cerr << "error: --group takes NAME=PRE.csv,POST.csv (e.g. --group balint=pre.csv,post.csv); got \"" << group
                << "\"\n";
      return std::unexpected(kUsage);
    }
    files.push_back(std::move(*parsed));
  }
  auto instrument = resolve_instrument(context, options.instrument);
  if (!instrument) return std::unexpected(report(instrument.error()));

  ControlledOptions engine;
  engine.reference = options.reference;
  engine.ci_level = options.ci_level;
  engine.subscales = options.subscales;
  engine.rci_criterion = options.rci_criterion;
  const auto reliability = parse_reliability(**instrument, options.rci_reliability, options.subscales);
  if (!reliability) {
    std::cerr << "error: --rci-reliability takes sample, published, a number in (0, 1), or ID=VALUE[,ID=VALUE...]; "
                 "got \""
              << options.rci_reliability << "\"\n";
    return std::unexpected(kUsage);
  }
  engine.rci_reliability = *reliability;
  const auto method = rci_method_from(options.rci_method);
  if (!method) {
    std::cerr << "error: --rci-method takes jt, gln, hll, en, nk or ha; got \"" << options.rci_method << "\"\n";
    return std::unexpected(kUsage);
  }
  engine.rci_method = *method;
  if (!options.reliability_post.empty()) {
    const auto post = parse_reliability(**instrument, options.reliability_post, options.subscales);
    if (!post) {
      std::cerr << "error: --reliability-post takes sample, published, a number in (0, 1), or "
                   "ID=VALUE[,ID=VALUE...]; got \""
                << options.reliability_post << "\"\n";
      return std::unexpected(kUsage);
    }
    engine.reliability_post = *post;
  }

  const CsvOptions csv = csv_options(options.id_column, options.column_prefix);
  std::vector<ControlledGroup> groups;
  for (const GroupFiles& group : files) {
    auto pre = read_responses(**instrument, group.pre, csv);
    if (!pre) return std::unexpected(report(pre.error(), group.pre));
    auto post = read_responses(**instrument, group.post, csv);
    if (!post) return std::unexpected(report(post.error(), group.post));
    groups.push_back({group.name, std::move(*pre), std::move(*post)});
  }
  return ControlledInput{.instrument = std::move(*instrument), .groups = std::move(groups), .options = engine};
}

int controlled(const Context& context, const ControlledCommandOptions& options) {
  auto input = load_controlled(context, options);
  if (!input) return input.error();
  auto result = psyscore::controlled(*input->instrument, input->groups, input->options);
  if (!result) return report(result.error());
  std::cout << encode_controlled_result(*input->instrument, *result);
  return kSuccess;
}

}  // namespace psyscore::cli
