#include "lov/settlement/domain/fee_basis.h"

#include <gtest/gtest.h>

#include "lov/platform/proto_util.h"

namespace lov::settlement {
namespace {

visits::v1::Visit Visit(
    const std::string& id, const std::string& client,
    const std::string& category, int start_hour, int minutes,
    visits::v1::VisitStatus status = visits::v1::VISIT_STATUS_PERFORMED) {
  visits::v1::Visit v;
  v.set_visit_id("p-1/" + id);
  v.set_provider_id("p-1");
  v.set_client_id(client);
  v.set_category_id(category);
  v.set_status(status);
  const absl::Time start = absl::FromCivil(
      absl::CivilHour(2026, 11, 3, start_hour), absl::UTCTimeZone());
  *v.mutable_start() = ToProtoTime(start);
  *v.mutable_end() = ToProtoTime(start + absl::Minutes(minutes));
  return v;
}

// c-2: 45 + 50 min of hemtjanst (2 visits) and 20 min of service; c-1:
// 30 min; a cancelled visit of c-1 counts nothing.
std::vector<visits::v1::Visit> Month() {
  return {Visit("a", "c-2", "hemtjanst", 8, 45),
          Visit("b", "c-1", "hemtjanst", 9, 30),
          Visit("c", "c-2", "service", 10, 20),
          Visit("d", "c-2", "hemtjanst", 12, 50),
          Visit("e", "c-1", "hemtjanst", 14, 60,
                visits::v1::VISIT_STATUS_CANCELLED_LATE)};
}

TEST(FeeBasisTest, PerformedSecondsPerClientAndCategory) {
  absl::StatusOr<v1::ClientFeeBasis> b =
      FeeBasisOf("p-1/2026-11", "p-1", "2026-11", Month());
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->clients_size(), 3);
  EXPECT_EQ(b->clients(0).client_id(), "c-1");
  EXPECT_EQ(b->clients(0).performed_seconds(), 1800);
  EXPECT_EQ(b->clients(0).visits(), 1);
  EXPECT_EQ(b->clients(1).client_id(), "c-2");
  EXPECT_EQ(b->clients(1).category_id(), "hemtjanst");
  EXPECT_EQ(b->clients(1).performed_seconds(), 95 * 60);
  EXPECT_EQ(b->clients(1).visits(), 2);
  EXPECT_EQ(b->clients(2).category_id(), "service");
  EXPECT_EQ(b->clients(2).performed_seconds(), 1200);
  EXPECT_EQ(b->performed_seconds(), 1800 + 95 * 60 + 1200);
  EXPECT_EQ(b->statement_id(), "p-1/2026-11");
}

TEST(FeeBasisTest, CsvRowsByClientThenProviderWithHours) {
  v1::ClientFeeBasis first =
      *FeeBasisOf("p-1/2026-11", "p-1", "2026-11", Month());
  v1::ClientFeeBasis second = *FeeBasisOf(
      "p-0/2026-11", "p-0", "2026-11", {Visit("x", "c-2", "hemtjanst", 7, 1)});
  EXPECT_EQ(FeeBasisCsv({first, second}),
            "period,client_id,provider_id,category_id,performed_seconds,hours,"
            "visits\r\n"
            "2026-11,c-1,p-1,hemtjanst,1800,0.50,1\r\n"
            "2026-11,c-2,p-0,hemtjanst,60,0.02,1\r\n"    // 1/60 h = 0.0167
            "2026-11,c-2,p-1,hemtjanst,5700,1.58,2\r\n"  // 1.5833 h
            "2026-11,c-2,p-1,service,1200,0.33,1\r\n");
}

TEST(FeeBasisTest, RefusesAPersonalIdentityNumberAsClientId) {
  absl::Status s = FeeBasisOf("p-1/2026-11", "p-1", "2026-11",
                              {Visit("a", "19121212-1212", "hemtjanst", 8, 45)})
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().find("1212"), std::string::npos);
  EXPECT_NE(s.message().find("client_id"), std::string::npos);
}

// StatementApproved no longer carries the fee basis: it goes in parts of at
// most kFeeBasisPartRows rows, which join back to the same basis.
TEST(FeeBasisPartsTest, ABasisSplitsIntoBoundedPartsAndJoinsBack) {
  v1::ClientFeeBasis basis;
  basis.set_statement_id("prv-a/2024-01");
  basis.set_provider_id("prv-a");
  basis.set_period("2024-01");
  for (int i = 0; i < 2 * kFeeBasisPartRows + 1; ++i) {
    auto* row = basis.add_clients();
    row->set_client_id("client-" + std::to_string(10000 + i));
    row->set_category_id("personal-care");
    row->set_performed_seconds(3600);
    row->set_visits(1);
  }
  basis.set_performed_seconds(3600LL * basis.clients_size());
  std::vector<v1::FeeBasisRecorded> parts =
      SplitFeeBasis(basis, kFeeBasisPartRows);
  ASSERT_EQ(parts.size(), 3u);
  for (size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].part(), static_cast<int>(i + 1));
    EXPECT_EQ(parts[i].parts(), 3);
    EXPECT_EQ(parts[i].statement_id(), "prv-a/2024-01");
    EXPECT_LE(parts[i].basis().clients_size(), kFeeBasisPartRows);
    EXPECT_EQ(parts[i].basis().performed_seconds(), basis.performed_seconds());
    // Bounded: well under the size that made the field a problem.
    EXPECT_LT(parts[i].ByteSizeLong(), 32u * 1024u);
  }
  EXPECT_EQ(parts[2].basis().clients_size(), 1);
  absl::StatusOr<v1::ClientFeeBasis> joined = JoinFeeBasis(parts);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(joined->SerializeAsString(), basis.SerializeAsString());

  parts.erase(parts.begin() + 1);
  EXPECT_EQ(JoinFeeBasis(parts).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "a missing part is noticed";
}

TEST(FeeBasisPartsTest, ABasisWithoutClientsIsOnePart) {
  v1::ClientFeeBasis basis;
  basis.set_statement_id("prv-a/2024-01");
  std::vector<v1::FeeBasisRecorded> parts = SplitFeeBasis(basis, 400);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].parts(), 1);
  EXPECT_EQ(parts[0].basis().clients_size(), 0);
}

}  // namespace
}  // namespace lov::settlement
