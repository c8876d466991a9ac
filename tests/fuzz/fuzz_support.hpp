// What the fuzz targets share: their entry points, the bundled instruments,
// and checks of the invariants every result must keep.
//
// A target takes the fuzzer's bytes and returns 0. When an invariant breaks
// it aborts with a message: libFuzzer then saves the input as a crash, and the
// replay driver (replay_main.cpp), which runs saved inputs in `make test`,
// fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore::fuzz {

// The targets (one file each).
int run_instrument(const std::uint8_t* data, std::size_t size);
int run_json_responses(const std::uint8_t* data, std::size_t size);
int run_csv_responses(const std::uint8_t* data, std::size_t size);
int run_options(const std::uint8_t* data, std::size_t size);
int run_router(const std::uint8_t* data, std::size_t size);
int run_waves_csv(const std::uint8_t* data, std::size_t size);
int run_spss_responses(const std::uint8_t* data, std::size_t size);
int run_stata_responses(const std::uint8_t* data, std::size_t size);
int run_sas_responses(const std::uint8_t* data, std::size_t size);

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The instruments of the source tree's instruments/, loaded once.
const Registry& bundled_registry();
const Instrument& bundled(std::string_view id);

// Prints "<target>: invariant broken: <what>" and aborts.
[[noreturn]] void fail(std::string_view target, const std::string& what);

// True when `text` is one JSON document without duplicate keys (what every
// encoder must write).
bool is_json(std::string_view text);

// The shape every Error must have: a summary or problems, and each problem
// with a code, a message, and a pointer that is empty or starts with "/".
void check_error(std::string_view target, const Error& error);

// The shape of a decoded wave: one row of answers per id, one error list per
// row, unique non-empty ids, and every answer of a usable respondent on its
// item's scale.
void check_wave(std::string_view target, const Instrument& instrument, const ResponseMatrix& wave);

// Scores a decoded wave and checks that every score lies in the range its
// subscale allows and that the result encodes as JSON.
void check_scores(std::string_view target, const Instrument& instrument, const ResponseMatrix& wave);

}  // namespace psyscore::fuzz

// Aborts the run with the condition's text when it does not hold.
#define PSYSCORE_FUZZ_CHECK(target, condition, what)                                            \
  do {                                                                                          \
    if (!(condition)) ::psyscore::fuzz::fail((target), std::string(#condition " - ") + (what)); \
  } while (false)
