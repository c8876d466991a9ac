// Pieces that every result encoder (encode*.cpp) writes the same way.
// Private to the engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "psyscore/change.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/statistic.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore::detail {

// "instrument": {"id", "version", "sha256"}, with which every result starts.
void write_instrument_reference(JsonWriter& out, const Instrument& instrument);

// `name`: an array of strings (warnings, ids, labels).
void write_strings(JsonWriter& out, std::string_view name, const std::vector<std::string>& values);

// `name`: {"lower", "upper"}.
void write_interval(JsonWriter& out, std::string_view name, Statistic lower, Statistic upper);

// The `rci` object of the change result (also each group's in the controlled
// result): method, reliabilities, counts, participants, clinical significance.
void write_reliable_change(JsonWriter& out, const ReliableChange& rci);

}  // namespace psyscore::detail
