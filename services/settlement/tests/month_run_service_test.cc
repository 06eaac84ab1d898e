// The month-end run through the real stack: the settlement binary against
// Kafka and Redis, signed in as two finance users with tokens of the test
// issuer. The preparer may not approve; the other finance user approves
// the batch; the totals equal the single statements' (worked by hand in
// settlement_service_test.cc); and the run is in settlement's own topic.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "lov/settlement/tests/settlement_test_support.h"
#include "lov/settlement/v1/events.pb.h"
#include "test_sign_in.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;

constexpr char kFinanceA[] = "SE2321000016-finance-a";
constexpr char kFinanceB[] = "SE2321000016-finance-b";

class MonthRunServiceTest : public test_support::SettlementFixture {
 protected:
  // A call signed in as the finance user `who`.
  template <typename Req, typename Resp>
  grpc::Status CallAs(const std::string& who,
                      grpc::Status (v1::SettlementService::Stub::*method)(
                          grpc::ClientContext*, const Req&, Resp*),
                      const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    ::lov::testing::SignIn(&ctx, auth::v1::ROLE_FINANCE, "", who);
    return ((*stub_).*method)(&ctx, req, resp);
  }

  grpc::Status ApproveMonthAs(const std::string& who, const v1::MonthRun& run,
                              v1::MonthRunApproval* out,
                              const std::string& request_id = NewUuid()) {
    v1::ApproveMonthRequest req;
    req.set_period(run.period());
    req.set_expected_run_digest(run.run_digest());
    req.set_request_id(request_id);
    req.set_approved_by("stated-name-is-ignored");
    return CallAs(who, &v1::SettlementService::Stub::ApproveMonth, req, out);
  }
};

TEST_F(MonthRunServiceTest, PreparedByOneFinanceUserApprovedByAnother) {
  ConfigureRates();
  PublishRegistry();
  PublishAssignment();
  PublishJanuaryVisits();
  // By hand (settlement_service_test.cc): prv-a 2 825.20 kr; prv-egen, in
  // house, 1 h of personal care by day at 485 kr.
  const int64_t total_a = 282520;
  const int64_t total_egen = 48500;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status sa, se;
    v1::Statement a = Get("prv-a", "2024-01", &sa);
    v1::Statement e = Get("prv-egen", "2024-01", &se);
    return sa.ok() && se.ok() && a.total_ore() == total_a &&
           e.total_ore() == total_egen;
  })) << service_->Log();

  v1::PreviewMonthRequest prepare;
  prepare.set_period("2024-01");
  prepare.set_prepared_by("stated-name-is-ignored");
  v1::MonthRun run;
  grpc::Status s = CallAs(kFinanceA, &v1::SettlementService::Stub::PreviewMonth,
                          prepare, &run);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(run.prepared_by(), kFinanceA);  // from the credential
  ASSERT_EQ(run.providers_size(), 2);
  EXPECT_EQ(run.providers(0).provider_id(), "prv-a");
  EXPECT_EQ(run.providers(0).total_ore(), total_a);
  EXPECT_EQ(run.providers(0).digest(), Preview("prv-a", "2024-01").digest());
  EXPECT_EQ(run.providers(1).provider_id(), "prv-egen");
  EXPECT_EQ(run.providers(1).total_ore(), total_egen);
  EXPECT_EQ(run.total_ore(), total_a + total_egen);

  // Four eyes: the preparer is refused, naming the rule; nothing approved.
  v1::MonthRunApproval approval;
  s = ApproveMonthAs(kFinanceA, run, &approval);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("four eyes"), std::string::npos)
      << s.error_message();
  EXPECT_EQ(Get("prv-a", "2024-01").status(), v1::STATEMENT_STATUS_PREVIEW);

  const std::string request_id = NewUuid();
  s = ApproveMonthAs(kFinanceB, run, &approval, request_id);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(approval.approved_by(), kFinanceB);
  ASSERT_EQ(approval.approved_size(), 2);
  EXPECT_EQ(approval.refused_size(), 0);
  EXPECT_EQ(approval.approved_total_ore(), total_a + total_egen);
  // The batch approved each statement as a single approval would.
  v1::Statement a = Get("prv-a", "2024-01");
  v1::Statement e = Get("prv-egen", "2024-01");
  EXPECT_EQ(a.status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(a.approved_by(), kFinanceB);
  EXPECT_EQ(e.status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(approval.approved_total_ore(), a.total_ore() + e.total_ore());

  // A retry with the same request id answers the first outcome.
  v1::MonthRunApproval again;
  ASSERT_TRUE(ApproveMonthAs(kFinanceB, run, &again, request_id).ok());
  EXPECT_EQ(again.SerializeAsString(), approval.SerializeAsString());

  v1::GetMonthRunRequest status_request;
  status_request.set_period("2024-01");
  v1::MonthRun status;
  s = CallAs(kFinanceA, &v1::SettlementService::Stub::GetMonthRun,
             status_request, &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(status.providers_size(), 2);
  EXPECT_EQ(status.providers(0).state(), v1::MONTH_RUN_STATE_APPROVED);
  EXPECT_EQ(status.providers(1).state(), v1::MONTH_RUN_STATE_APPROVED);
  EXPECT_EQ(status.approved_total_ore(), total_a + total_egen);

  // The run and its approval are in the topic, as a subscriber reads them.
  std::vector<CloudEvent> events = SettlementEventsKeyed("month-run/2024-01");
  ASSERT_EQ(events.size(), 2u);
  v1::SettlementEvent prepared, approved;
  ASSERT_TRUE(FromCloudEvent(events[0], &prepared).ok());
  ASSERT_TRUE(FromCloudEvent(events[1], &approved).ok());
  EXPECT_EQ(prepared.month_run_prepared().run().prepared_by(), kFinanceA);
  EXPECT_EQ(prepared.actor().subject(), kFinanceA);
  EXPECT_EQ(approved.month_run_approved().approval().approved_total_ore(),
            total_a + total_egen);
  EXPECT_EQ(approved.actor().subject(), kFinanceB);
}

}  // namespace
}  // namespace lov::settlement
