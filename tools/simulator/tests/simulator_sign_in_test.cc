// The simulator against services that trust a development issuer only, as
// under make run: it signs each call in the role a person or system would
// have, and the events name those actors. Read from Kafka as an outside
// subscriber would.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "lov/platform/topics.h"
#include "lov/visits/v1/events.pb.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::ReadEventsUntil;
using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::ServiceProcess;
using ::lov::testing::TestIssuer;

// The simulator's town: six providers, Allegio the one giving notice.
constexpr int kProviders = 6;
constexpr char kAllegio[] = "prv-5567889984";
constexpr int kClients = 30;

int Count(const std::vector<CloudEvent>& events, const std::string& type) {
  int n = 0;
  for (const auto& e : events) n += e.type == type;
  return n;
}

// Checks that every event of `type` names the actor `subject` in `role`;
// returns how many there were.
int ExpectActor(const std::vector<CloudEvent>& events, const std::string& type,
                const std::string& role, const std::string& subject) {
  int n = 0;
  for (const auto& e : events) {
    if (e.type != type) continue;
    ++n;
    EXPECT_EQ(e.Header("ce_actorrole"), role) << type << " " << e.subject;
    EXPECT_EQ(e.Header("ce_actor"), subject) << type << " " << e.subject;
  }
  return n;
}

class SimulatorSignInTest : public ::testing::Test {
 protected:
  // Started once for the suite; a failure here fails every test (a fatal
  // failure in SetUpTestSuite would only mark them skipped).
  static void SetUpTestSuite() {
    auto issuer = TestIssuer::Make();
    if (!issuer.ok()) {
      setup_error_ = std::string(issuer.status().message());
      return;
    }
    issuer_ = issuer->release();
    ns_ = "sim" + NewUuid().substr(0, 8);
    const std::vector<std::string> flags = issuer_->ServiceFlags(ns_);
    for (const char* s :
         {"registry", "choice", "visits", "settlement", "followup"}) {
      auto p = std::make_unique<ServiceProcess>(
          absl::StrCat("services/", s, "/", s), flags);
      if (absl::Status st = p->Start(); !st.ok()) {
        setup_error_ = absl::StrCat(s, ": ", st.message());
        return;
      }
      (*services_)[s] = std::move(p);
    }
  }
  void SetUp() override {
    ASSERT_EQ(setup_error_, "") << "suite set-up failed";
  }
  static void TearDownTestSuite() { services_->clear(); }

  static RunResult Simulate(const std::vector<std::string>& env) {
    std::vector<std::string> flags = {absl::StrCat("--clients=", kClients),
                                      "--threads=4"};
    for (const char* s :
         {"registry", "choice", "visits", "settlement", "followup"}) {
      flags.push_back(absl::StrCat("--", s, "=", (*services_)[s]->target()));
    }
    return RunToCompletion("tools/simulator/simulator", flags,
                           absl::Seconds(240), env);
  }

  static std::vector<CloudEvent> Events(const char* topic,
                                        const std::string& type, int count) {
    return ReadEventsUntil(
        absl::StrCat(ns_, ".", topic),
        [&](const std::vector<CloudEvent>& e) {
          return Count(e, type) >= count;
        },
        absl::Seconds(60));
  }

  static TestIssuer* issuer_;
  static std::string ns_;
  static std::string setup_error_;
  static std::map<std::string, std::unique_ptr<ServiceProcess>>* services_;
};
TestIssuer* SimulatorSignInTest::issuer_ = nullptr;
std::string SimulatorSignInTest::ns_;
std::string SimulatorSignInTest::setup_error_;
std::map<std::string, std::unique_ptr<ServiceProcess>>*
    SimulatorSignInTest::services_ =
        new std::map<std::string, std::unique_ptr<ServiceProcess>>();

// The services refuse the first call, and the simulator says what to give.
TEST_F(SimulatorSignInTest, WithoutTheIssuerKeyTheFirstCallIsRefused) {
  RunResult r = Simulate({"LOV_DEV_ISSUER_KEY="});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("simulator: register "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--dev-issuer-key or LOV_DEV_ISSUER_KEY"),
            std::string::npos)
      << r.output;
}

