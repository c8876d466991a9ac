// Scores one respondent through the installed library.
#include <iostream>

#include <psyscore/json.hpp>
#include <psyscore/scoring.hpp>

int main() {
  auto instrument = psyscore::parse_instrument(R"({"id": "one", "version": "1.0.0", "name": "One",
    "scale": {"min": 0, "max": 3}, "items": [{"id": "1"}, {"id": "2", "reverse": true}],
    "subscales": [{"id": "total", "items": ["1", "2"], "method": "sum"}]})");
  if (!instrument) return 1;
  auto wave = psyscore::decode_csv_responses(**instrument, "id,1,2\na,3,0\n");
  if (!wave) return 1;
  const auto table = psyscore::score(**instrument, *wave);
  std::cout << psyscore::encode_score_result(**instrument, *wave, table);
  return table.at(0, 0).value == 6.0 ? 0 : 1;
}
