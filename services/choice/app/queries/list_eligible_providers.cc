// The providers a client may choose among on a day, in a neutral order
// (shuffled by a seed that is logged and returned, so the list shown can be
// reproduced in an audit), a page at a time: the later pages follow the
// first page's seed, which their page token carries.
#include <algorithm>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/app/list_shown.h"
#include "lov/choice/app/queries/comparable_info.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/log.h"
#include "lov/platform/paging.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// The seed asked for, or a fresh one.
uint64_t SeedOr(uint64_t seed) {
  while (seed == 0) {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  return seed;
}

void Describe(const Standing& s, const reg::Provider& p,
              const std::vector<std::string>& categories,
              v1::EligibleProvider* e) {
  e->set_provider_id(s.provider_id);
  e->set_name(p.name());
  e->set_kind(p.kind());
  *e->mutable_profile() = p.profile();
  e->set_capped(s.capped);
  if (s.capped) {
    e->set_max_clients(s.max_clients);
    e->set_free_slots(std::max(0, s.max_clients - s.occupied));
  }
  if (s.max_minutes > 0) {
    e->set_max_hours_per_month(static_cast<int32_t>(s.max_minutes / 60));
  }
  for (const auto& cat : categories) e->add_category_ids(cat);
}

// The selectable ones, by provider id (the neutral order shuffles these).
std::vector<const Standing*> Selectable(const std::vector<Standing>& all) {
  std::vector<const Standing*> eligible;
  for (const auto& s : all) {
    if (s.selectable) eligible.push_back(&s);
  }
  std::sort(eligible.begin(), eligible.end(),
            [](const Standing* a, const Standing* b) {
              return a->provider_id < b->provider_id;
            });
  return eligible;
}

}  // namespace

absl::StatusOr<v1::ListEligibleProvidersResponse>
ChoiceApp::ListEligibleProviders(
    const v1::ListEligibleProvidersRequest& request) {
  if (absl::Status s = RequireClientId(request.client_id()); !s.ok()) return s;
  absl::StatusOr<v1::Client> c = RequireClient(request.client_id());
  if (!c.ok()) return c.status();
  if (absl::Status s = RequireActive(*c); !s.ok()) return s;
  absl::StatusOr<ChoiceContext> ctx = LoadContext();
  if (!ctx.ok()) return ctx.status();
  absl::StatusOr<absl::CivilDay> day =
      DateOr("as_of", request.as_of(), ctx->today);
  if (!day.ok()) return day.status();
  absl::StatusOr<std::string> language = NormalizeLanguage(request.language());
  if (!language.ok()) return language.status();
  const std::string day_text = FormatDate(*day);
  absl::StatusOr<PageRequest> page = ReadPageRequest(
      request.page_size(), request.page_token(),
      ListQuery({"choice.ListEligibleProviders", request.client_id(), day_text,
                 absl::StrJoin(request.category_ids(), ","), *language}));
  if (!page.ok()) return page.status();
  // The key of a shown provider: the seed, then its place in that order.
  uint64_t token_seed = 0;
  if (!page->after.empty() &&
      (page->after.size() != 2 ||
       !absl::SimpleAtoi(page->after[0], &token_seed) || token_seed == 0 ||
       (request.seed() != 0 && request.seed() != token_seed))) {
    return absl::InvalidArgumentError(
        "page_token: made for another seed or list; pass the previous "
        "answer's next_page_token unchanged, with seed 0 or that answer's "
        "seed");
  }
  const v1::Decision* decision = DecisionFor(*c, day_text);
  if (decision == nullptr) {
    return absl::FailedPreconditionError(
        "the client has no decision in force on or after as_of: register a "
        "decision first");
  }
  absl::StatusOr<std::vector<std::vector<std::string>>> groups =
      ChoiceGroups(ctx->policy, *decision, request.category_ids());
  if (!groups.ok()) return groups.status();
  std::vector<std::string> categories;
  for (const auto& g : *groups) {
    categories.insert(categories.end(), g.begin(), g.end());
  }
  absl::StatusOr<std::vector<Standing>> standings =
      Standings(*store_, *ctx, ZoneOn(*c, day_text), categories, *day,
                c->client_id(), GrantedMinutes(*c, categories, day_text));
  if (!standings.ok()) return standings.status();
  const std::vector<const Standing*> eligible =
      OfferingLanguage(Selectable(*standings), *ctx, *language);
  v1::ListEligibleProvidersResponse out;
  out.set_client_id(c->client_id());
  out.set_as_of(day_text);
  out.set_seed(SeedOr(token_seed != 0 ? token_seed : request.seed()));
  const std::string seed_text = absl::StrCat(out.seed());
  PageBuilder<size_t> shown(*page);
  size_t place = 0;
  for (size_t i : NeutralOrder(eligible.size(), out.seed())) {
    if (shown.full()) break;
    shown.Offer({seed_text, SortableNumber(place++)}, i);
  }
  for (size_t i : shown.Take(out.mutable_next_page_token())) {
    Describe(*eligible[i], *ctx->Provider(eligible[i]->provider_id), categories,
             out.add_providers());
  }
  if (absl::Status s = AttachIndicators(*store_, ZoneOn(*c, day_text), &out);
      !s.ok()) {
    return s;
  }
  // A first page is recorded for the neutrality audit before it is
  // answered (app/list_shown.h).
  if (page->after.empty()) {
    ListShown record{ZoneOn(*c, day_text), categories, out.seed(), day_text};
    for (const auto& p : out.providers()) {
      record.shown_provider_ids.push_back(p.provider_id());
    }
    for (const Standing* s : eligible) {
      record.eligible_provider_ids.push_back(s->provider_id);
    }
    record.reproduction = request.seed() != 0;
    record.language = *language;
    if (absl::Status s = RecordListShown(*publisher_, *clock_, record);
        !s.ok()) {
      return s;
    }
  }
  log::Info("eligible list shown",
            {{"client_id", c->client_id()},
             {"seed", static_cast<uint64_t>(out.seed())},
             {"as_of", out.as_of()},
             {"language", *language},
             {"providers", static_cast<int64_t>(out.providers_size())}});
  return out;
}

}  // namespace lov::choice
