// psyscore reliability: the reliability result of docs/api.md for one wave.

#include <iostream>

#include "commands.hpp"
#include "psyscore/json.hpp"
#include "psyscore/reliability.hpp"
#include "psyscore/tables.hpp"

namespace psyscore::cli {

int reliability(const Context& context, const ReliabilityCommandOptions& options) {
  const auto input =
      load_input(context, options.instrument, options.data, csv_options(options.id_column, options.column_prefix));
  if (!input) return input.error();

  ReliabilityOptions request;
  request.subscales = options.subscales;
  request.missing = options.listwise ? MissingData::listwise : MissingData::pairwise;
  request.ci_level = options.ci_level;
  request.items = options.items;
  if (options.bootstrap) request.bootstrap = BootstrapOptions{.iterations = *options.bootstrap, .seed = options.seed};
  request.threads = options.threads;
  auto result = psyscore::reliability(*input->instrument, input->responses, request);
  if (!result) return report(result.error(), options.data == "-" ? "<stdin>" : options.data);
  if (options.format == "table") {
    std::cout << reliability_table(*input->instrument, *result);
  } else if (options.format == "csv") {
    std::cout << reliability_csv(*input->instrument, *result);
  } else {
    std::cout << encode_reliability_result(*input->instrument, *result);
  }
  return kSuccess;
}

}  // namespace psyscore::cli
