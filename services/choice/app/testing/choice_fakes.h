#ifndef LOV_SERVICES_CHOICE_APP_TESTING_CHOICE_FAKES_H_
#define LOV_SERVICES_CHOICE_APP_TESTING_CHOICE_FAKES_H_

// The choice service's ports on memory, for application tests: a map-based
// store with the Redis store's semantics (only the next aggregate version
// changes a client; request ids, the personnummer index, capacity slots,
// due cases and the rotation pointer come from the events, the personnummer
// from ClientRegistered and the client's data key, in either order; slots
// are taken and given back atomically; locks always succeed), a publisher
// that records events and keys and can be told to fail, and a fixed clock.

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fixed_clock.h"
#include "gtest/gtest.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/choice/domain/client_state.h"
#include "lov/choice/ports.h"
#include "lov/platform/clock.h"
#include "lov/platform/kafka.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/contract/provider_record.h"

namespace lov::choice {

class FakeChoiceStore : public ChoiceStore {
 public:
  explicit FakeChoiceStore(const PersonnummerVault* vault) : vault_(vault) {}

  // ---- the registry's records
  absl::StatusOr<std::optional<reg::Municipality>> GetMunicipality() override {
    return municipality_;
  }
  absl::StatusOr<std::optional<reg::Provider>> GetProvider(
      const std::string& provider_id) override {
    auto it = providers_.find(provider_id);
    if (it == providers_.end()) return std::optional<reg::Provider>();
    return std::optional<reg::Provider>(it->second);
  }
  absl::StatusOr<std::vector<reg::Provider>> ListProviders() override {
    std::vector<reg::Provider> out;
    for (const auto& [id, p] : providers_) out.push_back(p);
    return out;
  }
  absl::Status ApplyRegistry(const reg::RegistryEvent& event) override {
    if (event.has_municipality_configured()) {
      if (municipality_ &&
          event.aggregate_version() <= municipality_->version()) {
        return absl::OkStatus();
      }
      municipality_ = event.municipality_configured().municipality();
      municipality_->set_version(event.aggregate_version());
      return absl::OkStatus();
    }
    const reg::Provider* p = registry::ProviderOf(event);
    if (p == nullptr) return absl::InvalidArgumentError("no known payload");
    auto it = providers_.find(p->provider_id());
    if (it != providers_.end() &&
        event.aggregate_version() <= it->second.version()) {
      return absl::OkStatus();
    }
    providers_[p->provider_id()] = *p;
    providers_[p->provider_id()].set_version(event.aggregate_version());
    return absl::OkStatus();
  }

