// Load driver: settlement through the service. The largest provider of
// settlement_bench's month (bench_month.h) is published as the visits
// service would publish it, the settlement binary projects it into Redis,
// and PreviewStatement (Redis-backed) is timed against the settlement
// domain computing the same statement in this process from the same
// visits. Both totals must agree to the öre. Kafka and Redis come from
// LOV_TEST_ENV_FILE (deploy/local/stack.sh's env file). Not a test.
//
//   settlement_service_bench [--clients=20000] [--month=2024-03] [--runs=5]
//                            [--service=services/settlement/settlement]
// --service: the settlement binary, relative to the build directory (a
// private copy, e.g. ../../../tmp/x/settlement, when others relink build/).
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench_month.h"
#include "bench_support.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "service_process.h"
#include "test_stack.h"

namespace {

namespace v1 = ::lov::settlement::v1;
namespace reg = ::lov::registry::v1;

template <typename Event>
Event Envelope(const std::string& aggregate) {
  Event e;
  e.set_event_id(lov::NewUuid());
  *e.mutable_occurred_at() = lov::ToProtoTime(absl::Now());
  e.set_aggregate_id(aggregate);
  e.set_aggregate_version(1);
  return e;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "settlement_service_bench: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using lov::bench::Flag;
  const int clients = static_cast<int>(Flag(argc, argv, "clients", 20000));
  const int runs = static_cast<int>(Flag(argc, argv, "runs", 5));
  const std::string month_text =
      lov::bench::TextFlag(argc, argv, "month", "2024-03");
  absl::StatusOr<absl::CivilMonth> month = lov::ParsePeriod(month_text);
  if (!month.ok()) return Fail(std::string(month.status().message()));

  std::vector<lov::visits::v1::Visit> visits;
  const int provider = lov::bench::LargestProvider(clients, *month, &visits);
  const std::string provider_id = lov::bench::MonthProviderId(provider);
  std::printf("largest provider of %d clients, %s: %s with %zu visits\n",
              clients, month_text.c_str(), provider_id.c_str(), visits.size());

  const std::string ns = "bench" + lov::NewUuid().substr(0, 6);
  lov::testing::ServiceProcess service(
      lov::bench::TextFlag(argc, argv, "service",
                           "services/settlement/settlement"),
      {"--namespace=" + ns});
  if (absl::Status s = service.Start(); !s.ok()) {
    return Fail(absl::StrCat(s.message(), "\n", service.Log()));
  }
  auto stub = v1::SettlementService::NewStub(service.Channel());
  auto call = [&](auto method, const auto& req, auto* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(120));
    return ((*stub).*method)(&ctx, req, resp);
  };
  v1::AddRateTableRequest rates;
  *rates.mutable_table() = lov::bench::MonthRateTable();
  v1::RateTable table;
  if (grpc::Status s =
          call(&v1::SettlementService::Stub::AddRateTable, rates, &table);
      !s.ok()) {
    return Fail("AddRateTable: " + s.error_message());
  }
  v1::SetListingRuleRequest rule;
  rule.mutable_rule()->set_kind(v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
  v1::ListingRule rule_out;
  if (grpc::Status s =
          call(&v1::SettlementService::Stub::SetListingRule, rule, &rule_out);
      !s.ok()) {
    return Fail("SetListingRule: " + s.error_message());
  }

  // Upstream facts, as the registry and the visits service publish them.
  auto producer =
      lov::EventProducer::Create(lov::testing::Stack().kafka("bench"));
  if (!producer.ok()) return Fail(std::string(producer.status().message()));
  std::map<std::string, v1::ZoneArea> areas;
  auto muni = Envelope<reg::RegistryEvent>("municipality");
  auto* m = muni.mutable_municipality_configured()->mutable_municipality();
  m->set_municipality_id("0180");
  for (int z = 0; z < lov::bench::kZones; ++z) {
    const bool rural = z >= lov::bench::kFirstRuralZone;
    auto* zone = m->add_zones();
    zone->set_zone_id(lov::bench::MonthZoneId(z));
    zone->set_area_type(rural ? reg::AREA_TYPE_RURAL : reg::AREA_TYPE_URBAN);
    areas[zone->zone_id()] = rural ? v1::ZONE_AREA_RURAL : v1::ZONE_AREA_URBAN;
  }
  auto registered = Envelope<reg::RegistryEvent>(provider_id);
  auto* p = registered.mutable_provider_registered()->mutable_provider();
  p->set_provider_id(provider_id);
  p->set_kind(lov::bench::MonthInHouse(provider) ? reg::PROVIDER_KIND_IN_HOUSE
                                                 : reg::PROVIDER_KIND_PRIVATE);
  std::vector<lov::CloudEvent> registry = {
      lov::ToCloudEvent(muni, "/lov/registry"),
      lov::ToCloudEvent(registered, "/lov/registry")};
  std::vector<lov::CloudEvent> accepted;
  for (const auto& v : visits) {
    auto e = Envelope<lov::visits::v1::VisitEvent>(v.visit_id());
    *e.mutable_visit_accepted()->mutable_visit() = v;
    accepted.push_back(lov::ToCloudEvent(e, "/lov/visits"));
  }
  const absl::Time published = absl::Now();
  for (auto& [topic, events] : {std::pair{"lov.registry.events.v1", &registry},
                                std::pair{"lov.visits.events.v1", &accepted}}) {
    if (absl::Status s =
            (*producer)->PublishAll(absl::StrCat(ns, ".", topic), *events);
        !s.ok()) {
      return Fail(absl::StrCat("publish ", topic, ": ", s.message()));
    }
  }
  if (!lov::bench::WaitCaughtUp(service.metrics_port(), ".settlement.state",
                                absl::Minutes(20))) {
    return Fail("the settlement state never caught up with the visits");
  }
  std::printf("published and projected in %.1f s\n",
              lov::bench::SecondsSince(published));

  // The service: PreviewStatement reads the provider-month from Redis.
  v1::PreviewStatementRequest preview;
  preview.set_provider_id(provider_id);
  preview.set_period(month_text);
  v1::Statement through_service;
  grpc::Status preview_status;
  const double service_s = lov::bench::MedianSeconds(runs, [&] {
    preview_status = call(&v1::SettlementService::Stub::PreviewStatement,
                          preview, &through_service);
  });
  if (!preview_status.ok()) {
    return Fail("PreviewStatement: " + preview_status.error_message());
  }

  // The peer: the domain in this process, from the visits in memory.
  const lov::settlement::RateBook book({lov::bench::MonthRateTable()});
  lov::settlement::StatementInput in;
  in.provider_id = provider_id;
  in.period = *month;
  in.in_house = lov::bench::MonthInHouse(provider);
  in.rates = &book;
  in.zone_areas = areas;
  in.visits = visits;
  absl::StatusOr<v1::Statement> in_process;
  const double domain_s = lov::bench::MedianSeconds(
      runs, [&] { in_process = lov::settlement::BuildStatement(in); });
  if (!in_process.ok()) return Fail(std::string(in_process.status().message()));

  const bool same = in_process->total_ore() == through_service.total_ore();
  std::printf(
      "PreviewStatement %s: %.3f s (median of %d), total %lld öre; domain in "
      "process %.3f s, total %lld öre: %s\n",
      provider_id.c_str(), service_s, runs,
      static_cast<long long>(through_service.total_ore()), domain_s,
      static_cast<long long>(in_process->total_ore()),
      same ? "identical to the öre" : "TOTALS DIFFER");
  service.Terminate();
  if (!same) return Fail("the service's total differs from the domain's");
  const double ratio = service_s / domain_s;
  lov::bench::PrintRow(
      "settlement-service",
      absl::StrFormat("PreviewStatement %s (%zu visits) %.3f s",
                      provider_id.c_str(), visits.size(), service_s),
      absl::StrFormat("domain in process %.3f s", domain_s), ratio,
      "service/domain <= 2", ratio <= 2.0);
  return 0;
}
