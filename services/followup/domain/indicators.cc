#include "lov/followup/domain/indicators.h"

#include <algorithm>
#include <set>
#include <utility>

#include "google/protobuf/util/message_differencer.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {
namespace {

// What one row (provider, zone; zone "" for all zones) counts.
struct Tally {
  std::vector<VisitFact> visits;
  std::set<std::string> listed;
  int complaints = 0;
  int deviations = 0;
};

using RowKey = std::pair<std::string, std::string>;  // provider, zone

// The clients' assignments, to find a zone by client, provider and date.
class Zones {
 public:
  explicit Zones(const std::vector<Listing>& listings) {
    for (const Listing& l : listings) by_client_[l.client_id].push_back(&l);
  }
  // The zone of the client's assignment with `provider` covering `day`
  // (the latest starting one if several do); "" if none.
  std::string Of(const std::string& client, const std::string& provider,
                 absl::CivilDay day) const {
    auto it = by_client_.find(client);
    if (client.empty() || it == by_client_.end()) return "";
    const Listing* found = nullptr;
    for (const Listing* l : it->second) {
      if (l->provider_id != provider || !l->Covers(day)) continue;
      if (found == nullptr || l->from > found->from ||
          (l->from == found->from && l->zone_id < found->zone_id)) {
        found = l;
      }
    }
    return found == nullptr ? "" : found->zone_id;
  }

 private:
  std::map<std::string, std::vector<const Listing*>> by_client_;
};

// Whether the date text lies in [from, to]; an unreadable one does not.
bool DateIn(const std::string& text, absl::CivilDay from, absl::CivilDay to,
            absl::CivilDay* day) {
  absl::StatusOr<absl::CivilDay> d = ParseDate(text);
  if (!d.ok() || *d < from || *d > to) return false;
  *day = *d;
  return true;
}

}  // namespace

absl::CivilDay ContinuityFrom(absl::CivilDay as_of) {
  return as_of - kContinuityDays;
}

absl::CivilDay TwelveMonthsFrom(absl::CivilDay as_of) {
  const absl::CivilMonth month(as_of.year() - 1, as_of.month());
  const int day = std::min<int>(as_of.day(), DaysInMonth(month));
  return absl::CivilDay(month.year(), month.month(), day) + 1;
}

double Per1000(int count, int listed) {
  if (listed <= 0 || count <= 0) return 0;
  // Tenths, rounded half up on exact integers: (2n + d) / 2d.
  const int64_t num = static_cast<int64_t>(count) * 10000;
  const int64_t tenths = (2 * num + listed) / (2 * int64_t{listed});
  return static_cast<double>(tenths) / 10.0;
}

std::vector<v1::ProviderIndicators> ComputeIndicators(const IndicatorInputs& in,
                                                      absl::CivilDay as_of,
                                                      bool by_zone) {
  const absl::CivilDay from = ContinuityFrom(as_of);
  const absl::Time start = StartOfDay(from);
  const absl::Time end = StartOfDay(as_of);
  const absl::CivilDay year_from = TwelveMonthsFrom(as_of);
  const Zones zones(in.listings);
  std::map<RowKey, Tally> rows;
  // Counts into the provider's all-zones row and its zone's row.
  auto each = [&](const std::string& provider, const std::string& zone,
                  auto&& add) {
    add(rows[{provider, ""}]);
    if (!zone.empty()) add(rows[{provider, zone}]);
  };
  for (const VisitFact& v : in.visits) {
    if (v.start < start || v.start >= end) continue;
    each(v.provider_id,
         zones.Of(v.client_id, v.provider_id, StockholmDate(v.start)),
         [&](Tally& t) { t.visits.push_back(v); });
  }
  for (const Listing& l : in.listings) {
    if (!l.Covers(as_of)) continue;
    each(l.provider_id, l.zone_id,
         [&](Tally& t) { t.listed.insert(l.client_id); });
  }
  absl::CivilDay day;
  for (const v1::Complaint& c : in.complaints) {
    if (!DateIn(c.received_date(), year_from, as_of, &day)) continue;
    each(c.provider_id(), zones.Of(c.client_id(), c.provider_id(), day),
         [](Tally& t) { ++t.complaints; });
  }
  for (const v1::Deviation& d : in.deviations) {
    if (!DateIn(d.reported_date(), year_from, as_of, &day)) continue;
    each(d.provider_id(), zones.Of(d.client_id(), d.provider_id(), day),
         [](Tally& t) { ++t.deviations; });
  }
  for (const auto& [provider, survey] : in.surveys) rows[{provider, ""}];

  std::vector<v1::ProviderIndicators> out;
  for (const auto& [key, t] : rows) {
    const auto& [provider, zone] = key;
    if (!zone.empty() && !by_zone) continue;
    v1::ProviderIndicators r;
    r.set_provider_id(provider);
    r.set_zone_id(zone);
    r.set_as_of(FormatDate(as_of));
    r.set_continuity_from_date(FormatDate(from));
    for (const ContinuityResult& c : Continuity(t.visits, from)) {
      if (c.provider_id != provider) continue;
      r.set_continuity_clients(c.clients);
      r.set_median_staff(c.median_staff);
      r.set_visits(c.visits);
      r.set_visits_with_exceptions(c.visits_with_exceptions);
    }
    const int listed = static_cast<int>(t.listed.size());
    r.set_listed_clients(listed);
    r.set_complaints_12m(t.complaints);
    r.set_deviations_12m(t.deviations);
    r.set_complaints_per_1000_clients(Per1000(t.complaints, listed));
    r.set_deviations_per_1000_clients(Per1000(t.deviations, listed));
    auto survey = in.surveys.find(provider);
    if (survey != in.surveys.end()) *r.mutable_survey() = survey->second;
    out.push_back(std::move(r));
  }
  return out;
}

bool SameFigures(const v1::ProviderIndicators& a,
                 const v1::ProviderIndicators& b) {
  v1::ProviderIndicators x = a;
  v1::ProviderIndicators y = b;
  for (v1::ProviderIndicators* p : {&x, &y}) {
    p->clear_as_of();
    p->clear_continuity_from_date();
  }
  return google::protobuf::util::MessageDifferencer::Equals(x, y);
}

}  // namespace lov::followup
