// AuditApp on memory: a store with the Redis store's semantics (a record
// kept once per record id; per client and per subject an index ordered by
// time in microseconds, then record id). Expected values by hand.
#include "lov/audit/app/audit_app.h"

#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/audit/domain/audit_record.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "status_matchers.h"

namespace lov::audit {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ------------------------------------------------------------ fakes

class FakeAuditStore : public AuditStore {
 public:
  absl::Status Apply(const auth::v1::AuditRecord& record) override {
    if (records_.count(record.record_id())) return absl::OkStatus();
    records_[record.record_id()] = record;
    const Entry entry{IndexMicros(FromProtoTime(record.at())),
                      record.record_id()};
    for (const std::string& client : record.client_ids()) {
      if (!client.empty())
        index_[{AccessIndex::kByClient, client}].insert(entry);
    }
    if (!record.actor().subject().empty()) {
      index_[{AccessIndex::kByActor, record.actor().subject()}].insert(entry);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<auth::v1::AuditRecord>> Scan(
      AccessIndex index, const std::string& key, const ScanRange& range,
      int limit) override {
    if (!scan_error_.ok()) return scan_error_;
    limits_.push_back(limit);
    std::vector<auth::v1::AuditRecord> out;
    const std::set<Entry>& entries = index_[{index, key}];
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      const auto& [micros, id] = *it;
      const bool given = !range.before_id.empty() &&
                         micros == range.newest_micros && id >= range.before_id;
      if (micros > range.newest_micros || micros < range.oldest_micros ||
          given) {
        continue;
      }
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(records_.at(id));
    }
    return out;
  }

  absl::StatusOr<std::optional<auth::v1::AuditRecord>> Get(
      const std::string& record_id) override {
    auto it = records_.find(record_id);
    if (it == records_.end()) return std::nullopt;
    return it->second;
  }

  absl::Status ApplyCorrection(
      const auth::v1::AuditRecord& corrected,
      const auth::v1::AuditRecord& correction) override {
    if (records_.count(correction.record_id())) return absl::OkStatus();
    records_[correction.record_id()] = correction;  // not indexed
    auto it = records_.find(corrected.record_id());
    if (it != records_.end()) it->second = corrected;
    return absl::OkStatus();
  }

  absl::Status KeepEarlyConfirmation(
      const auth::v1::AuditRecord& confirmation) override {
    early_.emplace(confirmation.confirms_record_id(), confirmation);
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<auth::v1::AuditRecord>> EarlyConfirmation(
      const std::string& record_id) override {
    auto it = early_.find(record_id);
    if (it == early_.end()) return std::nullopt;
    return it->second;
  }

  size_t size() const { return records_.size(); }
  const auth::v1::AuditRecord& record(const std::string& id) const {
    return records_.at(id);
  }
  // The limits the queries asked for.
  const std::vector<int>& limits() const { return limits_; }
  void FailScans(absl::Status error) { scan_error_ = std::move(error); }

 private:
  using Entry = std::tuple<int64_t, std::string>;
  std::map<std::string, auth::v1::AuditRecord> records_;
  std::map<std::string, auth::v1::AuditRecord> early_;  // by confirmed id
  std::map<std::pair<AccessIndex, std::string>, std::set<Entry>> index_;
  std::vector<int> limits_;
  absl::Status scan_error_;
};

// ------------------------------------------------------------ builders

constexpr char kCaseOfficer[] = "SE2321000016-1001";
constexpr char kOtherOfficer[] = "SE2321000016-1002";
constexpr char kGetClient[] = "lov.choice.v1.ChoiceService/GetClient";
constexpr char kClientContext[] =
    "lov.visits.v1.VisitsService/GetClientContext";
// The tax agency's published test personnummer.
constexpr char kTestPersonnummer[] = "19121212-1212";

// Stockholm wall-clock time in March 2025.
absl::Time March(int day, int hour, int minute = 0) {
  return FromStockholm(absl::CivilSecond(2025, 3, day, hour, minute, 0));
}

google::protobuf::Timestamp Stamp(absl::Time t) { return ToProtoTime(t); }

auth::v1::AuditRecord ClientRead(const std::string& record_id,
                                 const std::string& subject,
                                 std::vector<std::string> clients,
                                 absl::Time at,
                                 const std::string& method = kGetClient) {
  auth::v1::AuditRecord r;
  r.set_record_id(record_id);
  *r.mutable_at() = ToProtoTime(at);
  r.mutable_actor()->set_subject(subject);
  r.mutable_actor()->set_role(auth::v1::ROLE_CASE_OFFICER);
  r.mutable_actor()->set_organisation("Norrtälje kommun");
  r.set_method(method);
  r.set_kind(auth::v1::AUDIT_KIND_CLIENT_READ);
  for (auto& c : clients) r.add_client_ids(std::move(c));
  r.set_outcome("OK");
  return r;
}

// As the platform's KafkaAuditSink writes it.
CloudEvent AsCloudEvent(const auth::v1::AuditRecord& record) {
  CloudEvent ce;
  ce.id = record.record_id();
  ce.type = "se.lov.audit.v1.access_recorded";
  ce.source = "/lov/choice";
  ce.subject = record.actor().subject();
  ce.key = ce.subject;
  ce.time = FromProtoTime(record.at());
  ce.data = SerializeDeterministic(record);
  return ce;
}

v1::ListClientAccessRequest ClientQuery(const std::string& client_id) {
  v1::ListClientAccessRequest r;
  r.set_client_id(client_id);
  return r;
}

v1::ListActorAccessRequest ActorQuery(const std::string& subject) {
  v1::ListActorAccessRequest r;
  r.set_subject(subject);
  return r;
}

std::vector<std::string> RecordIds(const v1::ListAccessResponse& response) {
  std::vector<std::string> out;
  for (const auto& r : response.records()) out.push_back(r.record_id());
  return out;
}

class AuditAppTest : public ::testing::Test {
 protected:
  void Record(const auth::v1::AuditRecord& record) {
    ASSERT_TRUE(app_.RecordAccess(AsCloudEvent(record)).ok());
  }

  v1::ListAccessResponse Clients(const v1::ListClientAccessRequest& request) {
    absl::StatusOr<v1::ListAccessResponse> out = app_.ListClientAccess(request);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::ListAccessResponse();
  }

  v1::ListAccessResponse Actors(const v1::ListActorAccessRequest& request) {
    absl::StatusOr<v1::ListAccessResponse> out = app_.ListActorAccess(request);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::ListAccessResponse();
  }

  FakeAuditStore store_;
  AuditApp app_{&store_};
};

// ------------------------------------------------------------ records

TEST_F(AuditAppTest, ARecordIsFoundByEachOfItsClientsAndByItsActor) {
  Record(ClientRead("rec-1", kCaseOfficer, {"cli-1", "cli-2"}, March(3, 9)));
  EXPECT_THAT(RecordIds(Clients(ClientQuery("cli-1"))), ElementsAre("rec-1"));
  EXPECT_THAT(RecordIds(Clients(ClientQuery("cli-2"))), ElementsAre("rec-1"));
  const v1::ListAccessResponse mine = Actors(ActorQuery(kCaseOfficer));
  ASSERT_EQ(mine.records_size(), 1);
  EXPECT_EQ(mine.records(0).method(), kGetClient);
  EXPECT_EQ(mine.records(0).actor().organisation(), "Norrtälje kommun");
  EXPECT_EQ(mine.next_page_token(), "");
  EXPECT_THAT(Clients(ClientQuery("cli-3")).records(), IsEmpty());
}

TEST_F(AuditAppTest, ARedeliveredRecordIsKeptOnce) {
  const auth::v1::AuditRecord read =
      ClientRead("rec-1", kCaseOfficer, {"cli-1"}, March(3, 9));
  Record(read);
  Record(read);
  // Another record under the same id changes nothing.
  Record(ClientRead("rec-1", kOtherOfficer, {"cli-9"}, March(4, 9)));
  EXPECT_EQ(store_.size(), 1u);
  EXPECT_THAT(RecordIds(Clients(ClientQuery("cli-1"))), ElementsAre("rec-1"));
  EXPECT_THAT(Clients(ClientQuery("cli-9")).records(), IsEmpty());
  EXPECT_THAT(Actors(ActorQuery(kOtherOfficer)).records(), IsEmpty());
}

// A read whose record said OK while its answer was withheld (the record
// was acknowledged after the caller's deadline, Kafka paused) is listed
// once, with the outcome of its correction; a correction of a record that
// was never stored is listed on its own.
TEST_F(AuditAppTest, ACorrectionGivesTheCallItsRealOutcomeListedOnce) {
  Record(ClientRead("rec-1", kCaseOfficer, {"cli-1"}, March(3, 9)));
  auth::v1::AuditRecord correction =
      ClientRead("rec-2", kCaseOfficer, {"cli-1"}, March(3, 9, 1));
  correction.set_outcome("DEADLINE_EXCEEDED");
  correction.set_corrects_record_id("rec-1");
  Record(correction);
  Record(correction);  // redelivered: no change

  const v1::ListAccessResponse listed = Clients(ClientQuery("cli-1"));
  ASSERT_EQ(listed.records_size(), 1);
  EXPECT_EQ(listed.records(0).record_id(), "rec-1");
  EXPECT_EQ(listed.records(0).outcome(), "DEADLINE_EXCEEDED");
  EXPECT_THAT(RecordIds(Actors(ActorQuery(kCaseOfficer))),
              ElementsAre("rec-1"));
  EXPECT_EQ(store_.record("rec-2").corrects_record_id(), "rec-1");

  // The record it corrects never landed (its write failed for certain).
  auth::v1::AuditRecord alone =
      ClientRead("rec-4", kCaseOfficer, {"cli-2"}, March(3, 10));
  alone.set_outcome("UNAVAILABLE");
  alone.set_corrects_record_id("rec-3");
  Record(alone);
  const v1::ListAccessResponse only = Clients(ClientQuery("cli-2"));
  ASSERT_EQ(only.records_size(), 1);
  EXPECT_EQ(only.records(0).record_id(), "rec-4");
  EXPECT_EQ(only.records(0).outcome(), "UNAVAILABLE");
}

// ------------------------------------------------------------ confirmations

// A record written before its answer (outcome_pending, "OK") and what
// follows it: a confirmation (the answer went out), a correction (it did
// not), or nothing (the service died in between).
auth::v1::AuditRecord PendingRead(const std::string& record_id,
                                  const std::string& client, absl::Time at) {
  auth::v1::AuditRecord r = ClientRead(record_id, kCaseOfficer, {client}, at);
  r.set_outcome_pending(true);
  return r;
}

auth::v1::AuditRecord ConfirmationOf(const auth::v1::AuditRecord& record,
                                     const std::string& record_id) {
  auth::v1::AuditRecord c = record;
  c.set_record_id(record_id);
  c.set_outcome_pending(false);
  c.set_confirms_record_id(record.record_id());
  return c;
}

// The one outcome the client's log lists, with the one record id.
std::string OnlyOutcome(const v1::ListAccessResponse& listed,
                        const std::string& record_id) {
  EXPECT_EQ(listed.records_size(), 1);
  if (listed.records_size() != 1)
    return "(listed " + std::to_string(listed.records_size()) + " records)";
  EXPECT_EQ(listed.records(0).record_id(), record_id);
  return listed.records(0).outcome();
}

TEST_F(AuditAppTest, APendingRecordNeverConfirmedReadsUnknown) {
  Record(PendingRead("rec-1", "cli-1", March(3, 9)));
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "UNKNOWN");
  EXPECT_EQ(OnlyOutcome(Actors(ActorQuery(kCaseOfficer)), "rec-1"), "UNKNOWN");
  EXPECT_TRUE(store_.record("rec-1").outcome_pending());
}

TEST_F(AuditAppTest, AConfirmedRecordReadsItsOutcomeListedOnce) {
  const auth::v1::AuditRecord read = PendingRead("rec-1", "cli-1", March(3, 9));
  Record(read);
  Record(ConfirmationOf(read, "conf-1"));
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "OK");
  EXPECT_EQ(OnlyOutcome(Actors(ActorQuery(kCaseOfficer)), "rec-1"), "OK");
  EXPECT_FALSE(store_.record("rec-1").outcome_pending());
  EXPECT_EQ(store_.record("conf-1").confirms_record_id(), "rec-1");
  // The record redelivered after its confirmation changes nothing.
  Record(read);
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "OK");
}

