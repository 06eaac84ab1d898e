#include "lov/choice/domain/client_state.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

void Upsert(const v1::Assignment& a, v1::Client* client) {
  for (auto& existing : *client->mutable_assignments()) {
    if (existing.assignment_id() == a.assignment_id()) {
      existing = a;
      return;
    }
  }
  *client->add_assignments() = a;
}

// The whole new version of a decision, or a new one.
void UpsertDecision(const v1::Decision& d, v1::Client* client) {
  for (auto& existing : *client->mutable_decisions()) {
    if (existing.decision_id() == d.decision_id()) {
      existing = d;
      return;
    }
  }
  *client->add_decisions() = d;
}

constexpr size_t kMaxSupportLevelLength = 40;

absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("decision.", field, ": ", why));
}

// The support level is a code of the municipality's rulebook that goes
// into the events as it is: a short code, never free text (nor a
// personnummer: RefusePersonnummer).
absl::Status ValidateSupportLevel(const v1::GrantedCategory& g) {
  const std::string& level = g.support_level();
  if (level.empty()) return absl::OkStatus();
  const bool code =
      level.size() <= kMaxSupportLevelLength &&
      absl::c_all_of(level, [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
               c == '_' || c == '.';
      });
  if (!code) {
    return Invalid(
        "categories",
        absl::StrCat("the support level of '", g.category_id(),
                     "' must be a code of at most ", kMaxSupportLevelLength,
                     " ASCII letters, digits, '-', '_' and '.' "
                     "(e.g. niva-2)"));
  }
  if (ContainsPersonnummer(level)) {
    return Invalid("categories",
                   absl::StrCat("the support level of '", g.category_id(),
                                "' must not contain a personal identity "
                                "number"));
  }
  return absl::OkStatus();
}

}  // namespace

void ApplyEvent(const v1::ChoiceEvent& e, v1::Client* c) {
  switch (e.payload_case()) {
    case v1::ChoiceEvent::kClientRegistered:
      c->set_client_id(e.client_registered().client_id());
      c->set_zone_id(e.client_registered().zone_id());
      c->set_status(v1::CLIENT_STATUS_ACTIVE);
      break;
    case v1::ChoiceEvent::kClientZoneChanged: {
      const auto& m = e.client_zone_changed();
      v1::ZoneMove* move = c->add_zone_moves();
      move->set_previous_zone_id(m.previous_zone_id());
      move->set_zone_id(m.zone_id());
      move->set_effective_date(m.effective_date());
      c->set_zone_id(m.zone_id());
      break;
    }
    case v1::ChoiceEvent::kDecisionRegistered:
      *c->add_decisions() = e.decision_registered().decision();
      break;
    case v1::ChoiceEvent::kDecisionChanged:
      UpsertDecision(e.decision_changed().decision(), c);
      break;
    case v1::ChoiceEvent::kDecisionRevised:
      UpsertDecision(e.decision_revised().ended(), c);
      UpsertDecision(e.decision_revised().decision(), c);
      break;
    case v1::ChoiceEvent::kAssignmentStarted: {
      const auto& p = e.assignment_started();
      if (p.has_ended()) Upsert(p.ended(), c);
      Upsert(p.assignment(), c);
      if (p.assignment().reason() == v1::ASSIGNMENT_REASON_RE_CHOSEN &&
          !p.reported_on().empty()) {
        c->add_rechoices_reported_on(p.reported_on());
      }
      break;
    }
    case v1::ChoiceEvent::kAssignmentEnded:
      Upsert(e.assignment_ended().assignment(), c);
      break;
    case v1::ChoiceEvent::kRechoiceCaseOpened: {
      const auto& p = e.rechoice_case_opened();
      v1::RechoiceCase* rc = c->add_cases();
      rc->set_case_id(p.case_id());
      rc->set_provider_id(p.provider_id());
      rc->set_zone_id(p.zone_id());
      rc->set_deadline(p.deadline());
      rc->set_effective_date(p.effective_date());
      rc->set_cause(p.cause());
      rc->set_status(v1::CASE_STATUS_OPEN);
      break;
    }
    case v1::ChoiceEvent::kRechoiceCaseClosed:
      for (auto& rc : *c->mutable_cases()) {
        if (rc.case_id() == e.rechoice_case_closed().case_id()) {
          rc.set_status(v1::CASE_STATUS_CLOSED);
          rc.set_outcome(e.rechoice_case_closed().outcome());
        }
      }
      break;
    case v1::ChoiceEvent::kClientEnded:
      c->set_status(v1::CLIENT_STATUS_ENDED);
      c->set_end_reason(e.client_ended().reason());
      c->set_ended_on(e.client_ended().effective_date());
      break;
    default:
      return;
  }
  c->set_version(e.aggregate_version());
}

absl::Status ValidateDecision(const v1::Decision& d,
                              const registry::v1::Municipality& m) {
  if (d.decision_id().empty()) return Invalid("decision_id", "is required");
  if (d.categories().empty()) {
    return Invalid("categories", "a decision grants at least one category");
  }
  for (const auto& g : d.categories()) {
    bool known = false;
    for (const auto& c : m.categories()) {
      known |= c.category_id() == g.category_id();
    }
    if (!known) {
      return Invalid("categories", absl::StrCat("unknown service category '",
                                                g.category_id(), "'"));
    }
    if (g.minutes_per_month() <= 0) {
      return Invalid("categories",
                     absl::StrCat("granted minutes per month for '",
                                  g.category_id(), "' must be positive"));
    }
    if (absl::Status s = ValidateSupportLevel(g); !s.ok()) return s;
  }
  absl::StatusOr<absl::CivilDay> from = ParseDate(d.valid_from());
  if (!from.ok()) {
    return Invalid("valid_from", std::string(from.status().message()));
  }
  if (!d.valid_to().empty()) {
    absl::StatusOr<absl::CivilDay> to = ParseDate(d.valid_to());
    if (!to.ok()) {
      return Invalid("valid_to", std::string(to.status().message()));
    }
    if (*to < *from) {
      return Invalid("valid_to",
                     absl::StrCat("a decision cannot end (", d.valid_to(),
                                  ") before it starts (", d.valid_from(), ")"));
    }
  }
  if (d.decided_on().empty()) return Invalid("decided_on", "is required");
  if (absl::StatusOr<absl::CivilDay> on = ParseDate(d.decided_on()); !on.ok()) {
    return Invalid("decided_on", std::string(on.status().message()));
  }
  return absl::OkStatus();
}

