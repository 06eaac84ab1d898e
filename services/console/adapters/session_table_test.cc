#include "lov/console/adapters/session_table.h"

#include <gtest/gtest.h>

#include <set>

#include "fixed_clock.h"

namespace lov::console {
namespace {

using ::lov::testing::FixedClock;
using ::lov::testing::UtcTime;

auth::Principal Operator(const std::string& subject) {
  auth::Principal p;
  p.subject = subject;
  p.role = auth::v1::ROLE_OPERATOR;
  return p;
}

class SessionTableTest : public ::testing::Test {
 protected:
  FixedClock clock_{UtcTime(2026, 3, 2, 8)};
  SessionTable table_{&clock_, 3, absl::Hours(8)};
};

TEST_F(SessionTableTest, IdsAre256RandomBitsInHex) {
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::string> id =
        table_.Open(Operator("SE1-1"), clock_.now_ + absl::Hours(1));
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->size(), 64u);
    EXPECT_EQ(id->find_first_not_of("0123456789abcdef"), std::string::npos);
    ids.insert(*id);
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(SessionTableTest, ASessionLastsUntilTheTokenExpires) {
  const absl::Time until = clock_.now_ + absl::Minutes(30);
  std::string id = *table_.Open(Operator("SE1-1"), until);
  std::optional<DashboardSession> s = table_.Find(id);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->principal.subject, "SE1-1");
  EXPECT_EQ(s->expires, until);
  clock_.now_ += absl::Minutes(29);
  EXPECT_TRUE(table_.Find(id).has_value());
  clock_.now_ += absl::Minutes(1);
  EXPECT_FALSE(table_.Find(id).has_value());
  EXPECT_EQ(table_.size(), 0u);  // dropped when found expired
}

TEST_F(SessionTableTest, ALongTokenIsCappedAtTheMaximumLifetime) {
  std::string id =
      *table_.Open(Operator("SE1-1"), clock_.now_ + absl::Hours(24));
  EXPECT_EQ(table_.Find(id)->expires, UtcTime(2026, 3, 2, 16));
  clock_.now_ += absl::Hours(8);
  EXPECT_FALSE(table_.Find(id).has_value());
}

TEST_F(SessionTableTest, AnExpiredTokenOpensNoSession) {
  EXPECT_EQ(table_.Open(Operator("SE1-1"), clock_.now_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(SessionTableTest, UnknownAndClosedSessionsAreNotFound) {
  std::string id =
      *table_.Open(Operator("SE1-1"), clock_.now_ + absl::Hours(1));
  EXPECT_FALSE(table_.Find("").has_value());
  EXPECT_FALSE(table_.Find(std::string(64, '0')).has_value());
  table_.Close(id);
  EXPECT_FALSE(table_.Find(id).has_value());
}

TEST_F(SessionTableTest, AFullTableDropsExpiredSessionsFirst) {
  std::string a = *table_.Open(Operator("a"), clock_.now_ + absl::Hours(1));
  std::string b = *table_.Open(Operator("b"), clock_.now_ + absl::Minutes(5));
  std::string c = *table_.Open(Operator("c"), clock_.now_ + absl::Hours(2));
  clock_.now_ += absl::Minutes(10);  // b has expired
  std::string d = *table_.Open(Operator("d"), clock_.now_ + absl::Hours(1));
  EXPECT_EQ(table_.size(), 3u);
  EXPECT_TRUE(table_.Find(a).has_value());
  EXPECT_FALSE(table_.Find(b).has_value());
  EXPECT_TRUE(table_.Find(c).has_value());
  EXPECT_TRUE(table_.Find(d).has_value());
}

TEST_F(SessionTableTest, AFullTableOfLiveSessionsDropsTheOneNearestItsEnd) {
  std::string a = *table_.Open(Operator("a"), clock_.now_ + absl::Hours(3));
  std::string b = *table_.Open(Operator("b"), clock_.now_ + absl::Hours(1));
  std::string c = *table_.Open(Operator("c"), clock_.now_ + absl::Hours(2));
  std::string d = *table_.Open(Operator("d"), clock_.now_ + absl::Hours(4));
  EXPECT_EQ(table_.size(), 3u);
  EXPECT_FALSE(table_.Find(b).has_value());
  for (const std::string& live : {a, c, d}) {
    EXPECT_TRUE(table_.Find(live).has_value());
  }
}

}  // namespace
}  // namespace lov::console