  // ---- the choice service's own state
  absl::StatusOr<std::optional<v1::Client>> GetClient(
      const std::string& client_id) override {
    auto it = clients_.find(client_id);
    if (it == clients_.end()) return std::optional<v1::Client>();
    v1::Client c = it->second;
    if (auto pnr = personnummer_.find(client_id); pnr != personnummer_.end()) {
      c.set_personnummer(pnr->second);
    }
    return std::optional<v1::Client>(std::move(c));
  }
  absl::StatusOr<std::vector<std::optional<v1::Client>>> GetClients(
      const std::vector<std::string>& client_ids) override {
    client_batches_.push_back(client_ids);
    std::vector<std::optional<v1::Client>> out;
    for (const auto& id : client_ids) out.push_back(*GetClient(id));
    return out;
  }
  // The ids of every GetClients call, in order: a list reads a page's
  // clients together.
  std::vector<std::vector<std::string>> client_batches_;
  absl::Status ApplyIndicators(
      const followup::v1::ProviderIndicators& indicators) override {
    if (absl::Status s = CheckIndicators(indicators); !s.ok()) return s;
    auto key = std::make_pair(indicators.provider_id(), indicators.zone_id());
    auto it = indicators_.find(key);
    if (it == indicators_.end() || Supersedes(indicators, it->second)) {
      indicators_[key] = indicators;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<IndicatorRows>> GetIndicators(
      const std::vector<std::string>& provider_ids,
      const std::string& zone_id) override {
    std::vector<IndicatorRows> out;
    for (const auto& id : provider_ids) {
      IndicatorRows rows;
      if (auto z = indicators_.find({id, zone_id}); z != indicators_.end()) {
        rows.zone = z->second;
      }
      if (auto a = indicators_.find({id, ""}); a != indicators_.end()) {
        rows.all_zones = a->second;
      }
      out.push_back(std::move(rows));
    }
    return out;
  }
  // Rows by (provider, zone; "" = all zones).
  std::map<std::pair<std::string, std::string>,
           followup::v1::ProviderIndicators>
      indicators_;
  absl::StatusOr<std::optional<std::string>> FindClientByHmac(
      const std::string& hmac) override {
    auto it = by_hmac_.find(hmac);
    if (it == by_hmac_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  absl::Status ApplyDataKey(const v1::ChoiceKeyEvent& event) override {
    const v1::ClientDataKeyIssued& issued = event.client_data_key_issued();
    data_keys_[issued.client_id()] = issued;
    Reveal(issued.client_id());
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::ChoicePolicy>> GetPolicy() override {
    return policy_;
  }
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) override {
    auto it = requests_.find(request_id);
    if (it == requests_.end()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(it->second);
  }
  absl::StatusOr<RotationPointer> GetRotation(
      const std::string& zone_id) override {
    return rotation_[zone_id];
  }
  absl::StatusOr<std::map<std::string, v1::ZoneHealth>> GetPublishedZoneHealth(
      int64_t* version) override {
    *version = zone_health_version_;
    return zone_health_;
  }
  absl::StatusOr<std::vector<DueCase>> DueCases(
      absl::CivilDay last_deadline) override {
    std::vector<std::pair<int64_t, std::string>> due;
    for (const auto& [member, deadline] : due_cases_) {
      if (deadline <= DayNumber(last_deadline))
        due.push_back({deadline, member});
    }
    std::sort(due.begin(), due.end());
    std::vector<DueCase> out;
    for (const auto& [deadline, member] : due) {
      const size_t bar = member.find('|');
      out.push_back({member.substr(0, bar), member.substr(bar + 1)});
    }
    return out;
  }
  absl::StatusOr<std::vector<std::string>> ClientsOf(
      const std::string& provider_id) override {
    const std::set<std::string>& ids = provider_clients_[provider_id];
    return std::vector<std::string>(ids.begin(), ids.end());
  }
  absl::StatusOr<std::vector<std::string>> SlotHolders(
      const std::string& provider_id, const std::string& zone_id,
      absl::CivilDay day) override {
    std::vector<std::pair<int64_t, std::string>> held;
    for (const auto& [client, last] : slots_[{provider_id, zone_id}]) {
      if (last >= DayNumber(day)) held.push_back({last, client});
    }
    std::sort(held.begin(), held.end());
    std::vector<std::string> out;
    for (const auto& [last, client] : held) out.push_back(client);
    return out;
  }
  absl::StatusOr<std::map<std::string, Occupancy>> Occupied(
      const std::vector<std::string>& provider_ids, const std::string& zone_id,
      absl::CivilDay day, const std::string& except_client_id) override {
    std::map<std::string, Occupancy> out;
    for (const auto& id : provider_ids) {
      out[id] = OccupancyOf(id, zone_id, day, except_client_id);
    }
    return out;
  }
  absl::Status Apply(const v1::ChoiceEvent& event) override {
    if (event.has_policy_configured()) {
      if (policy_ && event.aggregate_version() <= policy_->version()) {
        return absl::OkStatus();
      }
      policy_ = event.policy_configured().policy();
      RememberRequest(event);
      return absl::OkStatus();
    }
    if (event.has_zone_health()) {
      if (event.aggregate_version() <= zone_health_version_) {
        return absl::OkStatus();
      }
      zone_health_version_ = event.aggregate_version();
      const v1::ZoneHealth& h = event.zone_health();
      zone_health_[absl::StrCat(h.zone_id(), "|", h.category_id())] = h;
      return absl::OkStatus();
    }
    return ApplyClientEvent(event);
  }
  absl::StatusOr<Reservation> Reserve(const std::string& provider_id,
                                      const std::string& zone_id,
                                      const std::string& client_id,
                                      absl::CivilDay from, SlotLimits limits,
                                      int64_t minutes,
                                      const ReservationTag& tag) override {
    std::map<std::string, int64_t>& slots = slots_[{provider_id, zone_id}];
    std::map<std::string, int64_t>& held =
        slot_minutes_[{provider_id, zone_id}];
    const bool keeps =
        slots.contains(client_id) && slots[client_id] >= DayNumber(from);
    if (!keeps) {
      if (absl::Status s =
              CheckCaps(provider_id, zone_id, from, limits, minutes);
          !s.ok()) {
        return s;
      }
    }
    Reservation out{provider_id, zone_id, client_id,
                    absl::StrCat("token-", ++tokens_), tag.expires};
    const PendingKey key{provider_id, zone_id, client_id};
    if (auto it = pending_.find(key); it != pending_.end()) {
      it->second.reservation.expires =
          std::max(it->second.reservation.expires, tag.expires);
    } else {
      PendingSlot& p = pending_[key];
      p.reservation = out;
      p.owner = tag.owner;
      p.request_id = tag.request_id;
      if (slots.contains(client_id)) p.score = slots[client_id];
      if (held.contains(client_id)) p.minutes = held[client_id];
    }
    if (!keeps) held[client_id] = minutes;
    slots[client_id] = kOpenEnded;
    return out;
  }
  absl::StatusOr<bool> Release(const Reservation& r) override {
    auto it = pending_.find({r.provider_id, r.zone_id, r.client_id});
    if (it == pending_.end() || it->second.reservation.token != r.token ||
        it->second.reservation.expires != r.expires) {
      return false;
    }
    std::map<std::string, int64_t>& slots = slots_[{r.provider_id, r.zone_id}];
    std::map<std::string, int64_t>& held =
        slot_minutes_[{r.provider_id, r.zone_id}];
    if (it->second.score) {
      slots[r.client_id] = *it->second.score;
    } else {
      slots.erase(r.client_id);
    }
    if (it->second.minutes) {
      held[r.client_id] = *it->second.minutes;
    } else {
      held.erase(r.client_id);
    }
    pending_.erase(it);
    return true;
  }
  absl::StatusOr<std::vector<PendingReservation>> ExpiredReservations(
      absl::Time now) override {
    std::vector<PendingReservation> out;
    for (const auto& [key, p] : pending_) {
      if (p.reservation.expires <= now) {
        out.push_back({p.reservation, p.owner, p.request_id});
      }
    }
    return out;
  }
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override {
    locked_.push_back(aggregate_id);
    return std::make_unique<AggregateLock>();
  }

  // Clients holding a slot with the provider in the zone on `day`.
  int SlotsTaken(const std::string& provider_id, const std::string& zone_id,
                 absl::CivilDay day) {
    return OccupancyOf(provider_id, zone_id, day).clients;
  }
  // Whether the client's slot with the provider in the zone is pending.
  bool Pending(const std::string& provider_id, const std::string& zone_id,
               const std::string& client_id) const {
    return pending_.contains({provider_id, zone_id, client_id});
  }

  std::vector<std::string> locked_;

 private:
  using SlotKey = std::pair<std::string, std::string>;  // provider, zone
  // provider, zone, client
  using PendingKey = std::tuple<std::string, std::string, std::string>;
  // A pending slot and the client's slot before it.
  struct PendingSlot {
    Reservation reservation;
    std::string owner;
    std::string request_id;
    std::optional<int64_t> score;
    std::optional<int64_t> minutes;
  };

  absl::Status CheckCaps(const std::string& provider_id,
                         const std::string& zone_id, absl::CivilDay from,
                         SlotLimits limits, int64_t minutes) {
    const Occupancy used = OccupancyOf(provider_id, zone_id, from);
    if (limits.max_clients >= 0 && used.clients >= limits.max_clients) {
      return absl::FailedPreconditionError(absl::StrCat(
          "capacity cap: provider '", provider_id, "' has reached its cap of ",
          limits.max_clients, " clients in zone ", zone_id, " (", used.clients,
          " hold a place from ", FormatDate(from), ")"));
    }
    if (limits.max_minutes >= 0 &&
        used.minutes + minutes > limits.max_minutes) {
      return absl::FailedPreconditionError(absl::StrCat(
          "hours cap: provider '", provider_id, "' has reached its cap of ",
          HoursText(limits.max_minutes), " granted hours a month in zone ",
          zone_id, " (", HoursText(used.minutes), " h held from ",
          FormatDate(from), ", this client needs ", HoursText(minutes), " h)"));
    }
    return absl::OkStatus();
  }

  Occupancy OccupancyOf(const std::string& provider_id,
                        const std::string& zone_id, absl::CivilDay day,
                        const std::string& except_client_id = "") {
    Occupancy o;
    for (const auto& [client, last] : slots_[{provider_id, zone_id}]) {
      if (last < DayNumber(day) || client == except_client_id) continue;
      ++o.clients;
      o.minutes += slot_minutes_[{provider_id, zone_id}][client];
    }
    return o;
  }

  void RememberRequest(const v1::ChoiceEvent& event) {
    if (event.request_id().empty()) return;
    requests_[event.request_id()] =
        RequestRecord{event.request_fingerprint(), event.aggregate_id()};
  }

  absl::Status ApplyClientEvent(const v1::ChoiceEvent& event) {
    v1::Client& client = clients_[event.aggregate_id()];
    const int64_t current = client.version();
    if (event.aggregate_version() <= current) return absl::OkStatus();
    if (event.aggregate_version() != current + 1) {
      return absl::UnavailableError("an earlier event is not applied yet");
    }
    ApplyEvent(event, &client);
    client.clear_personnummer();
    RememberRequest(event);
    if (event.has_client_registered() &&
        !event.client_registered().personnummer_hmac().empty()) {
      by_hmac_[event.client_registered().personnummer_hmac()] =
          client.client_id();
    }
    if (event.has_client_registered()) {
      sealed_[client.client_id()] =
          event.client_registered().personnummer_sealed();
      Reveal(client.client_id());
    }
    if (event.has_assignment_started() || event.has_assignment_ended() ||
        event.has_decision_registered() || event.has_decision_changed() ||
        event.has_decision_revised()) {
      HoldSlots(client);
    }
    if (event.has_assignment_started()) {
      const auto& p = event.assignment_started();
      RotationPointer& r = rotation_[p.assignment().zone_id()];
      if (p.explanation().rotation_sequence() > r.sequence) {
        r = {p.explanation().rotation_sequence(), p.assignment().provider_id()};
      }
    }
    if (event.has_rechoice_case_opened()) {
      const auto& p = event.rechoice_case_opened();
      due_cases_[absl::StrCat(p.client_id(), "|", p.case_id())] =
          DayNumber(p.deadline());
    }
    if (event.has_rechoice_case_closed()) {
      const auto& p = event.rechoice_case_closed();
      due_cases_.erase(absl::StrCat(p.client_id(), "|", p.case_id()));
    }
    return absl::OkStatus();
  }

  // The personnummer, once both the sealed number and the key are in.
  void Reveal(const std::string& client_id) {
    auto key = data_keys_.find(client_id);
    auto sealed = sealed_.find(client_id);
    if (key == data_keys_.end() || sealed == sealed_.end()) return;
    absl::StatusOr<std::string> pnr =
        vault_->Reveal(key->second, sealed->second);
    if (pnr.ok()) personnummer_[client_id] = *pnr;
  }

  // The slots the client's assignments hold, as the Redis store keeps them.
  void HoldSlots(const v1::Client& client) {
    for (const HeldSlot& slot : HeldSlots(client)) {
      const SlotKey key{slot.provider_id, slot.zone_id};
      if (slot.last_day < 0) {
        slots_[key].erase(client.client_id());
        slot_minutes_[key].erase(client.client_id());
      } else {
        slots_[key][client.client_id()] = slot.last_day;
        slot_minutes_[key][client.client_id()] = slot.minutes;
      }
      provider_clients_[slot.provider_id].insert(client.client_id());
      pending_.erase({slot.provider_id, slot.zone_id, client.client_id()});
    }
  }

  std::optional<reg::Municipality> municipality_;
  std::map<std::string, reg::Provider> providers_;
  std::map<std::string, v1::Client> clients_;
  const PersonnummerVault* vault_;
  std::map<std::string, v1::ClientDataKeyIssued> data_keys_;
  std::map<std::string, std::string> sealed_;
  std::map<std::string, std::string> personnummer_;
  std::map<std::string, std::string> by_hmac_;
  std::optional<v1::ChoicePolicy> policy_;
  std::map<std::string, RequestRecord> requests_;
  std::map<std::string, RotationPointer> rotation_;
  std::map<std::string, v1::ZoneHealth> zone_health_;
  int64_t zone_health_version_ = 0;
  std::map<std::string, int64_t> due_cases_;  // "<client>|<case>" -> deadline
  std::map<std::string, std::set<std::string>> provider_clients_;
  std::map<SlotKey, std::map<std::string, int64_t>> slots_;  // -> last day
  std::map<SlotKey, std::map<std::string, int64_t>> slot_minutes_;
  std::map<PendingKey, PendingSlot> pending_;
  int tokens_ = 0;
};

class FakePublisher : public EventPublisher {
 public:
  absl::Status Publish(const std::vector<v1::ChoiceEvent>& events) override {
    if (!fail_with_.ok() && !reaches_log_anyway_) return fail_with_;
    events_.insert(events_.end(), events.begin(), events.end());
    return fail_with_;
  }
  absl::Status PublishKey(const v1::ChoiceKeyEvent& event) override {
    if (!fail_keys_with_.ok()) return fail_keys_with_;
    keys_.push_back(event);
    // Where the key stands among the events: before what follows it.
    key_positions_.push_back(events_.size());
    return absl::OkStatus();
  }
  std::vector<v1::ChoiceEvent> events_;
  absl::Status fail_with_;
  // The events reach the log although Publish answers fail_with_ (an
  // outcome reported unknown that was in fact stored).
  bool reaches_log_anyway_ = false;
  std::vector<v1::ChoiceKeyEvent> keys_;
  std::vector<size_t> key_positions_;
  absl::Status fail_keys_with_;
};

// The choice topic's end, as set by the test.
class FakeTopicEnd : public TopicEnd {
 public:
  absl::StatusOr<std::map<int32_t, int64_t>> HighWatermarks() override {
    return end_;
  }
  std::map<int32_t, int64_t> end_;
};

// How far the state projection has applied each partition of one topic, as
// set by the test.
class FakeOffsetStore : public OffsetStore {
 public:
  absl::StatusOr<std::optional<int64_t>> Load(const std::string& topic,
                                              int32_t partition) override {
    auto it = next_.find(partition);
    if (topic != kTopic || it == next_.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }
  absl::Status Save(const std::string& topic, int32_t partition,
                    int64_t next_offset) override {
    if (topic == kTopic) next_[partition] = next_offset;
    return absl::OkStatus();
  }
  static constexpr char kTopic[] = "lov.choice.v1";
  std::map<int32_t, int64_t> next_;
};

using ::lov::testing::FixedClock;
using ::lov::testing::UtcTime;
// The tests' "now": 09:00 UTC = 10:00 in Stockholm on Monday 2025-03-10.
inline absl::Time TestNow() { return UtcTime(2025, 3, 10, 9); }

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_TESTING_CHOICE_FAKES_H_
