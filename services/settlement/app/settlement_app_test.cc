// SettlementApp's use cases on the fakes of settlement_app_test_support.h:
// arrange the stored inputs, run one use case, check its answer, the events
// it published and what it stored.
#include <limits>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app_test_support.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using test_support::JanuaryVisit;
using test_support::kOtherProvider;
using test_support::kProvider;
using test_support::PayloadsOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class SettlementAppTest : public test_support::SettlementAppFixture {};

// ------------------------------------------------------------ rate tables

TEST_F(SettlementAppTest, RateTableIsPublishedOnTheRatesAggregate) {
  absl::StatusOr<v1::RateTable> added =
      app_.AddRateTable(AddRates(testing::January2024()));
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->effective_date(), "2024-01-01");

  ASSERT_EQ(publisher_.events_.size(), 1u);
  const v1::SettlementEvent& e = publisher_.events_[0];
  EXPECT_EQ(e.payload_case(), v1::SettlementEvent::kRateTableVersionAdded);
  EXPECT_EQ(e.aggregate_id(), "rates");
  EXPECT_EQ(e.aggregate_version(), 1);
  EXPECT_FALSE(e.event_id().empty());
  EXPECT_EQ(FromProtoTime(e.occurred_at()), clock_.now_);
  EXPECT_EQ(e.request_id(), "");  // no request ids yet: natural keys
  EXPECT_THAT(store_.locked_, ElementsAre("rates"));

  absl::StatusOr<v1::ListRateTablesResponse> listed =
      app_.ListRateTables(v1::ListRateTablesRequest());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->tables_size(), 1);
  EXPECT_EQ(listed->tables(0).effective_date(), "2024-01-01");
}

