#include "app/registry_app.h"

#include "absl/strings/str_cat.h"
#include "domain/history.h"
#include "domain/registry_rules.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"
#include "lov/platform/stockholm_time.h"

namespace lov::registry {
namespace {

constexpr char kMunicipalityAggregate[] = "municipality";

absl::StatusOr<absl::CivilDay> AsOf(const std::string& text,
                                    absl::CivilDay today) {
  if (text.empty()) return today;
  absl::StatusOr<absl::CivilDay> day = ParseDate(text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("as_of: ", day.status().message()));
  }
  return *day;
}

}  // namespace

absl::CivilDay RegistryApp::Today() const {
  return StockholmDate(clock_->Now());
}

v1::RegistryEvent RegistryApp::NewEvent(const std::string& aggregate_id,
                                        int64_t version,
                                        const std::string& request_id,
                                        const std::string& fingerprint) const {
  v1::RegistryEvent e;
  FillEnvelope(&e, aggregate_id, version, request_id, fingerprint,
               clock_->Now());
  return e;
}

absl::StatusOr<std::string> RegistryApp::PreviousResult(
    const std::string& request_id, const std::string& fingerprint) {
  absl::StatusOr<std::optional<RequestRecord>> seen =
      store_->GetRequest(request_id);
  if (!seen.ok()) return seen.status();
  return MatchPreviousRequest(*seen, request_id, fingerprint);
}

absl::StatusOr<v1::Municipality> RegistryApp::RequireMunicipality() {
  absl::StatusOr<std::optional<v1::Municipality>> m = store_->GetMunicipality();
  if (!m.ok()) return m.status();
  if (!m->has_value()) {
    return absl::FailedPreconditionError(
        "the municipality is not set up yet (ConfigureMunicipality first)");
  }
  return **m;
}

absl::StatusOr<v1::Provider> RegistryApp::Publish(v1::RegistryEvent event,
                                                  v1::Provider after) {
  if (absl::Status s = publisher_->Publish(event); !s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "the change was not stored (event log unavailable: ", s.message(),
        "); nothing was changed, retry with the same request_id"));
  }
  if (absl::Status s = store_->Apply(event); !s.ok()) {
    // The event is durable; the consumer will bring the state up to date.
    log::Warn("state update after publish failed; the consumer will apply it",
              {{"event_id", event.event_id()}, {"error", s}});
  }
  return after;
}

absl::StatusOr<v1::Municipality> RegistryApp::ConfigureMunicipality(
    const v1::ConfigureMunicipalityRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  v1::Municipality m = request.municipality();
  m.set_version(0);
  if (absl::Status s = ValidateMunicipality(m); !s.ok()) return s;
  const std::string fingerprint = RequestFingerprint(request);
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock(kMunicipalityAggregate);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::string> previous =
      PreviousResult(request.request_id(), fingerprint);
  if (previous.ok()) return GetMunicipality();
  if (!absl::IsNotFound(previous.status())) return previous.status();

  if (!m.in_house_provider_id().empty()) {
    absl::StatusOr<std::optional<v1::Provider>> in_house =
        store_->GetProvider(m.in_house_provider_id());
    if (!in_house.ok()) return in_house.status();
    if (absl::Status s = CheckInHouseProvider(
            m, in_house->has_value() ? &**in_house : nullptr);
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<std::optional<v1::Municipality>> current =
      store_->GetMunicipality();
  if (!current.ok()) return current.status();
  m.set_version(current->has_value() ? (*current)->version() + 1 : 1);
  v1::RegistryEvent event = NewEvent(kMunicipalityAggregate, m.version(),
                                     request.request_id(), fingerprint);
  *event.mutable_municipality_configured()->mutable_municipality() = m;
  if (absl::Status s = publisher_->Publish(event); !s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "the setup was not stored (event log unavailable: ", s.message(), ")"));
  }
  if (absl::Status s = store_->Apply(event); !s.ok()) {
    log::Warn("state update after publish failed", {{"error", s}});
  }
  return m;
}

absl::StatusOr<v1::Municipality> RegistryApp::GetMunicipality() {
  return RequireMunicipality();
}

absl::StatusOr<v1::Provider> RegistryApp::RegisterProvider(
    const v1::RegisterProviderRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::Provider> provider =
      registry::RegisterProvider(request, clock_->Now());
  if (!provider.ok()) return provider.status();
  const std::string fingerprint = RequestFingerprint(request);
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock(provider->provider_id());
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::string> previous =
      PreviousResult(request.request_id(), fingerprint);
  if (previous.ok()) {
    absl::StatusOr<std::optional<v1::Provider>> p =
        store_->GetProvider(*previous);
    if (!p.ok()) return p.status();
    if (p->has_value()) return **p;
  } else if (!absl::IsNotFound(previous.status())) {
    return previous.status();
  }
  absl::StatusOr<std::optional<v1::Provider>> existing =
      store_->GetProvider(provider->provider_id());
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "organisation_number: ", provider->organisation_number(),
        " is already registered as provider '", provider->provider_id(), "'"));
  }
  provider->set_version(1);
  v1::RegistryEvent event =
      NewEvent(provider->provider_id(), 1, request.request_id(), fingerprint);
  *event.mutable_provider_registered()->mutable_provider() = *provider;
  return Publish(std::move(event), *provider);
}