TEST_F(SimulatorSignInTest, EveryEventNamesThePersonOrSystemThatCausedIt) {
  RunResult r = Simulate({"LOV_DEV_ISSUER_KEY=" + issuer_->key_path()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // The registry officer approved the providers; Allegio gave notice itself.
  // (Each read waits for the events it counts: providers' events are on
  // different partitions, read in no fixed order.)
  auto approvals = Events(topics::kRegistryEvents,
                          "se.lov.registry.v1.ApplicationApproved", kProviders);
  EXPECT_EQ(
      ExpectActor(approvals, "se.lov.registry.v1.ApplicationApproved",
                  "registry_officer", "SE2321000016-sim-registry_officer"),
      kProviders);
  auto notices =
      Events(topics::kRegistryEvents, "se.lov.registry.v1.NoticeGiven", 1);
  EXPECT_EQ(ExpectActor(notices, "se.lov.registry.v1.NoticeGiven", "provider",
                        absl::StrCat(kAllegio, "-time-reporting")),
            1);

  // Case officers registered the clients.
  auto choice = Events(topics::kChoiceEvents,
                       "se.lov.choice.v1.ClientRegistered", kClients);
  EXPECT_EQ(ExpectActor(choice, "se.lov.choice.v1.ClientRegistered",
                        "case_officer", "SE2321000016-sim-case_officer"),
            kClients);

  // Finance approved every provider's statement.
  auto settlement =
      Events(topics::kSettlementEvents,
             "se.lov.settlement.v1.StatementApproved", kProviders);
  EXPECT_EQ(ExpectActor(settlement, "se.lov.settlement.v1.StatementApproved",
                        "finance", "SE2321000016-sim-finance"),
            kProviders);

  // Each visit was reported by its own provider's system: the actor's
  // provider is the one in the visit id "<provider>/<report id>".
  auto visits = Events(topics::kVisitsEvents, "se.lov.visits.v1.VisitAccepted",
                       kClients + 1);
  int accepted = 0;
  for (const auto& e : visits) {
    if (e.type != "se.lov.visits.v1.VisitAccepted") continue;
    ++accepted;
    visits::v1::VisitEvent event;
    ASSERT_TRUE(event.ParseFromString(e.data)) << e.subject;
    const std::string provider = e.subject.substr(0, e.subject.find('/'));
    EXPECT_EQ(event.actor().role(), auth::v1::ROLE_PROVIDER) << e.subject;
    EXPECT_EQ(event.actor().provider_id(), provider) << e.subject;
    EXPECT_EQ(e.Header("ce_actor"), provider + "-time-reporting");
  }
  EXPECT_GT(accepted, kClients) << r.output;

  // A case officer registered the complaints, each provider reported its
  // own deviations, the registry officer followed the providers up.
  auto followup = Events(topics::kFollowupEvents,
                         "se.lov.followup.v1.FollowUpCompleted", 1);
  EXPECT_EQ(ExpectActor(followup, "se.lov.followup.v1.ComplaintRegistered",
                        "case_officer", "SE2321000016-sim-case_officer"),
            5);
  EXPECT_EQ(
      ExpectActor(followup, "se.lov.followup.v1.FollowUpPlanned",
                  "registry_officer", "SE2321000016-sim-registry_officer"),
      kProviders);
  int deviations = 0;
  for (const auto& e : followup) {
    if (e.type != "se.lov.followup.v1.DeviationReported") continue;
    ++deviations;
    EXPECT_EQ(e.Header("ce_actorrole"), "provider") << e.subject;
  }
  EXPECT_EQ(deviations, 5);
}

// The month simulated is the last full one, so every deadline the demo
// sets has passed today: of 5 complaints one was not answered in 14 days,
// of 5 deviations one lex Sarah report of a serious wrong never reached
// IVO, of the action plans of the one follow-up done one never came in
// (followup_story.cc). The continuity the simulator counted is the
// service's.
TEST_F(SimulatorSignInTest, TheSummaryCountsTheFollowUp) {
  RunResult r = Simulate({"LOV_DEV_ISSUER_KEY=" + issuer_->key_path()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(": 5 complaints (1 overdue), 5 deviations (1 lex "
                          "Sarah overdue at IVO), 6 follow-ups planned, 1 "
                          "done (1 action plans overdue)."),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("The follow-up service counts the same "
                          "continuity: yes."),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("prv-2120000209 median "), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace lov