TEST_F(SettlementAppTest, SameRateTableAgainIsReturnedAndNothingPublished) {
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  absl::StatusOr<v1::RateTable> again =
      app_.AddRateTable(AddRates(testing::January2024()));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(SerializeDeterministic(*again),
            SerializeDeterministic(testing::January2024()));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(SettlementAppTest, DifferentRateTableOnTheSameDateIsRefused) {
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  v1::RateTable dearer = testing::January2024();
  dearer.mutable_categories(0)->mutable_band_rates(0)->set_private_ore(52000);
  absl::StatusOr<v1::RateTable> refused = app_.AddRateTable(AddRates(dearer));
  EXPECT_TRUE(IsError(refused.status(), absl::StatusCode::kAlreadyExists,
                      {"table.effective_date: a different rate table already "
                       "starts on 2024-01-01"}));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

// A rate table's description travels in its event: no personnummer
// (701063-2391, a samordningsnummer, passes Luhn with a real date).
TEST_F(SettlementAppTest, RateTableDescriptionWithAPersonnummerIsRefused) {
  v1::RateTable table = testing::January2024();
  table.set_description("as agreed with 701063-2391");
  EXPECT_TRUE(IsError(
      app_.AddRateTable(AddRates(table)).status(),
      absl::StatusCode::kInvalidArgument,
      {"table.description: must not contain a personal identity number"}));
  EXPECT_TRUE(publisher_.events_.empty());
}

// Rates are bounded so that no statement can overflow 64-bit öre (and
// crash or pay a wrong amount): int64 max öre an hour is refused.
TEST_F(SettlementAppTest, RateTableThatWouldOverflowIsRefused) {
  v1::RateTable table = testing::January2024();
  table.mutable_categories(0)->mutable_band_rates(1)->set_private_ore(
      std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(IsError(app_.AddRateTable(AddRates(table)).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"table.categories[0].band_rates: rates must be "
                       "between 0 and 100000000 öre"}));
  table = testing::January2024();
  table.mutable_categories(0)->set_double_staffing_basis_points(100'001);
  EXPECT_TRUE(IsError(app_.AddRateTable(AddRates(table)).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"table.categories[0].double_staffing_basis_points"}));
  table = testing::January2024();
  table.mutable_categories(0)->set_listing_fee_in_house_ore(100'000'001);
  EXPECT_TRUE(IsError(app_.AddRateTable(AddRates(table)).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"table.categories[0].listing_fee: must be between 0 "
                       "and 100000000 öre"}));
  EXPECT_TRUE(publisher_.events_.empty());
  // The bound itself is a valid rate.
  table = testing::January2024();
  table.mutable_categories(0)->mutable_band_rates(1)->set_private_ore(
      100'000'000);
  EXPECT_TRUE(app_.AddRateTable(AddRates(table)).ok());
}

TEST_F(SettlementAppTest, RateTableStartingInAnApprovedMonthIsRefused) {
  SetUpJanuary();
  ASSERT_TRUE(PreviewAndApprove(kProvider, "2024-01").ok());
  const size_t published = publisher_.events_.size();

  v1::RateTable mid_january = testing::January2024();
  mid_january.set_effective_date("2024-01-15");
  absl::StatusOr<v1::RateTable> refused =
      app_.AddRateTable(AddRates(mid_january));
  EXPECT_TRUE(IsError(refused.status(), absl::StatusCode::kFailedPrecondition,
                      {"2024-01-15 falls in or before 2024-01, which is "
                       "already approved; a new table may start from "
                       "2024-02-01"}));
  EXPECT_EQ(publisher_.events_.size(), published);

  v1::RateTable february = testing::January2024();
  february.set_effective_date("2024-02-01");
  EXPECT_TRUE(app_.AddRateTable(AddRates(february)).ok());
}

// ------------------------------------------------------------ listing rule

TEST_F(SettlementAppTest, ListingRuleIsSetOnTheRatesAggregate) {
  v1::SetListingRuleRequest unspecified;
  EXPECT_EQ(app_.SetListingRule(unspecified).status().code(),
            absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  v1::SetListingRuleRequest on_15th;
  on_15th.mutable_rule()->set_kind(v1::LISTING_RULE_KIND_PROVIDER_ON_15TH);
  absl::StatusOr<v1::ListingRule> rule = app_.SetListingRule(on_15th);
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->kind(), v1::LISTING_RULE_KIND_PROVIDER_ON_15TH);

  ASSERT_EQ(publisher_.events_.size(), 2u);
  const v1::SettlementEvent& e = publisher_.events_[1];
  EXPECT_EQ(e.payload_case(), v1::SettlementEvent::kListingRuleSet);
  EXPECT_EQ(e.aggregate_id(), "rates");
  EXPECT_EQ(e.aggregate_version(), 2);  // after the rate table
  EXPECT_EQ(store_.GetListingRule()->kind(),
            v1::LISTING_RULE_KIND_PROVIDER_ON_15TH);
}

// ------------------------------------------------------------ one-off

// prv-a performed 2 h + 1.5 h in January (above), prv-b 1 h; prv-c's
// client was not at home. 100 001 öre by 12 600 : 3 600 seconds (7 : 2):
// 77 778.56 and 22 222.44, so 77 778 and 22 222 and the öre left over to the
// larger remainder, prv-a: 77 779 + 22 222 = 100 001. prv-c gets no share.
TEST_F(SettlementAppTest, OneOffIsSharedByPerformedTime) {
  SetUpJanuary();
  ASSERT_TRUE(store_
                  .PutVisit(JanuaryVisit(kOtherProvider, "v-b", "service",
                                         "2024-01-19T08:00:00Z",
                                         "2024-01-19T09:00:00Z"))
                  .ok());
  visits::v1::Visit absent =
      JanuaryVisit("prv-c", "v-c", "personal-care", "2024-01-19T08:00:00Z",
                   "2024-01-19T12:00:00Z");
  absent.set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
  ASSERT_TRUE(store_.PutVisit(absent).ok());

  absl::StatusOr<v1::OneOffPayment> paid =
      app_.CreateOneOffPayment(TransitionSupport());
  ASSERT_TRUE(paid.ok()) << paid.status();
  ASSERT_EQ(paid->shares_size(), 2);
  EXPECT_EQ(paid->shares(0).provider_id(), kProvider);
  EXPECT_EQ(paid->shares(0).weight(), 12600);
  EXPECT_EQ(paid->shares(0).amount_ore(), 77779);
  EXPECT_EQ(paid->shares(1).provider_id(), kOtherProvider);
  EXPECT_EQ(paid->shares(1).weight(), 3600);
  EXPECT_EQ(paid->shares(1).amount_ore(), 22222);

  ASSERT_EQ(publisher_.events_.size(), 1u);
  const v1::SettlementEvent& e = publisher_.events_[0];
  EXPECT_EQ(e.payload_case(), v1::SettlementEvent::kOneOffPaymentAllocated);
  EXPECT_EQ(e.aggregate_id(), "one-off/transition-2024");
  EXPECT_EQ(e.aggregate_version(), 1);
  ASSERT_EQ(store_.OneOffs()->size(), 1u);

  // Sent again: the same payment, nothing new.
  absl::StatusOr<v1::OneOffPayment> again =
      app_.CreateOneOffPayment(TransitionSupport());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->shares(0).amount_ore(), 77779);
  EXPECT_EQ(publisher_.events_.size(), 1u);

  v1::CreateOneOffPaymentRequest other_sum = TransitionSupport();
  other_sum.set_total_ore(200000);
  absl::StatusOr<v1::OneOffPayment> reused =
      app_.CreateOneOffPayment(other_sum);
  EXPECT_TRUE(IsError(reused.status(), absl::StatusCode::kAlreadyExists,
                      {"payment_id: 'transition-2024' is already used"}));
}

