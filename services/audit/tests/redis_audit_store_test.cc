// The audit store's Redis scripts against the real Redis (the app's tests
// use a fake with the same semantics): a correction gives the record it
// names its outcome in one step, leaves the record's index entries as they
// are (the call is listed once), is kept under its own id unindexed, and
// is applied once however often it is delivered; a correction of a record
// never kept creates no record under that id; a pending record reads
// UNKNOWN until its confirmation.
#include "lov/audit/adapters/redis_audit_store.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/audit/app/audit_app.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "test_stack.h"

namespace lov::audit {
namespace {

constexpr char kCaseOfficer[] = "SE2321000016-1001";

auth::v1::AuditRecord ClientRead(const std::string& id,
                                 const std::string& client, absl::Time at) {
  auth::v1::AuditRecord r;
  r.set_record_id(id);
  *r.mutable_at() = ToProtoTime(at);
  r.mutable_actor()->set_subject(kCaseOfficer);
  r.mutable_actor()->set_role(auth::v1::ROLE_CASE_OFFICER);
  r.set_method("lov.visits.v1.VisitsService/GetVisit");
  r.set_kind(auth::v1::AUDIT_KIND_CLIENT_READ);
  r.add_client_ids(client);
  r.set_outcome("OK");
  return r;
}

auth::v1::AuditRecord CorrectionOf(const auth::v1::AuditRecord& record,
                                   const std::string& id,
                                   const std::string& outcome) {
  auth::v1::AuditRecord c = record;
  c.set_record_id(id);
  *c.mutable_at() = ToProtoTime(FromProtoTime(record.at()) + absl::Seconds(1));
  c.set_outcome(outcome);
  c.set_corrects_record_id(record.record_id());
  return c;
}

// As the platform's KafkaAuditSink sends it (ce_id = record_id).
CloudEvent Delivered(const auth::v1::AuditRecord& r) {
  CloudEvent ce;
  ce.id = r.record_id();
  ce.type = "se.lov.audit.v1.access_recorded";
  ce.data = SerializeDeterministic(r);
  return ce;
}

class RedisAuditStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = ::lov::testing::Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    prefix_ = "t" + NewUuid().substr(0, 8) + ":lov:audit";
    store_ = std::make_unique<RedisAuditStore>(redis_.get(), prefix_);
  }

  // Every record the index holds for `key`, newest first.
  std::vector<auth::v1::AuditRecord> Listed(AccessIndex index,
                                            const std::string& key) {
    ScanRange all{std::numeric_limits<int64_t>::max(),
                  std::numeric_limits<int64_t>::min(), ""};
    auto got = store_->Scan(index, key, all, 100);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : std::vector<auth::v1::AuditRecord>{};
  }

  std::string Outcome(const std::string& id) {
    auto got = store_->Get(id);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || !got->has_value()) return "(none)";
    return (*got)->outcome();
  }

  int64_t IndexSize(const std::string& index_key) {
    auto n = redis_->Command({"ZCARD", prefix_ + ":" + index_key});
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? n->integer : -1;
  }

  std::unique_ptr<RedisClient> redis_;
  std::string prefix_;
  std::unique_ptr<RedisAuditStore> store_;
};

TEST_F(RedisAuditStoreTest, ACorrectionGivesTheRecordItsOutcomeListedOnce) {
  AuditApp app(store_.get());
  const absl::Time nine = absl::FromUnixSeconds(1741000000);
  const auth::v1::AuditRecord read = ClientRead("rec-1", "cli-1", nine);
  ASSERT_TRUE(app.RecordAccess(Delivered(read)).ok());
  ASSERT_EQ(Outcome("rec-1"), "OK");

  const auth::v1::AuditRecord correction =
      CorrectionOf(read, "rec-2", "DEADLINE_EXCEEDED");
  ASSERT_TRUE(app.RecordAccess(Delivered(correction)).ok());
  EXPECT_EQ(Outcome("rec-1"), "DEADLINE_EXCEEDED");
  // Listed once, by client and by person, under the first record's id and
  // time, with the real outcome.
  for (const auto& [index, key] :
       std::vector<std::pair<AccessIndex, std::string>>{
           {AccessIndex::kByClient, "cli-1"},
           {AccessIndex::kByActor, kCaseOfficer}}) {
    const std::vector<auth::v1::AuditRecord> listed = Listed(index, key);
    ASSERT_EQ(listed.size(), 1u) << key;
    EXPECT_EQ(listed[0].record_id(), "rec-1");
    EXPECT_EQ(listed[0].outcome(), "DEADLINE_EXCEEDED");
    EXPECT_EQ(FromProtoTime(listed[0].at()), nine);
    EXPECT_TRUE(listed[0].corrects_record_id().empty());
  }
  EXPECT_EQ(IndexSize("by-client:cli-1"), 1);
  EXPECT_EQ(IndexSize(absl::StrCat("by-actor:", kCaseOfficer)), 1);
  // The correction itself is kept, as it came.
  auto kept = store_->Get("rec-2");
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->corrects_record_id(), "rec-1");
  EXPECT_EQ((*kept)->outcome(), "DEADLINE_EXCEEDED");

  // Redelivered, and a second correction under the same id with another
  // outcome (a forged or mixed-up one): the first correction stands.
  ASSERT_TRUE(app.RecordAccess(Delivered(correction)).ok());
  ASSERT_TRUE(store_
                  ->ApplyCorrection(CorrectionOf(read, "rec-1", "CANCELLED"),
                                    CorrectionOf(read, "rec-2", "CANCELLED"))
                  .ok());
  EXPECT_EQ(Outcome("rec-1"), "DEADLINE_EXCEEDED");
  EXPECT_EQ(Outcome("rec-2"), "DEADLINE_EXCEEDED");
  EXPECT_EQ(Listed(AccessIndex::kByClient, "cli-1").size(), 1u);
}

