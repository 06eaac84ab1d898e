// The upstream views the visits service keeps from other services' topics:
// choice (assignments, decisions), registry (municipality categories and
// hours), settlement (locked periods).
#include <algorithm>

#include "lov/platform/proto_util.h"
#include "lov/visits/adapters/redis_visit_store.h"

namespace lov::visits {
namespace {

// Newer municipality setups replace older ones.
constexpr char kMunicipalityScript[] = R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
if tonumber(ARGV[1]) < current then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'data', ARGV[2])
return 1
)lua";

}  // namespace

absl::Status RedisVisitStore::ApplyChoice(const choice::v1::ChoiceEvent& e) {
  std::vector<std::vector<std::string>> cmds;
  auto assignment = [&](const choice::v1::Assignment& a) {
    if (a.assignment_id().empty() || a.client_id().empty()) return;
    cmds.push_back({"HSET", Key("assign:" + a.client_id()), a.assignment_id(),
                    SerializeDeterministic(a)});
  };
  auto decision = [&](const std::string& client,
                      const choice::v1::Decision& d) {
    if (client.empty() || d.decision_id().empty()) return;
    cmds.push_back({"HSET", Key("decisions:" + client), d.decision_id(),
                    SerializeDeterministic(d)});
    cmds.push_back({"SADD", Key("decision_clients"), client});
  };
  if (e.has_assignment_started()) {
    // The ended one first: when both carry the same id the started wins.
    if (e.assignment_started().has_ended()) {
      assignment(e.assignment_started().ended());
    }
    assignment(e.assignment_started().assignment());
  } else if (e.has_assignment_ended()) {
    assignment(e.assignment_ended().assignment());
  } else if (e.has_decision_registered()) {
    decision(e.decision_registered().client_id(),
             e.decision_registered().decision());
  } else if (e.has_decision_changed()) {
    decision(e.decision_changed().client_id(), e.decision_changed().decision());
  } else if (e.has_decision_revised()) {
    decision(e.decision_revised().client_id(), e.decision_revised().ended());
    decision(e.decision_revised().client_id(), e.decision_revised().decision());
  }
  if (cmds.empty()) return absl::OkStatus();
  return redis_->Pipeline(cmds).status();
}

absl::Status RedisVisitStore::ApplyRegistry(
    const registry::v1::RegistryEvent& e) {
  if (!e.has_municipality_configured()) return absl::OkStatus();
  const auto& m = e.municipality_configured().municipality();
  return redis_
      ->EvalSource(kMunicipalityScript, {Key("municipality")},
                   {std::to_string(
                        std::max<int64_t>(m.version(), e.aggregate_version())),
                    SerializeDeterministic(m)})
      .status();
}

absl::Status RedisVisitStore::ApplySettlement(
    const settlement::v1::SettlementEvent& e) {
  if (!e.has_statement_approved()) return absl::OkStatus();
  const auto& a = e.statement_approved();
  if (a.provider_id().empty() || !IsPeriod(a.period())) {
    return absl::InvalidArgumentError(
        "statement_approved: provider_id and period YYYY-MM are required");
  }
  return redis_->Command({"SADD", Key("locked:" + a.provider_id()), a.period()})
      .status();
}

}  // namespace lov::visits