TEST_F(SettlementAppTest, OneOffInAnApprovedMonthIsRefused) {
  SetUpJanuary();
  ASSERT_TRUE(PreviewAndApprove(kProvider, "2024-01").ok());
  publisher_.events_.clear();
  absl::StatusOr<v1::OneOffPayment> refused =
      app_.CreateOneOffPayment(TransitionSupport(/*paid_in=*/"2024-01"));
  EXPECT_TRUE(IsError(refused.status(), absl::StatusCode::kFailedPrecondition,
                      {"paid_in_period: 2024-01 is already approved for "
                       "provider 'prv-a'"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
  EXPECT_THAT(*store_.OneOffs(), IsEmpty());
}

// ------------------------------------------------------------ preview

// A preview is a read: it publishes nothing (approval recomputes and checks
// the digest the preview showed).
TEST_F(SettlementAppTest, PreviewComputesTheMonthAndPublishesNothing) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok()) << preview.status();
  EXPECT_EQ(preview->status(), v1::STATEMENT_STATUS_PREVIEW);
  EXPECT_EQ(preview->statement_id(), "prv-a/2024-01");
  EXPECT_EQ(preview->net_ore(), 164700);
  EXPECT_EQ(preview->vat_ore(), 15375);
  EXPECT_EQ(preview->total_ore(), 180075);
  EXPECT_EQ(preview->performed_seconds(), 3 * 3600 + 1800);
  ASSERT_EQ(preview->lines_size(), 3);
  EXPECT_EQ(preview->lines(0).amount_ore(), 103200);  // personal care
  EXPECT_EQ(preview->lines(1).amount_ore(), 61500);   // service
  EXPECT_EQ(preview->lines(2).kind(), v1::LINE_KIND_VAT);

  EXPECT_THAT(publisher_.events_, IsEmpty());
  // A preview takes no lock (an approval never holds it up).
  EXPECT_THAT(store_.locked_, ElementsAre("rates"));
}

TEST_F(SettlementAppTest, PreviewOfAProviderNotInTheRegistryIsNotFound) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview("prv-unknown", "2024-01");
  EXPECT_TRUE(IsError(preview.status(), absl::StatusCode::kNotFound,
                      {"provider_id: 'prv-unknown' is not known"}));
  EXPECT_EQ(Preview(kProvider, "2024-1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

// ------------------------------------------------------------ approve

// Sources of January's lines, in line order: "v-care@1" (8 bytes),
// "v-service@1" (11) and the VAT line's "category:service" (16); at most 16
// bytes a part gives three parts, one a line.
TEST_F(SettlementAppTest, ApprovalRecordsTheSourcesThenTheStatement) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok()) << preview.status();
  publisher_.events_.clear();

  absl::StatusOr<v1::Statement> approved =
      app_.ApproveStatement(ApprovalOf(*preview));
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_EQ(approved->approved_by(), "controller-1");
  EXPECT_EQ(FromProtoTime(approved->approved_at()), clock_.now_);
  EXPECT_EQ(approved->total_ore(), 180075);

  EXPECT_THAT(PayloadsOf(publisher_.events_),
              // Three parts of line sources, two of the month's visit
              // versions (16-byte parts in these tests), one of the fee
              // basis, the approval.
              ElementsAre(v1::SettlementEvent::kStatementSourcesRecorded,
                          v1::SettlementEvent::kStatementSourcesRecorded,
                          v1::SettlementEvent::kStatementSourcesRecorded,
                          v1::SettlementEvent::kStatementSourcesRecorded,
                          v1::SettlementEvent::kStatementSourcesRecorded,
                          v1::SettlementEvent::kFeeBasisRecorded,
                          v1::SettlementEvent::kStatementApproved));
  for (size_t i = 0; i < publisher_.events_.size(); ++i) {
    EXPECT_EQ(publisher_.events_[i].aggregate_id(), "prv-a/2024-01");
    // The approval's events are the statement's first: previews publish
    // none.
    EXPECT_EQ(publisher_.events_[i].aggregate_version(),
              static_cast<int64_t>(1 + i));
  }
  const v1::StatementApproved& fixed =
      publisher_.events_.back().statement_approved();
  EXPECT_EQ(fixed.source_parts(), 5);
  EXPECT_EQ(fixed.fee_basis_parts(), 1);
  EXPECT_FALSE(fixed.has_fee_basis()) << "the fee basis is in its parts";
  const v1::FeeBasisRecorded& fee = publisher_.events_[5].fee_basis_recorded();
  EXPECT_EQ(fee.part(), 1);
  EXPECT_EQ(fee.parts(), 1);
  EXPECT_EQ(fee.basis().performed_seconds(), approved->performed_seconds());
  EXPECT_TRUE(fixed.visit_versions_recorded());
  EXPECT_THAT(
      publisher_.events_[3].statement_sources_recorded().visit_versions(),
      ElementsAre("v-care@1"));
  EXPECT_THAT(
      publisher_.events_[4].statement_sources_recorded().visit_versions(),
      ElementsAre("v-service@1"));
  EXPECT_EQ(fixed.digest(), preview->digest());
  EXPECT_THAT(fixed.statement().lines(0).sources(), IsEmpty());

  // Stored as approved, its sources joined back and the parts dropped.
  absl::StatusOr<std::optional<v1::Statement>> stored =
      store_.Approved(kProvider, "2024-01");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status(), v1::STATEMENT_STATUS_APPROVED);
  EXPECT_THAT((*stored)->lines(0).sources(), ElementsAre("v-care@1"));
  EXPECT_EQ(store_.SourcesPartsKept("prv-a/2024-01"), 0u);
}

