// The demo in order: the registry, the choice policy, the clients, a
// provider leaving a zone, the month's visits, the settlement, the
// follow-up, the summary.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "simulator.h"

namespace lov::sim {
namespace {

// Statements and zone health can be large: allow big answers. A restarted
// service is found again at once.
std::shared_ptr<grpc::Channel> Channel(const std::string& target,
                                       const ClientTls& tls) {
  grpc::ChannelArguments args = upload::QuickReconnect();
  args.SetMaxReceiveMessageSize(64 << 20);
  return OpenChannel(target, tls, nullptr, args);
}

}  // namespace

Simulation::Simulation(Settings settings)
    : settings_(std::move(settings)),
      sign_in_(settings_.dev_issuer_key),
      registry_(reg::RegistryService::NewStub(
          Channel(settings_.registry, settings_.tls))),
      choice_(cho::ChoiceService::NewStub(
          Channel(settings_.choice, settings_.tls))),
      visits_(vis::VisitsService::NewStub(
          Channel(settings_.visits, settings_.tls))),
      settlement_(set::SettlementService::NewStub(
          Channel(settings_.settlement, settings_.tls))),
      followup_(settings_.followup.empty()
                    ? nullptr
                    : fol::FollowupService::NewStub(
                          Channel(settings_.followup, settings_.tls))) {
  auto ack_log = upload::AckLog::Open(settings_.ack_log, "--ack-log");
  if (!ack_log.ok()) Die(std::string(ack_log.status().message()));
  ack_log_ = *std::move(ack_log);
}

void Simulation::Run() {
  first_day_ = absl::CivilDay(settings_.month);
  last_day_ = absl::CivilDay(settings_.month + 1) - 1;
  std::cerr << "Simulating " << Norrtalje().name() << " for "
            << absl::FormatCivilTime(settings_.month) << " with "
            << settings_.clients << " clients (seed " << settings_.seed
            << ")\n";
  SetUpRegistry();
  SetUpChoice();
  RegisterClients();
  ProviderLeavesZone();
  ReportVisits();
  Settle();
  RecordFollowUp();
  Summary();
}

std::shared_ptr<grpc::Channel> Simulation::VisitsChannel() const {
  return Channel(settings_.visits, settings_.tls);
}

std::string Simulation::RequestId(const std::string& what) const {
  return absl::StrCat("sim.seed", settings_.seed, ".",
                      absl::FormatCivilTime(settings_.month), ".", what);
}

}  // namespace lov::sim
