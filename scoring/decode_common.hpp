// What the JSON and CSV decoders of responses share: checking one answer
// against its item's scale, and rejecting duplicate respondent ids.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "psyscore/responses.hpp"

namespace psyscore::detail {

// Appends a respondent with every answer missing; returns its row.
std::size_t add_respondent(ResponseMatrix& matrix, std::string id);

// Stores `answer` for item `item` of `row`, or records an AnswerError when
// it is off the item's scale.
void store_answer(ResponseMatrix& matrix, const Instrument& instrument, std::size_t row, std::size_t item,
                  double answer);

// Records that the answer to `item_id` in `row` is not a number; `shown` is
// the offending text, quoted in the message only when short.
void reject_answer(ResponseMatrix& matrix, std::size_t row, std::string_view item_id, AnswerErrorCode code,
                   std::string_view shown);

// An `invalid` Error listing every repeated respondent id (up to a limit),
// located by `locate(row)`; nullopt when all ids are unique.
std::optional<Error> find_duplicate_ids(const ResponseMatrix& matrix,
                                        const std::function<Problem(std::size_t row)>& locate);

}  // namespace psyscore::detail