TEST_F(AuditAppTest, ACorrectedPendingRecordReadsTheCorrection) {
  const auth::v1::AuditRecord read = PendingRead("rec-1", "cli-1", March(3, 9));
  Record(read);
  auth::v1::AuditRecord correction = read;
  correction.set_record_id("cor-1");
  correction.set_outcome_pending(false);
  correction.set_outcome("CANCELLED");
  correction.set_corrects_record_id("rec-1");
  Record(correction);
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "CANCELLED");
  // A confirmation after it does not undo the correction.
  Record(ConfirmationOf(read, "conf-1"));
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "CANCELLED");
  EXPECT_FALSE(store_.record("rec-1").outcome_pending());
}

TEST_F(AuditAppTest, AConfirmationBeforeItsRecordIsKeptUntilItArrives) {
  const auth::v1::AuditRecord read = PendingRead("rec-1", "cli-1", March(3, 9));
  Record(ConfirmationOf(read, "conf-1"));
  // Not listed on its own: it is no access of its own.
  EXPECT_THAT(Clients(ClientQuery("cli-1")).records(), IsEmpty());
  EXPECT_THAT(Actors(ActorQuery(kCaseOfficer)).records(), IsEmpty());
  Record(read);
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "OK");
  EXPECT_FALSE(store_.record("rec-1").outcome_pending());
}

