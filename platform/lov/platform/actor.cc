#include "lov/platform/actor.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

absl::Span<const auth::v1::Role> AllRoles() {
  static const std::vector<auth::v1::Role>* roles = [] {
    auto* all = new std::vector<auth::v1::Role>();
    const auto* e = auth::v1::Role_descriptor();
    for (int i = 0; i < e->value_count(); ++i) {
      const auto role = static_cast<auth::v1::Role>(e->value(i)->number());
      if (role != auth::v1::ROLE_UNSPECIFIED) all->push_back(role);
    }
    return all;
  }();
  return *roles;
}

absl::StatusOr<auth::v1::Role> ParseRole(absl::string_view name) {
  for (auth::v1::Role role : AllRoles()) {
    if (RoleName(role) == name) return role;
  }
  std::vector<std::string> names;
  for (auth::v1::Role role : AllRoles()) names.push_back(RoleName(role));
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role (known: ", absl::StrJoin(names, ", "), ")"));
}

std::string ActorText(const auth::v1::Actor& actor) {
  return absl::StrCat(actor.subject(), " (", RoleName(actor.role()), ")");
}

}  // namespace lov
