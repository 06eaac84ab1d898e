// `lovctl client eligible` against the registry and choice binaries: the
// follow-up indicators beside each provider (published on the follow-up
// topic here as the follow-up service would), the in-house unit's too, and
// --language keeping only the providers offering the language.
#include <gtest/gtest.h>

#include <regex>

#include "absl/strings/str_cat.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/topics.h"
#include "lovctl_test_fixture.h"
#include "test_stack.h"

namespace lov {
namespace {

using Role = ::lov::auth::v1::Role;
using ::lov::testing::Eventually;
using ::lov::testing::RunResult;
using ::lov::testing::Stack;
namespace fu = ::lov::followup::v1;

// Each command is run in the role the test names.
class LovctlEligibleTest : public ::lov::testing::LovctlTest {
 protected:
  void SetUp() override {
    StartServices({"registry", "choice"});
    WriteFile("setup.json", kSetup);
  }

  // The in-house unit (sv, fi) and Attendo (sv, ar) approved in the centre.
  void TwoProviders() {
    TwoApprovedProviders({"--languages", "sv,fi"}, {"--languages", "sv,ar"});
  }

  // A client in the centre with 10 h of home help a month.
  std::string AClient() {
    const Role officer = auth::v1::ROLE_CASE_OFFICER;
    std::string out = Ok(officer,
                         {"client", "register", "--personnummer-stdin",
                          "--zone", "centrum", "--request-id", "c1"},
                         "19400101-1230\n");
    std::smatch m;
    EXPECT_TRUE(
        std::regex_search(out, m, std::regex("client (cli-[0-9a-f-]+)")))
        << out;
    const std::string id = m.size() > 1 ? m[1].str() : "";
    Ok(officer, {"client", "decision", "--id", id, "--decision", "bb-1",
                 "--from", "2025-01-01", "--granted", "home-help-service:600",
                 "--request-id", "d1"});
    return id;
  }

  void PublishIndicators(const fu::ProviderIndicators& row) {
    fu::FollowupEvent e;
    e.set_event_id(NewUuid());
    *e.mutable_occurred_at() = ToProtoTime(absl::Now());
    e.set_aggregate_id("ind-" + row.provider_id());
    *e.mutable_provider_indicators_published()->mutable_indicators() = row;
    auto producer = EventProducer::Create(Stack().kafka("lovctl-eligible"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    ASSERT_TRUE((*producer)
                    ->Publish(stack_.Topic(topics::kFollowupEvents),
                              ToCloudEvent(e, "/lov/followup"))
                    .ok());
  }
};

TEST_F(LovctlEligibleTest, ShowsTheIndicatorsAndFiltersByLanguage) {
  TwoProviders();
  const std::string client = AClient();
  // The in-house unit over all zones: 24 clients met a median of 7.5 staff;
  // 12 of 480 visits had exceptions (2.5%); 3 complaints and 1 deviation
  // among 40 listed clients (75.0 and 25.0 per 1,000); 812 per mille of 16
  // respondents satisfied in 2025 (81.2%).
  fu::ProviderIndicators row;
  row.set_provider_id(kInHouse);
  row.set_as_of("2026-11-30");
  row.set_continuity_clients(24);
  row.set_median_staff(7.5);
  row.set_visits(480);
  row.set_visits_with_exceptions(12);
  row.set_listed_clients(40);
  row.set_complaints_12m(3);
  row.set_deviations_12m(1);
  row.set_complaints_per_1000_clients(75);
  row.set_deviations_per_1000_clients(25);
  row.mutable_survey()->set_year(2025);
  row.mutable_survey()->set_respondents(16);
  row.mutable_survey()->set_overall_satisfied_per_mille(812);
  PublishIndicators(row);

  const Role officer = auth::v1::ROLE_CASE_OFFICER;
  std::string out;
  ASSERT_TRUE(Eventually([&] {
    out = Lovctl(officer, {"client", "eligible", "--id", client, "--as-of",
                           "2025-01-01"})
              .output;
    return Has(out, "median 7.5 staff (24 clients)");
  })) << out;
  EXPECT_TRUE(Has(out, "2.5% of 480 visits")) << out;
  EXPECT_TRUE(Has(out, "75.0 (3 in 12 months)")) << out;
  EXPECT_TRUE(Has(out, "25.0 (1 in 12 months)")) << out;
  EXPECT_TRUE(Has(out, "81.2% satisfied (2025, 16 answers)")) << out;
  EXPECT_TRUE(Has(out, "all zones 2026-11-30")) << out;
  EXPECT_TRUE(Has(out, "none published")) << out;  // Attendo
  EXPECT_TRUE(Has(out, "Attendo")) << out;

  // Finnish: only the in-house unit; Arabic: only Attendo.
  out = Ok(officer, {"client", "eligible", "--id", client, "--as-of",
                     "2025-01-01", "--language", "fi"});
  EXPECT_TRUE(Has(out, kInHouse)) << out;
  EXPECT_FALSE(Has(out, kAttendo)) << out;
  out = Ok(officer, {"client", "eligible", "--id", client, "--as-of",
                     "2025-01-01", "--language", "ara"});
  EXPECT_TRUE(Has(out, kAttendo)) << out;
  EXPECT_FALSE(Has(out, kInHouse)) << out;
  // A malformed code is wrong usage (exit 2), naming the field.
  RunResult bad = Lovctl(
      officer, {"client", "eligible", "--id", client, "--language", "f1"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_TRUE(Has(bad.output, "language")) << bad.output;
}

}  // namespace
}  // namespace lov