TEST_F(AuditAppTest, ADuplicateConfirmationChangesNothing) {
  const auth::v1::AuditRecord read = PendingRead("rec-1", "cli-1", March(3, 9));
  Record(read);
  const auth::v1::AuditRecord confirmation = ConfirmationOf(read, "conf-1");
  Record(confirmation);
  Record(confirmation);  // redelivered
  // Another try of the same confirmation stored twice under a new id
  // would change nothing either.
  Record(ConfirmationOf(read, "conf-2"));
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "OK");
  EXPECT_EQ(store_.size(), 2u);  // rec-1 and conf-1
}

// Records written before outcome_pending existed keep their outcome, and a
// refusal (never pending) reads as written.
TEST_F(AuditAppTest, ARecordThatIsNotPendingReadsAsWritten) {
  Record(ClientRead("rec-1", kCaseOfficer, {"cli-1"}, March(3, 9)));
  auth::v1::AuditRecord refused =
      ClientRead("rec-2", kCaseOfficer, {"cli-2"}, March(3, 9));
  refused.set_outcome("PERMISSION_DENIED");
  Record(refused);
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-1")), "rec-1"), "OK");
  EXPECT_EQ(OnlyOutcome(Clients(ClientQuery("cli-2")), "rec-2"),
            "PERMISSION_DENIED");
}