TEST_F(SettlementAppTest, ApprovedMonthStaysAsApproved) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> approved =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(approved.ok()) << approved.status();
  const size_t published = publisher_.events_.size();
  // A visit reported late does not change the approved statement.
  ASSERT_TRUE(store_
                  .PutVisit(JanuaryVisit(kProvider, "v-late", "service",
                                         "2024-01-30T08:00:00Z",
                                         "2024-01-30T09:00:00Z"))
                  .ok());

  absl::StatusOr<v1::Statement> again =
      app_.ApproveStatement(ApprovalOf(*approved));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(SerializeDeterministic(*again), SerializeDeterministic(*approved));
  absl::StatusOr<v1::Statement> previewed = Preview(kProvider, "2024-01");
  ASSERT_TRUE(previewed.ok());
  EXPECT_EQ(previewed->total_ore(), 180075);
  EXPECT_EQ(publisher_.events_.size(), published);
}

// The command applies its own events and the projection applies the same
// events from Kafka, each after its own copy of the sources parts. Here the
// projection puts part 1, the command then applies everything (dropping the
// parts), and the projection goes on with parts 2 and 3 and the approval.
TEST_F(SettlementAppTest,
       ApprovalAppliedByTheCommandFirstIsNoFaultForTheProjection) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok()) << preview.status();
  publisher_.events_.clear();
  ASSERT_TRUE(app_.ApproveStatement(ApprovalOf(*preview)).ok());
  const std::vector<v1::SettlementEvent> published = publisher_.events_;
  // Five source parts, one fee basis part, then the approval.
  ASSERT_EQ(published.size(), 7u);

  test_support::FakeSettlementStore state;
  Projector command(&state);
  Projector projection(&state);
  ASSERT_TRUE(projection.ApplySettlementEvent(published[0]).ok());
  for (const auto& e : published) {
    ASSERT_TRUE(command.ApplySettlementEvent(e).ok());
  }
  for (size_t i = 1; i < published.size(); ++i) {
    absl::Status s = projection.ApplySettlementEvent(published[i]);
    EXPECT_TRUE(s.ok()) << "event " << i << ": " << s;
  }

  absl::StatusOr<std::optional<v1::Statement>> stored =
      state.Approved(kProvider, "2024-01");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->total_ore(), 180075);
  EXPECT_THAT((*stored)->lines(0).sources(), ElementsAre("v-care@1"));
  EXPECT_EQ(state.SourcesPartsKept("prv-a/2024-01"), 0u)
      << "the parts put back after the command dropped them are dropped";
}

