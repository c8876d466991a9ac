// The overview that opens every report, and the wording shared by the sections.
#include <string>

#include "scoring/encode/report_sections.hpp"

namespace psyscore::detail {

std::string count_of(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

std::string subscale_name(const Subscale& subscale) { return subscale.name.empty() ? subscale.id : subscale.name; }

std::string subscale_title(const Subscale& subscale) {
  if (subscale.name.empty() || subscale.name == subscale.id) return subscale.id;
  return subscale.name + " (" + subscale.id + ")";
}

std::string small_sample_note(std::size_t n, std::string_view who) {
  if (n >= 30) return {};
  return "Only " + count_of(n, who, std::string(who) + "s") +
         ": with so few, every number here could come out quite differently in another group of the same size. "
         "Read the intervals, not just the point values, and treat a p value near 0.05 as a hint, not a finding.";
}

std::string participant_label(const ReportContext& context, const std::string& id, std::size_t index) {
  if (context.show_ids) return id;
  return "participant " + std::to_string(index + 1);
}

Section overview_section(const ReportContext& /*context*/, const Overview& overview) {
  Section section{.id = "overview", .title = "Overview", .template_name = "overview"};
  section.block.statements.push_back(overview.summary);
  for (const std::string& statement : overview.statements) section.block.statements.push_back(statement);
  section.block.plain_notes = overview.plain_notes;
  section.block.details = overview.details;
  return section;
}

}  // namespace psyscore::detail
