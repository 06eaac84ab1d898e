// The audit binary as a process against the real Kafka and Redis: audit
// records written to lov.audit.v1 the way every service writes them (the
// platform's KafkaAuditSink), then read back by client and by user.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka_audit_sink.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "lov/platform/stockholm_time.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov::audit {
namespace {

namespace v1 = ::lov::audit::v1;
using ::lov::testing::Eventually;
using ::lov::testing::ServiceProcess;
using ::lov::testing::Stack;

// The service runs with sign-in on (ServiceProcess): the tests' calls are
// signed in as an auditor, the one role the audit log's policy allows.
constexpr char kCaseOfficer[] = "SE2321000016-1001";
constexpr char kProviderStaff[] = "provider:prv-5565541645";

absl::Time March(int day, int hour, int minute = 0) {
  return FromStockholm(absl::CivilSecond(2025, 3, day, hour, minute, 0));
}
const absl::Time kApril = FromStockholm(absl::CivilSecond(2025, 4, 1, 0, 0, 0));

auth::v1::AuditRecord Access(const std::string& subject, auth::v1::Role role,
                             const std::string& method,
                             auth::v1::AuditKind kind,
                             std::vector<std::string> clients, absl::Time at,
                             const std::string& outcome = "OK") {
  auth::v1::AuditRecord r;
  r.set_record_id(NewUuid());
  *r.mutable_at() = ToProtoTime(at);
  r.mutable_actor()->set_subject(subject);
  r.mutable_actor()->set_role(role);
  r.mutable_actor()->set_organisation("Norrtälje kommun");
  r.set_method(method);
  r.set_kind(kind);
  for (auto& c : clients) r.add_client_ids(std::move(c));
  r.set_outcome(outcome);
  return r;
}

auth::v1::AuditRecord CaseOfficerRead(std::vector<std::string> clients,
                                      absl::Time at) {
  return Access(kCaseOfficer, auth::v1::ROLE_CASE_OFFICER,
                "lov.choice.v1.ChoiceService/GetClient",
                auth::v1::AUDIT_KIND_CLIENT_READ, std::move(clients), at);
}

std::vector<std::string> RecordIds(const v1::ListAccessResponse& response) {
  std::vector<std::string> out;
  for (const auto& r : response.records()) out.push_back(r.record_id());
  return out;
}

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "t" + NewUuid().substr(0, 8);
    service_ = std::make_unique<ServiceProcess>(
        "services/audit/audit", std::vector<std::string>{"--namespace=" + ns_});
    ASSERT_TRUE(service_->Start().ok()) << service_->Log();
    Connect();
    auto producer = EventProducer::Create(Stack().kafka("audit-test"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
    sink_ = std::make_unique<KafkaAuditSink>(
        producer_.get(), ns_ + ".lov.audit.v1", "/lov/test");
  }

  void Connect() { stub_ = v1::AuditService::NewStub(service_->Channel()); }

  void Publish(const auth::v1::AuditRecord& record) {
    absl::Status s = sink_->Record(record);
    ASSERT_TRUE(s.ok()) << s;
  }

  template <typename Req>
  grpc::Status Call(grpc::Status (v1::AuditService::Stub::*method)(
                        grpc::ClientContext*, const Req&,
                        v1::ListAccessResponse*),
                    const Req& req, v1::ListAccessResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    return ((*stub_).*method)(&ctx, req, resp);
  }

  v1::ListClientAccessRequest ClientInMarch(const std::string& client_id) {
    v1::ListClientAccessRequest r;
    r.set_client_id(client_id);
    *r.mutable_from_time() = ToProtoTime(March(1, 0));
    *r.mutable_to_time() = ToProtoTime(kApril);
    return r;
  }

  // The answer once it has `count` records (the projection catches up
  // asynchronously).
  v1::ListAccessResponse ClientsOnce(const v1::ListClientAccessRequest& req,
                                     int count) {
    v1::ListAccessResponse resp;
    Eventually([&] {
      resp.Clear();
      grpc::Status s =
          Call(&v1::AuditService::Stub::ListClientAccess, req, &resp);
      return s.ok() && resp.records_size() >= count;
    });
    return resp;
  }

  std::string ns_;
  std::unique_ptr<ServiceProcess> service_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
  std::unique_ptr<EventProducer> producer_;
  std::unique_ptr<KafkaAuditSink> sink_;
};

TEST_F(AuditServiceTest, WhoHasLookedAtAClientAndWhatAUserAccessedInMarch) {
  const auth::v1::AuditRecord first = CaseOfficerRead({"cli-1"}, March(3, 9));
  const auth::v1::AuditRecord visit_context =
      Access(kProviderStaff, auth::v1::ROLE_PROVIDER,
             "lov.visits.v1.VisitsService/GetClientContext",
             auth::v1::AUDIT_KIND_CLIENT_READ, {"cli-1"}, March(5, 14));
  const auth::v1::AuditRecord other_client =
      CaseOfficerRead({"cli-2"}, March(6, 8));
  const auth::v1::AuditRecord refused =
      Access(kCaseOfficer, auth::v1::ROLE_CASE_OFFICER,
             "lov.choice.v1.ChoiceService/RegisterDecision",
             auth::v1::AUDIT_KIND_CLIENT_CHANGE, {"cli-1"}, March(10, 11),
             "PERMISSION_DENIED");
  const auth::v1::AuditRecord february = CaseOfficerRead(
      {"cli-1"}, FromStockholm(absl::CivilSecond(2025, 2, 28, 23, 0, 0)));
  for (const auto& r :
       {first, visit_context, other_client, refused, february, first}) {
    Publish(r);  // `first` twice: a redelivery
  }

  const v1::ListAccessResponse looked = ClientsOnce(ClientInMarch("cli-1"), 3);
  EXPECT_EQ(
      RecordIds(looked),
      (std::vector<std::string>{refused.record_id(), visit_context.record_id(),
                                first.record_id()}));
  EXPECT_EQ(looked.next_page_token(), "");
  ASSERT_EQ(looked.records_size(), 3);
  EXPECT_EQ(looked.records(0).outcome(), "PERMISSION_DENIED");
  EXPECT_EQ(looked.records(1).actor().subject(), kProviderStaff);
  EXPECT_EQ(looked.records(1).actor().role(), auth::v1::ROLE_PROVIDER);
  EXPECT_EQ(looked.records(2).method(),
            "lov.choice.v1.ChoiceService/GetClient");

  v1::ListActorAccessRequest from_the_4th;
  from_the_4th.set_subject(kCaseOfficer);
  *from_the_4th.mutable_from_time() = ToProtoTime(March(4, 0));
  *from_the_4th.mutable_to_time() = ToProtoTime(kApril);
  v1::ListAccessResponse accessed;
  grpc::Status s =
      Call(&v1::AuditService::Stub::ListActorAccess, from_the_4th, &accessed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(RecordIds(accessed),
            (std::vector<std::string>{refused.record_id(),
                                      other_client.record_id()}));
}

TEST_F(AuditServiceTest, PagesThroughALongLogNewestFirst) {
  // Four days, and three reads in the same microsecond (the page ends among
  // them): newest first, the same microsecond by record id, highest first.
  std::vector<std::pair<absl::Time, std::string>> reads;
  for (absl::Time at : {March(1, 9), March(2, 9), March(3, 9), March(4, 9),
                        March(2, 12), March(2, 12), March(2, 12)}) {
    auth::v1::AuditRecord r = CaseOfficerRead({"cli-p"}, at);
    Publish(r);
    reads.emplace_back(at, r.record_id());
  }
  std::sort(reads.rbegin(), reads.rend());
  std::vector<std::string> newest_first;
  for (const auto& [at, id] : reads) newest_first.push_back(id);
  v1::ListClientAccessRequest req = ClientInMarch("cli-p");
  ClientsOnce(req, 7);
  req.set_page_size(3);
  std::vector<std::string> paged;
  std::vector<int> sizes;
  do {
    v1::ListAccessResponse page;
    grpc::Status s =
        Call(&v1::AuditService::Stub::ListClientAccess, req, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    sizes.push_back(page.records_size());
    for (const auto& id : RecordIds(page)) paged.push_back(id);
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty() && sizes.size() < 10);
  EXPECT_EQ(sizes, (std::vector<int>{3, 3, 1}));
  EXPECT_EQ(paged, newest_first);
}

TEST_F(AuditServiceTest, ReadingTheAuditLogIsItselfAuditedFailuresToo) {
  v1::ListClientAccessRequest read;
  read.set_client_id("cli-r");
  v1::ListAccessResponse resp;
  ASSERT_TRUE(
      Call(&v1::AuditService::Stub::ListClientAccess, read, &resp).ok());
  v1::ListClientAccessRequest backwards = read;
  *backwards.mutable_from_time() = ToProtoTime(kApril);
  *backwards.mutable_to_time() = ToProtoTime(March(1, 0));
  EXPECT_EQ(Call(&v1::AuditService::Stub::ListClientAccess, backwards, &resp)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Both reads come back as records of this client's log (the polls that
  // wait for them are reads too, after until_asked's to_time).
  v1::ListClientAccessRequest until_asked = read;
  *until_asked.mutable_to_time() = ToProtoTime(absl::Now());
  const v1::ListAccessResponse log = ClientsOnce(until_asked, 2);
  ASSERT_EQ(log.records_size(), 2);
  std::vector<std::string> outcomes;
  for (const auto& r : log.records()) {
    EXPECT_EQ(r.method(), "lov.audit.v1.AuditService/ListClientAccess");
    EXPECT_EQ(r.kind(), auth::v1::AUDIT_KIND_AUDIT_READ);
    outcomes.push_back(r.outcome());
  }
  std::sort(outcomes.begin(), outcomes.end());
  EXPECT_EQ(outcomes, (std::vector<std::string>{"INVALID_ARGUMENT", "OK"}));
}

TEST_F(AuditServiceTest, BadQueriesGetInvalidArgumentNamingTheField) {
  v1::ListAccessResponse resp;
  v1::ListClientAccessRequest no_client;
  grpc::Status s =
      Call(&v1::AuditService::Stub::ListClientAccess, no_client, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("client_id"), std::string::npos);

  v1::ListClientAccessRequest personnummer;
  personnummer.set_client_id("19121212-1212");
  s = Call(&v1::AuditService::Stub::ListClientAccess, personnummer, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("personal identity number"),
            std::string::npos);
  EXPECT_EQ(s.error_message().find("1212"), std::string::npos);

  v1::ListActorAccessRequest forged;
  forged.set_subject(kCaseOfficer);
  forged.set_page_token("forged");
  s = Call(&v1::AuditService::Stub::ListActorAccess, forged, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_token"), std::string::npos);
}

TEST_F(AuditServiceTest, KilledAndWipedServiceRebuildsTheLogFromKafka) {
  for (int day = 1; day <= 3; ++day) {
    Publish(CaseOfficerRead({"cli-w"}, March(day, 9)));
  }
  const v1::ListAccessResponse before = ClientsOnce(ClientInMarch("cli-w"), 3);
  ASSERT_EQ(before.records_size(), 3);

  service_->Kill();
  absl::StatusOr<int> wiped =
      ::lov::testing::WipeRedisKeys(ns_ + ":lov:audit:*");
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  ASSERT_GT(*wiped, 0);

  ASSERT_TRUE(service_->Start().ok()) << service_->Log();
  Connect();
  v1::ListAccessResponse after;
  ASSERT_TRUE(Call(&v1::AuditService::Stub::ListClientAccess,
                   ClientInMarch("cli-w"), &after)
                  .ok());
  EXPECT_EQ(SerializeDeterministic(after), SerializeDeterministic(before));
  EXPECT_NE(service_->Log().find("state rebuilt"), std::string::npos);
}

}  // namespace
}  // namespace lov::audit
