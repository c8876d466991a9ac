// psyscore reliability: the reliability result of API.md for one wave.

#include <iostream>

#include "commands.hpp"
#include "psyscore/json.hpp"
#include "psyscore/reliability.hpp"

namespace psyscore::cli {

int reliability(const Context& context, const ReliabilityCommandOptions& options) {
  auto instrument = resolve_instrument(context, options.instrument);
  if (!instrument) return report(instrument.error());
  CsvOptions csv;
  csv.id_column = options.id_column;
  csv.column_prefix = options.column_prefix;
  auto responses = read_responses(**instrument, options.data, csv);
  if (!responses) return report(responses.error(), options.data == "-" ? "<stdin>" : options.data);

  ReliabilityOptions request;
  request.subscales = options.subscales;
  request.missing = options.listwise ? MissingData::listwise : MissingData::pairwise;
  request.ci_level = options.ci_level;
  if (options.bootstrap) request.bootstrap = BootstrapOptions{.iterations = *options.bootstrap, .seed = options.seed};
  request.threads = options.threads;
  auto result = psyscore::reliability(**instrument, *responses, request);
  if (!result) return report(result.error(), options.data == "-" ? "<stdin>" : options.data);
  std::cout << encode_reliability_result(**instrument, *result);
  return kSuccess;
}

}  // namespace psyscore::cli
