// A sanction imposed or lifted on lov.registry.events.v1 that names a
// follow-up finding: kept so that ListFollowUps shows, per finding, the
// sanctions that answer it (docs/followup.md, "Linking a sanction to a
// finding"). Only the sanction's ids, kind and dates are kept; other
// registry events change nothing here.
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "lov/followup/app/followup_app.h"
#include "lov/platform/event_envelope.h"
#include "lov/registry/v1/events.pb.h"

namespace lov::followup {
namespace {

namespace rv1 = ::lov::registry::v1;

// "SANCTION_KIND_ACTION_PLAN" -> "action_plan".
std::string KindName(rv1::SanctionKind kind) {
  std::string name = rv1::SanctionKind_Name(kind);
  constexpr absl::string_view kPrefix = "SANCTION_KIND_";
  if (absl::StartsWith(name, kPrefix)) name.erase(0, kPrefix.size());
  return absl::AsciiStrToLower(name);
}

// The sanction the event imposed or lifted; nullptr for any other event.
const rv1::Sanction* SanctionOf(const rv1::RegistryEvent& event) {
  if (event.has_sanction_imposed()) {
    return &event.sanction_imposed().sanction();
  }
  if (!event.has_suspension_lifted()) return nullptr;
  const rv1::SuspensionLifted& lifted = event.suspension_lifted();
  for (const rv1::Sanction& s : lifted.provider().sanctions()) {
    if (s.sanction_id() == lifted.sanction_id()) return &s;
  }
  return nullptr;
}

}  // namespace

absl::Status FollowupApp::RecordSanction(const CloudEvent& ce) {
  rv1::RegistryEvent event;
  if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
  const rv1::Sanction* sanction = SanctionOf(event);
  if (sanction == nullptr || sanction->finding_id().empty()) {
    return absl::OkStatus();
  }
  if (sanctions_ == nullptr) {
    return absl::FailedPreconditionError(
        "sanctions: this follow-up service was started without a sanction "
        "store");
  }
  v1::FindingSanction kept;
  kept.set_finding_id(sanction->finding_id());
  kept.set_sanction_id(sanction->sanction_id());
  kept.set_kind(KindName(sanction->kind()));
  kept.set_decided_on(sanction->decided_on());
  kept.set_lifted(sanction->lifted());
  kept.set_lifted_on(sanction->lifted_on());
  return sanctions_->KeepSanction(sanction->follow_up_id(), kept,
                                  event.aggregate_version());
}

}  // namespace lov::followup
