// SetFinanceSettings / GetFinanceSettings on fakes: the settings are
// checked, published as FinanceSettingsChanged with the aggregate's
// version, kept by the projection (as a rebuild from Kafka applies them),
// and setting the same again publishes nothing.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app_test_support.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class FinanceSettingsAppTest : public test_support::SettlementAppFixture {
 protected:
  static v1::SetFinanceSettingsRequest Nacka(const std::string& bankgiro) {
    v1::SetFinanceSettingsRequest r;
    v1::FinanceParty* m = r.mutable_settings()->mutable_municipality();
    m->set_name("Nacka kommun");
    m->set_organisation_number("212000-0167");
    m->set_bankgiro(bankgiro);
    r.mutable_settings()->mutable_buyer()->set_peppol_id("0007:2120000167");
    return r;
  }

  // What a projection (and so a rebuild from Kafka) makes of the log.
  void ApplyLog(test_support::FakeSettlementStore& store) {
    Projector projector(&store);
    for (const v1::SettlementEvent& e : publisher_.log_) {
      ASSERT_TRUE(projector.ApplySettlementEvent(e).ok());
    }
  }
};

TEST_F(FinanceSettingsAppTest, AreNotFoundUntilSet) {
  EXPECT_TRUE(IsError(app_.GetFinanceSettings({}).status(),
                      absl::StatusCode::kNotFound,
                      {"SetFinanceSettings", "finance-settings set"}));
}

TEST_F(FinanceSettingsAppTest, ASetIsPublishedVersionedAndRebuilt) {
  absl::StatusOr<v1::FinanceSettings> first =
      app_.SetFinanceSettings(Nacka("5050-1055"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->version(), 1);
  EXPECT_EQ(first->chart().vat_account(), "2640");
  ASSERT_THAT(publisher_.events_, SizeIs(1));
  const v1::SettlementEvent& e = publisher_.events_[0];
  EXPECT_EQ(e.payload_case(), v1::SettlementEvent::kFinanceSettingsChanged);
  EXPECT_EQ(e.aggregate_id(), "finance-settings");
  EXPECT_EQ(e.finance_settings_changed().settings().version(), 1);

  // The same again: nothing published, the stored version answered.
  publisher_.events_.clear();
  absl::StatusOr<v1::FinanceSettings> again =
      app_.SetFinanceSettings(Nacka("50501055"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->version(), 1);
  EXPECT_THAT(publisher_.events_, IsEmpty());

  absl::StatusOr<v1::FinanceSettings> second =
      app_.SetFinanceSettings(Nacka("991-2346"));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->version(), 2);
  EXPECT_EQ(app_.GetFinanceSettings({})->municipality().bankgiro(), "991-2346");

  // A rebuild from the log has the latest version.
  test_support::FakeSettlementStore rebuilt;
  ApplyLog(rebuilt);
  absl::StatusOr<std::optional<v1::FinanceSettings>> kept =
      rebuilt.GetFinanceSettings();
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->version(), 2);
  EXPECT_EQ((*kept)->municipality().bankgiro(), "991-2346");
}

TEST_F(FinanceSettingsAppTest, ABadSettingIsRefusedAndNothingPublished) {
  EXPECT_TRUE(IsError(app_.SetFinanceSettings({}).status(),
                      absl::StatusCode::kInvalidArgument, {"settings"}));
  EXPECT_TRUE(IsError(app_.SetFinanceSettings(Nacka("5050-1056")).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"municipality.bankgiro"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

TEST_F(FinanceSettingsAppTest, ExportMonthUsesTheStoredSettings) {
  SetUpJanuary();
  ASSERT_TRUE(PreviewAndApprove(test_support::kProvider, "2024-01").ok());
  v1::ExportMonthRequest r;
  r.set_period("2024-01");
  r.set_kind(v1::MONTH_FILE_KIND_SIE4);
  // Neither stored nor given: refused, saying how to set them.
  EXPECT_TRUE(IsError(app_.ExportMonth(r).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"municipality", "finance-settings set"}));
  v1::SetFinanceSettingsRequest nacka = Nacka("5050-1055");
  v1::CategoryAccount* care =
      nacka.mutable_settings()->mutable_chart()->add_category_accounts();
  care->set_category_id("personal-care");
  care->set_account("4610");
  ASSERT_TRUE(app_.SetFinanceSettings(nacka).ok());
  absl::StatusOr<v1::ExportMonthResponse> sie = app_.ExportMonth(r);
  ASSERT_TRUE(sie.ok()) << sie.status();
  EXPECT_NE(sie->content().find("#ORGNR 212000-0167"), std::string::npos)
      << sie->content();
  EXPECT_NE(sie->content().find("#KONTO 4610"), std::string::npos);
  // A municipality in the request overrides the stored one.
  r.mutable_municipality()->set_name("Other kommun");
  r.mutable_municipality()->set_organisation_number("212000-0142");
  sie = app_.ExportMonth(r);
  ASSERT_TRUE(sie.ok()) << sie.status();
  EXPECT_NE(sie->content().find("#ORGNR 212000-0142"), std::string::npos);
}

}  // namespace
}  // namespace lov::settlement