// Without its parts and not yet approved, an approval is a fault.
TEST_F(SettlementAppTest, ApprovalWithoutItsPartsIsRefusedByTheProjection) {
  SetUpJanuary();
  ASSERT_TRUE(PreviewAndApprove(kProvider, "2024-01").ok());
  test_support::FakeSettlementStore state;
  Projector projection(&state);
  EXPECT_TRUE(IsError(
      projection.ApplySettlementEvent(publisher_.events_.back()),
      absl::StatusCode::kFailedPrecondition, {"0 of 5 sources parts arrived"}));
  EXPECT_FALSE(*state.IsApproved(kProvider, "2024-01"));
}

TEST_F(SettlementAppTest, ApprovalNeedsTheMonthEndedAndTheSameDigest) {
  SetUpJanuary();
  absl::StatusOr<v1::Statement> preview = Preview(kProvider, "2024-01");
  ASSERT_TRUE(preview.ok());
  publisher_.events_.clear();

  v1::ApproveStatementRequest no_digest = ApprovalOf(*preview);
  no_digest.clear_expected_digest();
  EXPECT_EQ(app_.ApproveStatement(no_digest).status().code(),
            absl::StatusCode::kInvalidArgument);

  clock_.now_ = absl::FromCivil(absl::CivilSecond(2024, 1, 31, 12, 0, 0),
                                absl::UTCTimeZone());
  absl::Status early = app_.ApproveStatement(ApprovalOf(*preview)).status();
  EXPECT_TRUE(IsError(early, absl::StatusCode::kFailedPrecondition,
                      {"period: 2024-01 has not ended yet"}));

  clock_.now_ = absl::FromCivil(absl::CivilSecond(2024, 2, 5, 9, 0, 0),
                                absl::UTCTimeZone());
  ASSERT_TRUE(store_
                  .PutVisit(JanuaryVisit(kProvider, "v-late", "service",
                                         "2024-01-30T08:00:00Z",
                                         "2024-01-30T09:00:00Z"))
                  .ok());
  absl::Status changed = app_.ApproveStatement(ApprovalOf(*preview)).status();
  EXPECT_TRUE(IsError(changed, absl::StatusCode::kFailedPrecondition,
                      {"expected_digest: the statement changed"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
  EXPECT_FALSE(*store_.IsApproved(kProvider, "2024-01"));
}

// v-care is corrected after January was approved: it ended at 11:30, half
// an hour more by day, 0.5 h x 516 kr = 258.00 kr, booked in February.
TEST_F(SettlementAppTest, ApprovalBooksEachCorrectionOfAnEarlierMonth) {
  SetUpJanuary();
  ASSERT_TRUE(PreviewAndApprove(kProvider, "2024-01").ok());
  visits::v1::VisitEvent fix;
  fix.set_event_id("fix-1");
  visits::v1::VisitCorrected* corrected = fix.mutable_visit_corrected();
  *corrected->mutable_previous() = store_.Visits(kProvider, "2024-01")->at(0);
  *corrected->mutable_visit() = corrected->previous();
  *corrected->mutable_visit()->mutable_end() =
      ToProtoTime(testing::Utc("2024-01-17T10:30:00Z"));
  corrected->mutable_visit()->set_version(2);
  corrected->mutable_visit()->set_period("2024-02");
  corrected->set_adjusts_period("2024-01");
  ASSERT_TRUE(store_.PutAdjustment(kProvider, fix).ok());
  clock_.now_ = absl::FromCivil(absl::CivilSecond(2024, 3, 4, 9, 0, 0),
                                absl::UTCTimeZone());
  publisher_.events_.clear();

  absl::StatusOr<v1::Statement> february =
      PreviewAndApprove(kProvider, "2024-02");
  ASSERT_TRUE(february.ok()) << february.status();
  EXPECT_EQ(february->total_ore(), 25800);
  EXPECT_THAT(february->adjustment_ids(), ElementsAre("fix-1"));

  EXPECT_THAT(PayloadsOf(publisher_.events_),
              ElementsAre(v1::SettlementEvent::kAdjustmentCreated,
                          v1::SettlementEvent::kStatementSourcesRecorded,
                          v1::SettlementEvent::kStatementSourcesRecorded,
                          v1::SettlementEvent::kFeeBasisRecorded,
                          v1::SettlementEvent::kStatementApproved));
  const v1::AdjustmentCreated& booked =
      publisher_.events_[0].adjustment_created();
  EXPECT_EQ(booked.adjustment_id(), "fix-1");
  EXPECT_EQ(booked.visit_id(), "v-care");
  EXPECT_EQ(booked.adjusts_period(), "2024-01");
  EXPECT_EQ(booked.booked_in_period(), "2024-02");
  EXPECT_EQ(booked.statement_id(), "prv-a/2024-02");
  EXPECT_EQ(booked.net_ore(), 25800);
  EXPECT_EQ(*store_.BookedAdjustments(kProvider),
            std::set<std::string>{"fix-1"});
}

// ------------------------------------------------------------ once only

TEST_F(SettlementAppTest, ExportIsTheCurrentStatementAsAFile) {
  SetUpJanuary();
  v1::ExportStatementRequest csv;
  csv.set_provider_id(kProvider);
  csv.set_period("2024-01");
  csv.set_format(v1::EXPORT_FORMAT_CSV);
  absl::StatusOr<v1::ExportStatementResponse> file = app_.ExportStatement(csv);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->file_name(), "statement-prv-a-2024-01.csv");
  EXPECT_EQ(file->content_type(), "text/csv; charset=utf-8");
  EXPECT_THAT(file->content(), HasSubstr("v-care@1"));

  csv.set_format(v1::EXPORT_FORMAT_UNSPECIFIED);
  EXPECT_EQ(app_.ExportStatement(csv).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(publisher_.events_, IsEmpty());  // reading records nothing
}

}  // namespace
}  // namespace lov::settlement
