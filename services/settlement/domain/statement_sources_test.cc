// An approved statement split into bounded parts and joined again.
#include "lov/settlement/domain/statement_sources.h"

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"

namespace lov::settlement {
namespace {

// Lines 1..3 with 5, 0 and 40 visit sources of 20 characters each.
v1::Statement ThreeLines() {
  v1::Statement st;
  st.set_statement_id("prv-1/2025-03");
  st.set_total_ore(123456);
  int n = 0;
  for (int count : {5, 0, 40}) {
    v1::StatementLine* line = st.add_lines();
    line->set_line_no(++n);
    line->set_amount_ore(1000 * n);
    for (int i = 0; i < count; ++i) {
      line->add_sources(absl::StrFormat("prv-1/r%06d@1-%04d", n, i));
    }
  }
  return st;
}

TEST(StatementSources, SplitIntoBoundedPartsAndJoinedBack) {
  const v1::Statement st = ThreeLines();
  ASSERT_EQ(st.lines(0).sources(0).size(), 20u);
  SplitStatement split = SplitSources(st, 200);  // ten sources a part
  // 45 sources, 10 a part.
  ASSERT_EQ(split.parts.size(), 5u);
  for (const auto& line : split.lines.lines()) {
    EXPECT_EQ(line.sources_size(), 0);
  }
  EXPECT_EQ(split.lines.total_ore(), 123456);
  int32_t expected = 1;
  for (const auto& part : split.parts) {
    EXPECT_EQ(part.statement_id(), "prv-1/2025-03");
    EXPECT_EQ(part.part(), expected++);
    EXPECT_EQ(part.parts(), 5);
    size_t bytes = 0;
    for (const auto& ls : part.lines()) {
      for (const auto& s : ls.sources()) bytes += s.size();
    }
    EXPECT_LE(bytes, 200u);
  }
  // Line 3 starts in the first part (after line 1's five) and goes on.
  ASSERT_EQ(split.parts[0].lines_size(), 2);
  EXPECT_EQ(split.parts[0].lines(1).line_no(), 3);
  EXPECT_EQ(split.parts[0].lines(1).sources_size(), 5);

  // Parts arrive in any order; the statement is the same to the byte.
  std::vector<v1::StatementSourcesRecorded> shuffled = {
      split.parts[3], split.parts[0], split.parts[4], split.parts[2],
      split.parts[1]};
  absl::StatusOr<v1::Statement> joined = JoinSources(split.lines, shuffled, 5);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->SerializeAsString(), st.SerializeAsString());
}

TEST(StatementSources, NoSourcesNoParts) {
  v1::Statement st = ThreeLines();
  for (auto& line : *st.mutable_lines()) line.clear_sources();
  SplitStatement split = SplitSources(st, kSourcesPartBytes);
  EXPECT_TRUE(split.parts.empty());
  absl::StatusOr<v1::Statement> joined = JoinSources(split.lines, {}, 0);
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined->SerializeAsString(), st.SerializeAsString());
}

TEST(StatementSources, ALongSourceGetsAPartOfItsOwn) {
  v1::Statement st;
  st.set_statement_id("s");
  v1::StatementLine* line = st.add_lines();
  line->set_line_no(1);
  line->add_sources("short");
  line->add_sources(std::string(500, 'x'));
  line->add_sources("short");
  SplitStatement split = SplitSources(st, 100);
  ASSERT_EQ(split.parts.size(), 3u);
  absl::StatusOr<v1::Statement> joined =
      JoinSources(split.lines, split.parts, 3);
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined->SerializeAsString(), st.SerializeAsString());
}

TEST(StatementSources, AMissingOrForeignPartIsAnError) {
  SplitStatement split = SplitSources(ThreeLines(), 200);
  std::vector<v1::StatementSourcesRecorded> missing = split.parts;
  missing.erase(missing.begin() + 2);
  absl::StatusOr<v1::Statement> joined = JoinSources(split.lines, missing, 5);
  EXPECT_EQ(joined.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(joined.status().message().find("part 3 of 5 is missing"),
            std::string::npos)
      << joined.status();
  joined = JoinSources(
      split.lines,
      {split.parts[0], split.parts[1], split.parts[2], split.parts[3]}, 5);
  EXPECT_NE(joined.status().message().find("4 of 5 sources parts arrived"),
            std::string::npos)
      << joined.status();
  std::vector<v1::StatementSourcesRecorded> foreign = split.parts;
  foreign[1].set_statement_id("prv-2/2025-03");
  EXPECT_FALSE(JoinSources(split.lines, foreign, 5).ok());
}

}  // namespace
}  // namespace lov::settlement