TEST_F(RedisAuditStoreTest, ACorrectionOfARecordNeverKeptCreatesNone) {
  const absl::Time ten = absl::FromUnixSeconds(1741003600);
  const auth::v1::AuditRecord lost = ClientRead("rec-3", "cli-2", ten);
  // The store alone: the record it names is not there, and the script does
  // not make it (SET ... XX).
  ASSERT_TRUE(store_
                  ->ApplyCorrection(CorrectionOf(lost, "rec-3", "UNAVAILABLE"),
                                    CorrectionOf(lost, "rec-4", "UNAVAILABLE"))
                  .ok());
  EXPECT_EQ(Outcome("rec-3"), "(none)");
  EXPECT_EQ(Outcome("rec-4"), "UNAVAILABLE");
  EXPECT_TRUE(Listed(AccessIndex::kByClient, "cli-2").empty());

  // Through the app: such a correction stands as the call's only record,
  // listed under its own id.
  AuditApp app(store_.get());
  const auth::v1::AuditRecord other = ClientRead("rec-5", "cli-3", ten);
  ASSERT_TRUE(
      app.RecordAccess(Delivered(CorrectionOf(other, "rec-6", "UNAVAILABLE")))
          .ok());
  const std::vector<auth::v1::AuditRecord> listed =
      Listed(AccessIndex::kByClient, "cli-3");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].record_id(), "rec-6");
  EXPECT_EQ(listed[0].outcome(), "UNAVAILABLE");
  EXPECT_EQ(Outcome("rec-5"), "(none)");
}

// A pending client read and its confirmation.
std::pair<auth::v1::AuditRecord, auth::v1::AuditRecord> PendingAndConfirmation(
    const std::string& record_id, const std::string& confirmation_id,
    const std::string& client_id, absl::Time at) {
  auth::v1::AuditRecord read = ClientRead(record_id, client_id, at);
  read.set_outcome_pending(true);
  auth::v1::AuditRecord confirmation = read;
  confirmation.set_record_id(confirmation_id);
  confirmation.set_outcome_pending(false);
  confirmation.set_confirms_record_id(record_id);
  return {read, confirmation};
}

// Confirmations on the real Redis: a pending record reads UNKNOWN until its
// confirmation, which is kept unindexed (the call listed once, OK); a
// confirmation that comes first waits under the record's id until the
// record arrives, and redelivered it changes nothing.
TEST_F(RedisAuditStoreTest, APendingRecordReadsUnknownUntilItsConfirmation) {
  AuditApp app(store_.get());
  const absl::Time nine = absl::FromUnixSeconds(1741000000);
  const auto [read, confirmation] =
      PendingAndConfirmation("rec-7", "rec-8", "cli-7", nine);

  ASSERT_TRUE(app.RecordAccess(Delivered(read)).ok());
  EXPECT_EQ(Outcome("rec-7"), "UNKNOWN");
  ASSERT_TRUE(app.RecordAccess(Delivered(confirmation)).ok());
  ASSERT_TRUE(app.RecordAccess(Delivered(confirmation)).ok());
  EXPECT_EQ(Outcome("rec-7"), "OK");
  const std::vector<auth::v1::AuditRecord> listed =
      Listed(AccessIndex::kByClient, "cli-7");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].record_id(), "rec-7");
  EXPECT_FALSE(listed[0].outcome_pending());
  EXPECT_EQ(IndexSize("by-client:cli-7"), 1);

  // The confirmation first, then its record.
  const auto [late, early] =
      PendingAndConfirmation("rec-9", "rec-10", "cli-9", nine);
  ASSERT_TRUE(app.RecordAccess(Delivered(early)).ok());
  EXPECT_TRUE(Listed(AccessIndex::kByClient, "cli-9").empty());
  ASSERT_TRUE(app.RecordAccess(Delivered(late)).ok());
  EXPECT_EQ(Outcome("rec-9"), "OK");
  EXPECT_EQ(Listed(AccessIndex::kByClient, "cli-9").size(), 1u);
}

}  // namespace
}  // namespace lov::audit
