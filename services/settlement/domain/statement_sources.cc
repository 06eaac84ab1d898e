#include "lov/settlement/domain/statement_sources.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace lov::settlement {

SplitStatement SplitSources(const v1::Statement& statement, size_t part_bytes,
                            const std::vector<std::string>& visit_versions) {
  SplitStatement out;
  out.lines = statement;
  v1::StatementSourcesRecorded part;
  size_t bytes = 0;
  auto close_part = [&] {
    if (part.lines_size() == 0 && part.visit_versions_size() == 0) return;
    part.set_statement_id(statement.statement_id());
    part.set_part(static_cast<int32_t>(out.parts.size()) + 1);
    out.parts.push_back(std::move(part));
    part = v1::StatementSourcesRecorded();
    bytes = 0;
  };
  for (auto& line : *out.lines.mutable_lines()) {
    v1::StatementSourcesRecorded::LineSources* current = nullptr;
    for (auto& source : *line.mutable_sources()) {
      if (bytes > 0 && bytes + source.size() > part_bytes) {
        close_part();
        current = nullptr;
      }
      if (current == nullptr) {
        current = part.add_lines();
        current->set_line_no(line.line_no());
      }
      bytes += source.size();
      current->add_sources(std::move(source));
    }
    line.clear_sources();
  }
  for (const std::string& version : visit_versions) {
    if (bytes > 0 && bytes + version.size() > part_bytes) close_part();
    bytes += version.size();
    part.add_visit_versions(version);
  }
  close_part();
  for (auto& p : out.parts) p.set_parts(static_cast<int32_t>(out.parts.size()));
  return out;
}

std::vector<std::string> JoinVisitVersions(
    std::vector<v1::StatementSourcesRecorded> parts) {
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.part() < b.part(); });
  std::vector<std::string> out;
  for (auto& part : parts) {
    for (auto& v : *part.mutable_visit_versions()) out.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<v1::Statement> JoinSources(
    v1::Statement lines, std::vector<v1::StatementSourcesRecorded> parts,
    int expected_parts) {
  const std::string& id = lines.statement_id();
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.part() < b.part(); });
  std::map<int32_t, v1::StatementLine*> by_no;
  for (auto& line : *lines.mutable_lines()) by_no[line.line_no()] = &line;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    if (part.statement_id() != id) {
      return absl::FailedPreconditionError(
          absl::StrCat("statement ", id, ": a sources part of statement ",
                       part.statement_id(), " is among its parts"));
    }
    if (part.part() != static_cast<int32_t>(i) + 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("statement ", id, ": sources part ", i + 1, " of ",
                       expected_parts, " is missing or repeated"));
    }
    for (const auto& ls : part.lines()) {
      auto it = by_no.find(ls.line_no());
      if (it == by_no.end()) {
        return absl::FailedPreconditionError(
            absl::StrCat("statement ", id, ": sources part ", part.part(),
                         " names line ", ls.line_no(), ", which it lacks"));
      }
      for (const auto& s : ls.sources()) it->second->add_sources(s);
    }
  }
  if (static_cast<int>(parts.size()) != expected_parts) {
    return absl::FailedPreconditionError(
        absl::StrCat("statement ", id, ": ", parts.size(), " of ",
                     expected_parts, " sources parts arrived"));
  }
  return lines;
}

}  // namespace lov::settlement