absl::StatusOr<v1::Provider> RegistryApp::ChangeProvider(
    const google::protobuf::Message& request, const std::string& request_id,
    const std::string& provider_id, const Decide& decide, const Fill& fill) {
  if (absl::Status s = RequireRequestId(request_id); !s.ok()) return s;
  if (provider_id.empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  const std::string fingerprint = RequestFingerprint(request);
  absl::StatusOr<std::unique_ptr<AggregateLock>> lock =
      store_->Lock(provider_id);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::string> previous =
      PreviousResult(request_id, fingerprint);
  const bool retry = previous.ok();
  if (!retry && !absl::IsNotFound(previous.status())) return previous.status();

  absl::StatusOr<std::optional<v1::Provider>> current =
      store_->GetProvider(provider_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: no provider '", provider_id, "'"));
  }
  if (retry) return **current;
  absl::StatusOr<v1::Municipality> m = RequireMunicipality();
  if (!m.ok()) return m.status();
  absl::StatusOr<v1::Provider> after = decide(*m, **current);
  if (!after.ok()) return after.status();
  after->set_version((*current)->version() + 1);
  v1::RegistryEvent event =
      NewEvent(provider_id, after->version(), request_id, fingerprint);
  fill(**current, *after, &event);
  return Publish(std::move(event), *after);
}

absl::StatusOr<v1::Provider> RegistryApp::UpdateProvider(
    const v1::UpdateProviderRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality&, const v1::Provider& p) {
        return registry::UpdateProvider(p, r);
      },
      [](const v1::Provider&, const v1::Provider& after, v1::RegistryEvent* e) {
        *e->mutable_provider_updated()->mutable_provider() = after;
      });
}

absl::StatusOr<v1::Provider> RegistryApp::SubmitApplication(
    const v1::SubmitApplicationRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::SubmitApplication(m, p, r, clock_->Now());
      },
      [](const v1::Provider&, const v1::Provider& after, v1::RegistryEvent* e) {
        auto* p = e->mutable_application_submitted();
        *p->mutable_provider() = after;
        p->set_application_id(
            after.applications(after.applications_size() - 1).application_id());
      });
}

absl::StatusOr<v1::Provider> RegistryApp::DecideApplication(
    const v1::DecideApplicationRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::DecideApplication(m, p, r, Today(), clock_->Now());
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        const v1::Application* app = nullptr;
        for (const auto& a : after.applications()) {
          if (a.application_id() == r.application_id()) app = &a;
        }
        if (r.approve()) {
          auto* p = e->mutable_application_approved();
          *p->mutable_provider() = after;
          p->set_application_id(r.application_id());
          p->set_effective_date(app->effective_date());
          *p->mutable_zone_ids() = app->zone_ids();
          *p->mutable_category_ids() = app->category_ids();
        } else {
          auto* p = e->mutable_application_rejected();
          *p->mutable_provider() = after;
          p->set_application_id(r.application_id());
          p->set_reason(r.reason());
        }
      });
}

absl::StatusOr<v1::Provider> RegistryApp::SetCapacity(
    const v1::SetCapacityRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::SetCapacity(m, p, r, Today());
      },
      [&r](const v1::Provider& before, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_capacity_changed();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        for (const auto& c : before.capacity()) {
          if (c.zone_id() == r.zone_id()) *p->mutable_previous() = c;
        }
        for (const auto& c : after.capacity()) {
          if (c.zone_id() == r.zone_id()) *p->mutable_current() = c;
        }
      });
}

absl::StatusOr<v1::Provider> RegistryApp::GiveNotice(
    const v1::GiveNoticeRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::GiveNotice(m, p, r, Today());
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_notice_given();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        p->set_effective_date(
            after.notices(after.notices_size() - 1).effective_date());
        p->set_reason(r.reason());
      });
}

absl::StatusOr<v1::Provider> RegistryApp::WithdrawNotice(
    const v1::WithdrawNoticeRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::WithdrawNotice(m, p, r, Today());
      },
      [&r](const v1::Provider& before, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_notice_withdrawn();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        for (int i = 0; i < after.notices_size(); ++i) {
          if (after.notices(i).withdrawn() && !before.notices(i).withdrawn()) {
            p->set_effective_date(after.notices(i).effective_date());
          }
        }
        p->set_reason(r.reason());
      });
}

