#include "lov/platform/actor.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace lov {
namespace {

auth::v1::Actor& SystemActor() {
  static auth::v1::Actor* actor = [] {
    auto* a = new auth::v1::Actor();
    a->set_subject("service:unnamed");
    a->set_role(auth::v1::ROLE_SERVICE);
    return a;
  }();
  return *actor;
}

thread_local const auth::v1::Actor* current_actor = nullptr;

}  // namespace

const auth::v1::Actor& CurrentActor() {
  return current_actor != nullptr ? *current_actor : SystemActor();
}

void SetSystemActor(const std::string& service_name) {
  SystemActor().set_subject("service:" + service_name);
}

ScopedActor::ScopedActor(const auth::v1::Actor& actor)
    : previous_(current_actor) {
  current_actor = &actor;
}

ScopedActor::~ScopedActor() { current_actor = previous_; }

std::string AccountableName(const std::string& stated) {
  const bool signed_in = current_actor != nullptr &&
                         current_actor->role() != auth::v1::ROLE_UNSPECIFIED;
  return signed_in ? current_actor->subject() : stated;
}

std::string RoleName(auth::v1::Role role) {
  std::string name(absl::StripPrefix(auth::v1::Role_Name(role), "ROLE_"));
  absl::AsciiStrToLower(&name);
  return name;
}

std::string ActorText(const auth::v1::Actor& actor) {
  return absl::StrCat(actor.subject(), " (", RoleName(actor.role()), ")");
}

}  // namespace lov
