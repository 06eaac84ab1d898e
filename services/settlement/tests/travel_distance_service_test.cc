// Travel compensation per km through the real service (issue 18 item 2):
// visits carry the distance travelled (travel_metres), the rate table pays
// öre per km in a sparse area type's zones, January is approved and
// exported (CSV, and a Peppol invoice the official rules accept), a late
// void takes the travel out in February, and a service that lost all of
// Redis rebuilds the same statements from Kafka, distances included. Every
// amount is worked out here by hand.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "lov/settlement/domain/test_peppol_totals.h"
#include "lov/settlement/tests/peppol_validation.h"
#include "lov/settlement/tests/settlement_test_support.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using ::lov::testing::Stack;
using test_support::Validate;
using test_support::Validation;
using test_support::Visit;
using testing::PeppolAmount;
using testing::Sek;

// The test's rates with north (rural in the registry) in glesbygd, sparse,
// and city in tätort; personal care pays 3.50 kr per km travelled (3.00
// in-house) and, to keep the sums short, no rural supplement.
v1::RateTable PerKmRates() {
  v1::RateTable t = test_support::Rates();
  v1::AreaTypeDefinition* town = t.add_area_types();
  town->set_area_type_id("tätort");
  town->add_zone_ids("city");
  v1::AreaTypeDefinition* sparse = t.add_area_types();
  sparse->set_area_type_id("glesbygd");
  sparse->add_zone_ids("north");
  sparse->set_sparse(true);
  for (v1::CategoryRate& c : *t.mutable_categories()) {
    if (c.category_id() != "personal-care") continue;
    c.clear_zone_supplements();
    c.mutable_travel_per_km()->set_private_ore(350);
    c.mutable_travel_per_km()->set_in_house_ore(300);
  }
  return t;
}

// Personal care 09:00-10:00 Stockholm (CET) on `day`, `metres` travelled.
visits::v1::Visit Care(const std::string& id, const std::string& day,
                       const std::string& zone, uint32_t metres) {
  visits::v1::Visit v = Visit("prv-a", id, "personal-care", day + "T08:00:00Z",
                              day + "T09:00:00Z", zone);
  v.set_travel_metres(metres);
  v.set_period(day.substr(0, 7));
  return v;
}

class TravelDistanceServiceTest : public test_support::SettlementFixture {
 protected:
  // prv-a as the registry describes it once finance set its payment
  // details (a company, F-tax approved, bankgiro, Peppol id).
  void PublishSeller() {
    registry::v1::Provider p;
    p.set_provider_id("prv-a");
    p.set_kind(registry::v1::PROVIDER_KIND_PRIVATE);
    p.set_name("Omsorgshuset AB");
    p.set_organisation_number("556554-1645");
    p.mutable_contact()->set_address("Storgatan 1, 761 30 Norrtälje");
    registry::v1::PaymentDetails* d = p.mutable_payment_details();
    d->set_bankgiro("5050-1055");
    d->set_f_tax(registry::v1::F_TAX_STATUS_APPROVED);
    d->set_f_tax_checked_on("2024-01-02");
    d->set_peppol_participant_id("0007:5565541645");
    d->set_vat_number("SE556554164501");
    PublishPaymentDetailsOf(p);
  }

  grpc::Status Export(v1::ExportFormat format,
                      v1::ExportStatementResponse* out) {
    v1::ExportStatementRequest r;
    r.set_provider_id("prv-a");
    r.set_period("2024-01");
    r.set_format(format);
    if (format == v1::EXPORT_FORMAT_PEPPOL_BIS3) {
      v1::PeppolBuyer* b = r.mutable_buyer();
      b->set_name("Norrtälje kommun");
      b->set_organisation_number("212000-0142");
      b->set_peppol_id("0007:2120000142");
      b->set_reference("LOV-HEMTJANST");
    }
    return Call(&v1::SettlementService::Stub::ExportStatement, r, out);
  }

  // The visits service voids `paid` after its month was approved: the
  // reversal counts in February.
  void PublishLateVoid(const visits::v1::Visit& paid) {
    auto e = test_support::Envelope<visits::v1::VisitEvent>(paid.visit_id());
    e.set_aggregate_version(2);
    visits::v1::VisitVoided* voided = e.mutable_visit_voided();
    *voided->mutable_previous() = paid;
    voided->set_reason("reported twice");
    voided->set_period("2024-02");
    voided->set_adjusts_period("2024-01");
    PublishUpstream("lov.visits.events.v1", "/lov/visits", e);
  }

  void WipeRedis() {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    auto keys = (*redis)->Command({"KEYS", ns_ + ":lov:settlement:*"});
    ASSERT_TRUE(keys.ok()) << keys.status();
    ASSERT_GT(keys->elements.size(), 0u);
    for (const auto& k : keys->elements) {
      ASSERT_TRUE((*redis)->Command({"DEL", k.str}).ok());
    }
  }

  struct Expected {
    v1::LineKind kind;
    std::string zone;
    std::string adjusts;
    int64_t quantity;
    int64_t amount;
  };
  static void ExpectLines(const v1::Statement& s,
                          const std::vector<Expected>& lines) {
    ASSERT_EQ(s.lines_size(), static_cast<int>(lines.size()))
        << s.DebugString();
    for (size_t i = 0; i < lines.size(); ++i) {
      const v1::StatementLine& l = s.lines(static_cast<int>(i));
      EXPECT_EQ(l.kind(), lines[i].kind) << i;
      EXPECT_EQ(l.zone_id(), lines[i].zone) << i;
      EXPECT_EQ(l.adjusts_period(), lines[i].adjusts) << i;
      EXPECT_EQ(l.quantity(), lines[i].quantity) << i;
      EXPECT_EQ(l.amount_ore(), lines[i].amount) << i;
    }
  }
};