TEST_F(AuditAppTest, APoisonMessageIsRefusedAndNothingKept) {
  CloudEvent garbage;
  garbage.id = "ce-1";
  garbage.type = "se.lov.audit.v1.access_recorded";
  garbage.data = "\xff\xff not a record";
  EXPECT_TRUE(IsError(app_.RecordAccess(garbage),
                      absl::StatusCode::kInvalidArgument,
                      {"lov.auth.v1.AuditRecord"}));
  CloudEvent no_id =
      AsCloudEvent(ClientRead("", kCaseOfficer, {"cli-1"}, March(3, 9)));
  EXPECT_TRUE(IsError(app_.RecordAccess(no_id),
                      absl::StatusCode::kInvalidArgument, {"record_id"}));
  CloudEvent other_id =
      AsCloudEvent(ClientRead("rec-1", kCaseOfficer, {"cli-1"}, March(3, 9)));
  other_id.id = "rec-2";
  EXPECT_TRUE(IsError(app_.RecordAccess(other_id),
                      absl::StatusCode::kInvalidArgument,
                      {"record_id 'rec-1' differs from ce_id 'rec-2'"}));
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(AuditAppTest, APersonnummerInARecordIsRedactedBeforeItIsKept) {
  // A case officer typed the personnummer where the client id belongs.
  auth::v1::AuditRecord typed =
      ClientRead("rec-1", kCaseOfficer, {kTestPersonnummer}, March(3, 9));
  typed.set_outcome("NOT_FOUND");
  Record(typed);
  EXPECT_THAT(store_.record("rec-1").client_ids(), ElementsAre(kRedacted));
  const v1::ListAccessResponse mine = Actors(ActorQuery(kCaseOfficer));
  ASSERT_EQ(mine.records_size(), 1);
  EXPECT_EQ(mine.records(0).outcome(), "NOT_FOUND");
  EXPECT_THAT(mine.records(0).client_ids(), ElementsAre(kRedacted));
}

// ------------------------------------------------------------ queries

TEST_F(AuditAppTest, WhoHasLookedAtAClientNewestFirst) {
  Record(ClientRead("rec-a", kCaseOfficer, {"cli-1"}, March(3, 9)));
  Record(ClientRead("rec-b", kOtherOfficer, {"cli-1"}, March(5, 14),
                    kClientContext));
  Record(ClientRead("rec-c", kCaseOfficer, {"cli-2"}, March(6, 8)));
  Record(ClientRead("rec-d", kCaseOfficer, {"cli-1", "cli-2"}, March(4, 10)));
  const v1::ListAccessResponse looked = Clients(ClientQuery("cli-1"));
  EXPECT_THAT(RecordIds(looked), ElementsAre("rec-b", "rec-d", "rec-a"));
  EXPECT_EQ(looked.records(0).actor().subject(), kOtherOfficer);
  EXPECT_EQ(looked.records(0).method(), kClientContext);
}

TEST_F(AuditAppTest, WhatAUserAccessedInAPeriod) {
  Record(ClientRead("rec-feb", kCaseOfficer, {"cli-1"},
                    FromStockholm(absl::CivilSecond(2025, 2, 28, 23, 59, 59))));
  Record(ClientRead("rec-mar-1", kCaseOfficer, {"cli-1"}, March(1, 0)));
  Record(ClientRead("rec-mar-15", kCaseOfficer, {"cli-2", "cli-3"},
                    March(15, 12)));
  Record(ClientRead("rec-other", kOtherOfficer, {"cli-2"}, March(15, 12)));
  Record(ClientRead("rec-apr", kCaseOfficer, {"cli-4"},
                    FromStockholm(absl::CivilSecond(2025, 4, 1, 0, 0, 0))));
  // March in Stockholm: from the 1st 00:00 (in) to April 1st 00:00 (out).
  v1::ListActorAccessRequest march = ActorQuery(kCaseOfficer);
  *march.mutable_from_time() = Stamp(March(1, 0));
  *march.mutable_to_time() =
      Stamp(FromStockholm(absl::CivilSecond(2025, 4, 1, 0, 0, 0)));
  const v1::ListAccessResponse accessed = Actors(march);
  EXPECT_THAT(RecordIds(accessed), ElementsAre("rec-mar-15", "rec-mar-1"));
  EXPECT_THAT(accessed.records(0).client_ids(), ElementsAre("cli-2", "cli-3"));
  // Only a lower bound: everything since.
  v1::ListActorAccessRequest since = ActorQuery(kCaseOfficer);
  *since.mutable_from_time() = Stamp(March(2, 0));
  EXPECT_THAT(RecordIds(Actors(since)), ElementsAre("rec-apr", "rec-mar-15"));
}

TEST_F(AuditAppTest, PagesFollowEachOtherWithoutGapsOrRepeats) {
  // Seven reads of one client; three of them in the same microsecond.
  for (int day = 1; day <= 4; ++day) {
    Record(ClientRead("rec-day" + std::to_string(day), kCaseOfficer, {"cli-1"},
                      March(day, 9)));
  }
  for (const char* id : {"rec-x", "rec-y", "rec-z"}) {
    Record(ClientRead(id, kOtherOfficer, {"cli-1"}, March(2, 12)));
  }
  v1::ListClientAccessRequest query = ClientQuery("cli-1");
  query.set_page_size(3);
  const v1::ListAccessResponse first = Clients(query);
  EXPECT_THAT(RecordIds(first), ElementsAre("rec-day4", "rec-day3", "rec-z"));
  ASSERT_NE(first.next_page_token(), "");
  query.set_page_token(first.next_page_token());
  const v1::ListAccessResponse second = Clients(query);
  EXPECT_THAT(RecordIds(second), ElementsAre("rec-y", "rec-x", "rec-day2"));
  ASSERT_NE(second.next_page_token(), "");
  query.set_page_token(second.next_page_token());
  const v1::ListAccessResponse last = Clients(query);
  EXPECT_THAT(RecordIds(last), ElementsAre("rec-day1"));
  EXPECT_EQ(last.next_page_token(), "");
}

TEST_F(AuditAppTest, AFullLastPageHasNoNextToken) {
  Record(ClientRead("rec-1", kCaseOfficer, {"cli-1"}, March(1, 9)));
  Record(ClientRead("rec-2", kCaseOfficer, {"cli-1"}, March(2, 9)));
  v1::ListClientAccessRequest query = ClientQuery("cli-1");
  query.set_page_size(2);
  const v1::ListAccessResponse page = Clients(query);
  EXPECT_THAT(RecordIds(page), ElementsAre("rec-2", "rec-1"));
  EXPECT_EQ(page.next_page_token(), "");
}

TEST_F(AuditAppTest, PageSizeDefaultsTo100AndIsAtMost500) {
  Clients(ClientQuery("cli-1"));
  v1::ListClientAccessRequest most = ClientQuery("cli-1");
  most.set_page_size(500);
  Clients(most);
  // One more than the page, to know whether another follows.
  EXPECT_THAT(store_.limits(), ElementsAre(101, 501));
  // Above the maximum: refused with the limit named, nothing read.
  v1::ListClientAccessRequest huge = ClientQuery("cli-1");
  huge.set_page_size(10000);
  EXPECT_TRUE(IsError(app_.ListClientAccess(huge).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 10000 is above the maximum 500"}));
  EXPECT_THAT(store_.limits(), ElementsAre(101, 501));
}

TEST_F(AuditAppTest, BadQueriesNameTheField) {
  EXPECT_TRUE(IsError(app_.ListClientAccess(ClientQuery("")).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"client_id", "required"}));
  EXPECT_TRUE(IsError(app_.ListActorAccess(ActorQuery("")).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"subject", "required"}));
  EXPECT_TRUE(
      IsError(app_.ListClientAccess(ClientQuery(kTestPersonnummer)).status(),
              absl::StatusCode::kInvalidArgument,
              {"client_id", "personal identity number"}));
  v1::ListClientAccessRequest backwards = ClientQuery("cli-1");
  *backwards.mutable_from_time() = Stamp(March(2, 0));
  *backwards.mutable_to_time() = Stamp(March(1, 0));
  EXPECT_TRUE(IsError(app_.ListClientAccess(backwards).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"to_time", "after from_time"}));
  v1::ListActorAccessRequest negative = ActorQuery(kCaseOfficer);
  negative.set_page_size(-5);
  EXPECT_TRUE(IsError(app_.ListActorAccess(negative).status(),
                      absl::StatusCode::kInvalidArgument, {"page_size"}));
  v1::ListActorAccessRequest forged = ActorQuery(kCaseOfficer);
  forged.set_page_token("not-a-token");
  EXPECT_TRUE(IsError(app_.ListActorAccess(forged).status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
  EXPECT_THAT(store_.limits(), IsEmpty());
}

TEST_F(AuditAppTest, AStoreFailureIsPassedOn) {
  store_.FailScans(absl::UnavailableError("redis: connection refused"));
  EXPECT_TRUE(IsError(app_.ListClientAccess(ClientQuery("cli-1")).status(),
                      absl::StatusCode::kUnavailable, {"redis"}));
}

}  // namespace
}  // namespace lov::audit