bool Covers(const v1::Assignment& a, const std::string& day) {
  return a.valid_from() <= day && (a.valid_to().empty() || day <= a.valid_to());
}

bool HasCategory(const v1::Assignment& a, const std::string& category_id) {
  for (const auto& c : a.category_ids()) {
    if (c == category_id) return true;
  }
  return false;
}

const v1::Decision* DecisionFor(const v1::Client& client,
                                const std::string& day) {
  const v1::Decision* next = nullptr;
  for (const auto& d : client.decisions()) {
    if (!d.valid_to().empty() && d.valid_to() < day) continue;
    if (d.valid_from() <= day) return &d;
    if (next == nullptr || d.valid_from() < next->valid_from()) next = &d;
  }
  return next;
}

std::string ZoneOn(const v1::Client& client, const std::string& day) {
  std::string zone;
  std::string latest;
  for (const auto& m : client.zone_moves()) {
    if (m.effective_date() <= day && m.effective_date() >= latest) {
      zone = m.zone_id();
      latest = m.effective_date();
    }
  }
  if (!zone.empty()) return zone;
  // Before every move: where the first move was from.
  for (const auto& m : client.zone_moves()) {
    if (zone.empty() || m.effective_date() < latest) {
      zone = m.previous_zone_id();
      latest = m.effective_date();
    }
  }
  return zone.empty() ? client.zone_id() : zone;
}

int64_t GrantedMinutes(const v1::Client& client,
                       const std::vector<std::string>& category_ids,
                       const std::string& day) {
  const v1::Decision* decision = DecisionFor(client, day);
  if (decision == nullptr) return 0;
  int64_t minutes = 0;
  for (const auto& granted : decision->categories()) {
    if (std::find(category_ids.begin(), category_ids.end(),
                  granted.category_id()) != category_ids.end()) {
      minutes += granted.minutes_per_month();
    }
  }
  return minutes;
}

const v1::Assignment* CurrentAssignment(const v1::Client& client,
                                        const std::string& category_id,
                                        const std::string& day) {
  const v1::Assignment* best = nullptr;
  for (const auto& a : client.assignments()) {
    if (!HasCategory(a, category_id)) continue;
    if (!a.valid_to().empty() && a.valid_to() < day) continue;
    if (!a.valid_to().empty() && a.valid_to() < a.valid_from()) continue;
    if (best == nullptr || a.valid_from() > best->valid_from()) best = &a;
  }
  return best;
}

std::vector<const v1::Assignment*> AssignmentsFrom(const v1::Client& client,
                                                   const std::string& day) {
  std::vector<const v1::Assignment*> out;
  for (const auto& a : client.assignments()) {
    const bool cancelled =
        !a.valid_to().empty() && a.valid_to() < a.valid_from();
    if (!cancelled && (a.valid_to().empty() || a.valid_to() >= day)) {
      out.push_back(&a);
    }
  }
  return out;
}

const v1::RechoiceCase* OpenCase(const v1::Client& client) {
  for (const auto& rc : client.cases()) {
    if (rc.status() == v1::CASE_STATUS_OPEN) return &rc;
  }
  return nullptr;
}

std::string DayBefore(const std::string& day) {
  absl::StatusOr<absl::CivilDay> d = ParseDate(day);
  return d.ok() ? FormatDate(*d - 1) : day;
}

std::vector<HeldSlot> HeldSlots(const v1::Client& client) {
  struct Held {
    int64_t last_day = -1;
    std::vector<std::string> categories;
    std::string latest_from;
  };
  std::map<std::pair<std::string, std::string>, Held> held;
  for (const auto& a : client.assignments()) {
    Held& slot = held[std::make_pair(a.provider_id(), a.zone_id())];
    const bool cancelled =
        !a.valid_to().empty() && a.valid_to() < a.valid_from();
    if (cancelled) continue;
    slot.last_day = std::max(slot.last_day, DayNumber(a.valid_to()));
    slot.latest_from = std::max(slot.latest_from, a.valid_from());
    for (const auto& c : a.category_ids()) {
      if (std::find(slot.categories.begin(), slot.categories.end(), c) ==
          slot.categories.end()) {
        slot.categories.push_back(c);
      }
    }
  }
  std::vector<HeldSlot> out;
  for (const auto& [key, slot] : held) {
    out.push_back({key.first, key.second, slot.last_day,
                   slot.last_day < 0 ? 0
                                     : GrantedMinutes(client, slot.categories,
                                                      slot.latest_from)});
  }
  return out;
}

int64_t DayNumber(absl::CivilDay day) {
  return day - absl::CivilDay(1970, 1, 1);
}

int64_t DayNumber(const std::string& day) {
  if (day.empty()) return kOpenEnded;
  absl::StatusOr<absl::CivilDay> d = ParseDate(day);
  return d.ok() ? DayNumber(*d) : kOpenEnded;
}

}  // namespace lov::choice
