// The allocation-neutrality audit on the choice binary with the real Kafka
// and Redis: every fresh first page of the neutral list is an
// EligibleListShown on the choice topic with nothing about the client, the
// report counts the lists and the non-choice allocations, and a state
// rebuilt from Kafka gives the same report.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "choice_service_test_fixture.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/platform/identity_numbers.h"
#include "service_process.h"

namespace lov::choice {
namespace {

using service_test::ChoiceServiceTest;
using service_test::Date;
using service_test::kService;
namespace v1 = ::lov::choice::v1;
using ::lov::testing::Eventually;
using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::TestPersonnummer;

class ChoiceNeutralityServiceTest : public ChoiceServiceTest {
 protected:
  v1::ListEligibleProvidersResponse List(const std::string& client_id,
                                         uint64_t seed = 0, int page_size = 0,
                                         const std::string& token = "") {
    v1::ListEligibleProvidersResponse out;
    grpc::Status s = ListEligible(client_id, &out, seed, page_size, token);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Report(v1::GetNeutralityReportResponse* out,
                      const std::string& zone = "north") {
    v1::GetNeutralityReportRequest r;
    r.set_from_date(Date(today_ - 1));
    r.set_to_date(Date(today_));
    r.set_zone_id(zone);
    r.set_category_id(kService);
    return CallChoice(&v1::ChoiceService::Stub::GetNeutralityReport, r, out);
  }

  // The report once the projection has counted `lists` lists and
  // `allocations` allocations.
  v1::GetNeutralityReportResponse ReportOnce(int lists, int allocations) {
    v1::GetNeutralityReportResponse out;
    EXPECT_TRUE(Eventually([&] {
      out.Clear();
      return Report(&out).ok() && out.shown_first_test().trials() == lists &&
             out.allocation_test().trials() == allocations;
    })) << out.DebugString();
    return out;
  }

  static int64_t Observed(
      const google::protobuf::RepeatedPtrField<v1::NeutralityCount>& counts,
      const std::string& provider_id, double* expected) {
    for (const auto& c : counts) {
      if (c.provider_id() == provider_id) {
        *expected = c.expected();
        return c.observed();
      }
    }
    *expected = -1;
    return -1;
  }
};

TEST_F(ChoiceNeutralityServiceTest, ListsShownAreRecordedAndCounted) {
  const auto [a, b] = TwoProvidersByRotation();
  std::vector<std::string> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(Client(i));

  // Three fresh lists (one read a page at a time: its second page is the
  // same list), and an audit's reproduction of the first.
  v1::ListEligibleProvidersResponse first = List(clients[0], 0, 1);
  ASSERT_EQ(first.providers_size(), 1);
  ASSERT_FALSE(first.next_page_token().empty());
  List(clients[0], 0, 1, first.next_page_token());
  v1::ListEligibleProvidersResponse second = List(clients[1]);
  v1::ListEligibleProvidersResponse third = List(clients[2]);
  List(clients[0], first.seed());
  // Two non-choice allocations: the rotation gives one to each.
  for (int i = 3; i < 5; ++i) {
    v1::AllocateNonChoiceResponse out;
    grpc::Status s =
        AllocateNonChoice(clients[i], absl::StrCat("nc-", i), &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::vector<v1::EligibleListShown> shown;
  for (const v1::ChoiceEvent& e : AllEvents()) {
    if (!e.has_eligible_list_shown()) continue;
    shown.push_back(e.eligible_list_shown());
    EXPECT_EQ(e.aggregate_id(), e.eligible_list_shown().list_id());
    // Nothing in it ties the list to the client.
    const std::string bytes = e.SerializeAsString();
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(bytes.find(clients[i]), std::string::npos) << i;
      EXPECT_EQ(bytes.find(TestPersonnummer(i)), std::string::npos) << i;
      EXPECT_EQ(bytes.find(TestPersonnummer(i).substr(2)), std::string::npos);
    }
    EXPECT_TRUE(FindPersonnummer(bytes).empty());
  }
  // Keyed by list id, the lists spread over the partitions: found by seed.
  ASSERT_EQ(shown.size(), 4u);
  int fresh_of_first = 0;
  int reproductions = 0;
  for (const v1::EligibleListShown& list : shown) {
    EXPECT_EQ(list.zone_id(), "north");
    EXPECT_EQ(list.eligible_provider_ids_size(), 2);
    if (list.reproduction()) {
      ++reproductions;
      EXPECT_EQ(list.seed(), first.seed());
      continue;
    }
    if (list.seed() != first.seed()) continue;
    ++fresh_of_first;
    ASSERT_EQ(list.provider_ids_size(), 1);
    EXPECT_EQ(list.provider_ids(0), first.providers(0).provider_id());
  }
  EXPECT_EQ(fresh_of_first, 1);
  EXPECT_EQ(reproductions, 1);

  // The report: three fresh lists over two providers (1.5 expected first
  // each), two allocations (one expected each): too few to judge.
  v1::GetNeutralityReportResponse report = ReportOnce(3, 2);
  int64_t firsts_of_a = 0;
  for (const auto* list : {&first, &second, &third}) {
    if (list->providers(0).provider_id() == a) ++firsts_of_a;
  }
  double expected = 0;
  EXPECT_EQ(Observed(report.shown_first(), a, &expected), firsts_of_a);
  EXPECT_DOUBLE_EQ(expected, 1.5);
  EXPECT_EQ(Observed(report.shown_first(), b, &expected), 3 - firsts_of_a);
  EXPECT_DOUBLE_EQ(expected, 1.5);
  EXPECT_EQ(report.shown_first_test().verdict(),
            v1::NEUTRALITY_VERDICT_TOO_FEW);
  EXPECT_EQ(Observed(report.allocated(), a, &expected), 1);
  EXPECT_DOUBLE_EQ(expected, 1);
  EXPECT_EQ(Observed(report.allocated(), b, &expected), 1);
  EXPECT_DOUBLE_EQ(report.allocation_test().chi_square(), 0);
  EXPECT_DOUBLE_EQ(report.alpha(), 0.01);
  // Another zone has nothing.
  v1::GetNeutralityReportResponse south;
  ASSERT_TRUE(Report(&south, "south").ok());
  EXPECT_EQ(south.shown_first_test().trials(), 0);

  // lovctl shows it to an operator; a case officer may not ask.
  const std::vector<std::string> command = {
      "--choice=" + stack_.process("choice").target(),
      "choice",
      "neutrality",
      "--from=" + Date(today_ - 1),
      "--to=" + Date(today_),
      "--zone=north",
      std::string("--category=") + kService};
  RunResult cli = RunToCompletion(
      "tools/lovctl/lovctl", command, absl::Seconds(60),
      {"LOV_TOKEN=" + stack_.issuer().Token(auth::v1::ROLE_OPERATOR),
       "LOV_TOKEN_FILE="});
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  for (const std::string& line :
       {std::string("Shown first in fresh neutral lists (3)"),
        std::string("Non-choice allocations (2)"),
        std::string("too few to judge"), a, b}) {
    EXPECT_NE(cli.output.find(line), std::string::npos) << line << " not in:\n"
                                                        << cli.output;
  }
  cli = RunToCompletion(
      "tools/lovctl/lovctl", command, absl::Seconds(60),
      {"LOV_TOKEN=" + stack_.issuer().Token(auth::v1::ROLE_CASE_OFFICER),
       "LOV_TOKEN_FILE="});
  EXPECT_NE(cli.exit_code, 0) << cli.output;
  EXPECT_NE(cli.output.find("PERMISSION_DENIED"), std::string::npos)
      << cli.output;

  // Rebuilt from Kafka: the same report.
  stack_.process("choice").Kill();
  absl::StatusOr<int> wiped =
      ::lov::testing::WipeRedisKeys(stack_.StateKeys("choice"));
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  StartChoice(1);
  v1::GetNeutralityReportResponse rebuilt = ReportOnce(3, 2);
  EXPECT_EQ(rebuilt.SerializeAsString(), report.SerializeAsString());
}

// A list is answered only when both its EligibleListShown and the read's
// audit record are durable (docs/choice.md, "Neutrality audit"): every
// fresh first page answered has exactly one of each.
TEST_F(ChoiceNeutralityServiceTest, EveryListShownHasItsEventAndAuditRecord) {
  TwoProvidersByRotation();
  std::vector<std::string> clients;
  std::vector<uint64_t> seeds;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(Client(i));
    seeds.push_back(List(clients.back()).seed());
  }
  std::multiset<uint64_t> shown;
  for (const v1::ChoiceEvent& e : AllEvents()) {
    if (e.has_eligible_list_shown())
      shown.insert(e.eligible_list_shown().seed());
  }
  std::map<std::string, int> audited;
  absl::Status read = ReplayTopics(
      stack_.stack().reader("audit-reader"), {stack_.Topic(topics::kAudit)},
      [&](const CloudEvent& ce) {
        auth::v1::AuditRecord r;
        EXPECT_TRUE(r.ParseFromString(ce.data));
        // A confirmation (confirms_record_id) is no access of its own.
        if (absl::EndsWith(r.method(), "/ListEligibleProviders") &&
            r.outcome() == "OK" && r.confirms_record_id().empty()) {
          for (const std::string& c : r.client_ids()) ++audited[c];
        }
        return absl::OkStatus();
      });
  ASSERT_TRUE(read.ok()) << read;
  for (size_t i = 0; i < clients.size(); ++i) {
    EXPECT_EQ(shown.count(seeds[i]), 1u) << "list " << i;
    EXPECT_EQ(audited[clients[i]], 1) << "list " << i;
  }
  EXPECT_EQ(shown.size(), clients.size());
}

TEST_F(ChoiceNeutralityServiceTest, AReportNamesWhatIsMissing) {
  StartChoice(1);
  v1::GetNeutralityReportRequest r;
  r.set_from_date(Date(today_));
  r.set_to_date(Date(today_));
  r.set_category_id(kService);
  v1::GetNeutralityReportResponse out;
  grpc::Status s =
      CallChoice(&v1::ChoiceService::Stub::GetNeutralityReport, r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("zone_id"), std::string::npos)
      << s.error_message();
  r.set_zone_id("north");
  r.set_to_date(Date(today_ - 1));
  s = CallChoice(&v1::ChoiceService::Stub::GetNeutralityReport, r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("to_date"), std::string::npos)
      << s.error_message();
}

}  // namespace
}  // namespace lov::choice