TEST_F(TravelDistanceServiceTest, KilometresArePaidExportedVoidedAndRebuilt) {
  PublishRegistry();  // zones city and north, provider prv-a (private)
  PublishSeller();
  v1::AddRateTableRequest add;
  *add.mutable_table() = PerKmRates();
  v1::RateTable added;
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {  // once the registry's zones are known
    s = Call(&v1::SettlementService::Stub::AddRateTable, add, &added);
    return s.ok();
  })) << s.error_message();

  // January: 12 345 m and 8 000 m in north (sparse), 5 000 m in city (not
  // paid). Time: 3 h by day x 516 kr = 154 800. Travel: 350 x 20 345 /
  // 1000 = 7 120.75 -> 7 121. 161 921 öre.
  const visits::v1::Visit t1 = Care("t1", "2024-01-17", "north", 12345);
  PublishAccepted(t1);
  PublishAccepted(Care("t2", "2024-01-18", "north", 8000));
  PublishAccepted(Care("t3", "2024-01-19", "city", 5000));
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement jan = Get("prv-a", "2024-01", &st);
    return st.ok() && jan.total_ore() == 161921;
  })) << service_->Log();
  v1::Statement jan = Preview("prv-a", "2024-01");
  ExpectLines(jan, {{v1::LINE_KIND_PERFORMED_TIME, "city", "", 3600, 51600},
                    {v1::LINE_KIND_PERFORMED_TIME, "north", "", 7200, 103200},
                    {v1::LINE_KIND_TRAVEL_DISTANCE, "north", "", 20345, 7121}});
  EXPECT_EQ(jan.lines(2).quantity_per_unit(), 1000);
  EXPECT_EQ(jan.lines(2).unit_rate_ore(), 350);
  v1::Statement jan_approved;
  s = Approve(jan, &jan_approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(jan_approved.total_ore(), 161921);

  v1::ExportStatementResponse csv;
  ASSERT_TRUE(Export(v1::EXPORT_FORMAT_CSV, &csv).ok());
  EXPECT_NE(csv.content().find(",TRAVEL_DISTANCE,personal-care,north,,"
                               "2024-01-01,,350,20345,1000,10000,7121,71.21,"),
            std::string::npos)
      << csv.content();
  // The Peppol invoice: the travel is an invoice line of its own, and the
  // official rules accept the document.
  v1::ExportStatementResponse peppol;
  ASSERT_TRUE(Eventually([&] {
    return Export(v1::EXPORT_FORMAT_PEPPOL_BIS3, &peppol).ok();
  })) << Export(v1::EXPORT_FORMAT_PEPPOL_BIS3, &peppol).error_message();
  const std::string& xml = peppol.content();
  EXPECT_NE(xml.find("TRAVEL_DISTANCE personal-care: quantity 20345/1000 x "
                     "3.50 SEK"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(PeppolAmount("PayableAmount", Sek(161921))),
            std::string::npos)
      << xml;
  const Validation valid = Validate(xml, "peppol-travel");
  std::cout << "official Peppol validation (warnings listed):\n"
            << valid.output;
  EXPECT_EQ(valid.exit_code, 0) << valid.output << "\n" << xml;
  EXPECT_NE(valid.output.find(" 0 errors, "), std::string::npos)
      << valid.output;

  // February: t1 voided late, and 10 m on a new visit. 51 600 + 350 x 10 /
  // 1000 (3.5 -> 4) for the new one; the void takes out 51 600 and
  // 350 x 12 345 / 1000 (4 320.75 -> 4 321). -4 317 öre.
  PublishLateVoid(t1);
  PublishAccepted(Care("t4", "2024-02-07", "north", 10));
  ASSERT_TRUE(Eventually([&] {
    grpc::Status st;
    v1::Statement feb = Get("prv-a", "2024-02", &st);
    return st.ok() && feb.adjustment_ids_size() == 1 &&
           feb.total_ore() == -4317;
  })) << service_->Log();
  const v1::Statement feb = Preview("prv-a", "2024-02");
  ExpectLines(
      feb,
      {{v1::LINE_KIND_PERFORMED_TIME, "north", "", 3600, 51600},
       {v1::LINE_KIND_TRAVEL_DISTANCE, "north", "", 10, 4},
       {v1::LINE_KIND_PERFORMED_TIME, "north", "2024-01", -3600, -51600},
       {v1::LINE_KIND_TRAVEL_DISTANCE, "north", "2024-01", -12345, -4321}});

  // Lose all of Redis: the rebuilt state (visits with their distances,
  // the adjustment, the approved January) gives the same statements.
  service_->Kill();
  WipeRedis();
  ASSERT_TRUE(service_->Start().ok()) << service_->Log();
  Connect();
  EXPECT_NE(service_->Log().find("state rebuilt"), std::string::npos)
      << service_->Log();
  const v1::Statement feb_rebuilt = Preview("prv-a", "2024-02");
  EXPECT_EQ(feb_rebuilt.digest(), feb.digest());
  EXPECT_EQ(SerializeDeterministic(feb_rebuilt), SerializeDeterministic(feb))
      << feb_rebuilt.DebugString();
  EXPECT_EQ(SerializeDeterministic(Get("prv-a", "2024-01")),
            SerializeDeterministic(jan_approved));
}

}  // namespace
}  // namespace lov::settlement