absl::StatusOr<v1::Provider> RegistryApp::SetIntakePaused(
    const v1::SetIntakePausedRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality& m, const v1::Provider& p) {
        return registry::SetIntakePaused(m, p, r);
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_intake_pause_changed();
        *p->mutable_provider() = after;
        p->set_zone_id(r.zone_id());
        p->set_paused(r.paused());
        p->set_reason(r.reason());
      });
}

absl::StatusOr<v1::Provider> RegistryApp::ImposeSanction(
    const v1::ImposeSanctionRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality&, const v1::Provider& p) {
        return registry::ImposeSanction(p, r, Today());
      },
      [](const v1::Provider&, const v1::Provider& after, v1::RegistryEvent* e) {
        auto* p = e->mutable_sanction_imposed();
        *p->mutable_provider() = after;
        *p->mutable_sanction() = after.sanctions(after.sanctions_size() - 1);
      });
}

absl::StatusOr<v1::Provider> RegistryApp::LiftSuspension(
    const v1::LiftSuspensionRequest& r) {
  return ChangeProvider(
      r, r.request_id(), r.provider_id(),
      [&](const v1::Municipality&, const v1::Provider& p) {
        return registry::LiftSuspension(p, r, Today());
      },
      [&r](const v1::Provider&, const v1::Provider& after,
           v1::RegistryEvent* e) {
        auto* p = e->mutable_suspension_lifted();
        *p->mutable_provider() = after;
        p->set_sanction_id(r.sanction_id());
        p->set_reason(r.reason());
      });
}

absl::StatusOr<v1::ProviderStatus> RegistryApp::GetProvider(
    const v1::GetProviderRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of(), Today());
  if (!day.ok()) return day.status();
  absl::StatusOr<v1::Municipality> m = RequireMunicipality();
  if (!m.ok()) return m.status();
  absl::StatusOr<std::optional<v1::Provider>> p =
      store_->GetProvider(request.provider_id());
  if (!p.ok()) return p.status();
  if (!p->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: no provider '", request.provider_id(), "'"));
  }
  return StatusAsOf(*m, **p, *day);
}

absl::StatusOr<v1::ListProvidersResponse> RegistryApp::ListProviders(
    const v1::ListProvidersRequest& request) {
  absl::StatusOr<absl::CivilDay> day = AsOf(request.as_of(), Today());
  if (!day.ok()) return day.status();
  absl::StatusOr<v1::Municipality> m = RequireMunicipality();
  if (!m.ok()) return m.status();
  bool zone_known = request.zone_id().empty();
  for (const auto& z : m->zones())
    zone_known |= z.zone_id() == request.zone_id();
  if (!zone_known) {
    return absl::InvalidArgumentError(
        absl::StrCat("zone_id: unknown zone '", request.zone_id(), "'"));
  }
  bool category_known = request.category_id().empty();
  for (const auto& c : m->categories()) {
    category_known |= c.category_id() == request.category_id();
  }
  if (!category_known) {
    return absl::InvalidArgumentError(absl::StrCat(
        "category_id: unknown category '", request.category_id(), "'"));
  }
  absl::StatusOr<std::vector<v1::Provider>> all = store_->ListProviders();
  if (!all.ok()) return all.status();
  v1::ListProvidersResponse out;
  for (const auto& p : *all) {
    v1::ProviderStatus status = StatusAsOf(*m, p, *day);
    v1::ProviderStatus filtered = status;
    filtered.clear_statuses();
    for (const auto& s : status.statuses()) {
      if ((request.zone_id().empty() || s.zone_id() == request.zone_id()) &&
          (request.category_id().empty() ||
           s.category_id() == request.category_id()) &&
          (!request.accepting_only() || s.accepting_new_clients())) {
        *filtered.add_statuses() = s;
      }
    }
    const bool unfiltered = request.zone_id().empty() &&
                            request.category_id().empty() &&
                            !request.accepting_only();
    if (unfiltered || !filtered.statuses().empty()) {
      *out.add_providers() = unfiltered ? status : filtered;
    }
  }
  return out;
}

absl::StatusOr<v1::GetProviderHistoryResponse> RegistryApp::GetProviderHistory(
    const v1::GetProviderHistoryRequest& request) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  absl::StatusOr<std::optional<v1::Provider>> p =
      store_->GetProvider(request.provider_id());
  if (!p.ok()) return p.status();
  if (!p->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: no provider '", request.provider_id(), "'"));
  }
  absl::StatusOr<std::vector<v1::HistoryEntry>> h =
      store_->History(request.provider_id());
  if (!h.ok()) return h.status();
  v1::GetProviderHistoryResponse out;
  for (auto& e : *h) *out.add_entries() = std::move(e);
  return out;
}

}  // namespace lov::registry
