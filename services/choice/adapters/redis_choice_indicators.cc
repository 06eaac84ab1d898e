// The follow-up service's indicators in RedisChoiceStore (see
// redis_choice_store.h): the latest row per provider and per provider and
// zone, from ProviderIndicatorsPublished on the follow-up topic.
#include "absl/strings/str_cat.h"
#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/platform/proto_util.h"

namespace lov::choice {
namespace {

// Keeps a row unless the one stored was computed for a later day (the rule
// of Supersedes, on "YYYY-MM-DD" texts, which order as dates). KEYS[1]: the
// provider's hash; ARGV: the field ("all" or "zone:<id>"), the row's as_of,
// the row. Returns 1 when kept (a row for the same day replaces the stored
// one, as a republished row does), 0 when the stored one is for a later day.
constexpr char kKeepIndicatorsScript[] = R"lua(
local stored = redis.call('HGET', KEYS[1], 'as_of:' .. ARGV[1])
if stored and stored > ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'as_of:' .. ARGV[1], ARGV[2], ARGV[1], ARGV[3])
return 1
)lua";

std::string FieldOf(const std::string& zone_id) {
  return zone_id.empty() ? "all" : "zone:" + zone_id;
}

absl::StatusOr<std::optional<fu::ProviderIndicators>> ParseRow(
    const RedisReply& reply) {
  if (reply.is_nil()) return std::nullopt;
  fu::ProviderIndicators row;
  if (!row.ParseFromString(reply.str)) {
    return absl::DataLossError("corrupt indicators record");
  }
  return row;
}

}  // namespace

absl::Status RedisChoiceStore::ApplyIndicators(
    const fu::ProviderIndicators& indicators) {
  if (absl::Status s = CheckIndicators(indicators); !s.ok()) return s;
  absl::StatusOr<RedisReply> kept = redis_->EvalSource(
      kKeepIndicatorsScript, {IndicatorsKey(indicators.provider_id())},
      {FieldOf(indicators.zone_id()), indicators.as_of(),
       SerializeDeterministic(indicators)});
  return kept.status();
}

absl::StatusOr<std::vector<IndicatorRows>> RedisChoiceStore::GetIndicators(
    const std::vector<std::string>& provider_ids, const std::string& zone_id) {
  std::vector<IndicatorRows> out;
  if (provider_ids.empty()) return out;
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : provider_ids) {
    reads.push_back({"HMGET", IndicatorsKey(id), FieldOf(zone_id), "all"});
  }
  absl::StatusOr<std::vector<RedisReply>> replies = redis_->Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (const RedisReply& r : *replies) {
    if (r.elements.size() != 2) {
      return absl::DataLossError("indicators read: HMGET gave no pair");
    }
    IndicatorRows rows;
    absl::StatusOr<std::optional<fu::ProviderIndicators>> zone =
        ParseRow(r.elements[0]);
    if (!zone.ok()) return zone.status();
    absl::StatusOr<std::optional<fu::ProviderIndicators>> all =
        ParseRow(r.elements[1]);
    if (!all.ok()) return all.status();
    rows.zone = *std::move(zone);
    rows.all_zones = *std::move(all);
    out.push_back(std::move(rows));
  }
  return out;
}

}  // namespace lov::choice
