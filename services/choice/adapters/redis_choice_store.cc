#include "lov/choice/adapters/redis_choice_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/contract/provider_record.h"

namespace lov::choice {
namespace {

// Writes a new version of an aggregate's record and the index changes that
// go with it, all or nothing. ARGV[1]: the version the caller read ('' =
// any older one), ARGV[2]: the new version, ARGV[3]: the record ('' = keep),
// then groups of four: op, key index, arg, arg. Returns 1 when written, 0
// when the stored version is already as new (a duplicate), -1 when the
// stored version is not the one read (someone else wrote first).
constexpr char kApplyScript[] = R"lua(
local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if tonumber(ARGV[2]) <= cur then return 0 end
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return -1 end
redis.call('HSET', KEYS[1], 'version', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'data', ARGV[3]) end
local i = 4
while i <= #ARGV do
  local op, k, a, b = ARGV[i], KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], ARGV[i + 3]
  if op == 'SET' then redis.call('SET', k, a)
  elseif op == 'ZADD' then redis.call('ZADD', k, a, b)
  elseif op == 'ZREM' then redis.call('ZREM', k, a)
  elseif op == 'SADD' then redis.call('SADD', k, a)
  elseif op == 'HSET' then redis.call('HSET', k, a, b)
  elseif op == 'HDEL' then redis.call('HDEL', k, a)
  elseif op == 'DEL' then redis.call('DEL', k)
  elseif op == 'MAXSEQ' then
    local seq = tonumber(redis.call('HGET', k, 'seq') or '0')
    if tonumber(a) > seq then redis.call('HSET', k, 'seq', a, 'provider', b) end
  end
  i = i + 4
end
return 1
)lua";

// Sets the decrypted personnummer (ARGV[1]) of the client KEYS[1] if its
// data key KEYS[2] is still stored.
constexpr char kRevealScript[] = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[1], 'personnummer', ARGV[1])
end
return 1
)lua";

// Builds the argument list of kApplyScript.
class Ops {
 public:
  explicit Ops(std::string aggregate_key) { keys_.push_back(aggregate_key); }
  void Add(const std::string& op, const std::string& key, std::string a,
           std::string b = "") {
    auto it = std::find(keys_.begin(), keys_.end(), key);
    size_t index = it - keys_.begin();
    if (it == keys_.end()) keys_.push_back(key);
    ops_.insert(ops_.end(),
                {op, std::to_string(index + 1), std::move(a), std::move(b)});
  }
  std::vector<std::string> Args(const std::string& expected, int64_t version,
                                const std::string& data) const {
    std::vector<std::string> args = {expected, std::to_string(version), data};
    args.insert(args.end(), ops_.begin(), ops_.end());
    return args;
  }
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> ops_;
};

}  // namespace

absl::StatusOr<std::optional<registry::v1::Municipality>>
RedisChoiceStore::GetMunicipality() {
  return ReadProto<registry::v1::Municipality>(
      redis_, Key("registry:municipality"), "data");
}

absl::StatusOr<std::optional<registry::v1::Provider>>
RedisChoiceStore::GetProvider(const std::string& provider_id) {
  return ReadProto<registry::v1::Provider>(
      redis_, Key("registry:provider:" + provider_id), "data");
}

absl::StatusOr<std::vector<registry::v1::Provider>>
RedisChoiceStore::ListProviders() {
  absl::StatusOr<RedisReply> ids =
      redis_->Command({"SMEMBERS", Key("registry:providers")});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  for (const auto& id : ids->elements) {
    reads.push_back({"HGET", Key("registry:provider:" + id.str), "data"});
  }
  std::vector<registry::v1::Provider> out;
  if (reads.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> data = redis_->Pipeline(reads);
  if (!data.ok()) return data.status();
  for (const auto& d : *data) {
    if (d.is_nil()) continue;
    registry::v1::Provider p;
    if (!p.ParseFromString(d.str)) {
      return absl::DataLossError("corrupt provider record");
    }
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.provider_id() < b.provider_id();
  });
  return out;
}

absl::Status RedisChoiceStore::ApplyRegistry(
    const registry::v1::RegistryEvent& event) {
  const registry::v1::Provider* provider = nullptr;
  switch (event.payload_case()) {
    case registry::v1::RegistryEvent::kMunicipalityConfigured: {
      Ops ops(Key("registry:municipality"));
      return Write(
          ops.keys(),
          ops.Args("", event.aggregate_version(),
                   SerializeDeterministic(
                       event.municipality_configured().municipality())));
    }
    default:
      provider = registry::ProviderOf(event);
      break;
  }
  if (provider == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registry event ", event.event_id(), " has no known payload"));
  }
  Ops ops(Key("registry:provider:" + provider->provider_id()));
  ops.Add("SADD", Key("registry:providers"), provider->provider_id());
  return Write(ops.keys(), ops.Args("", event.aggregate_version(),
                                    SerializeDeterministic(*provider)));
}

namespace {

// A client from HMGET data personnummer.
absl::StatusOr<std::optional<v1::Client>> ClientOf(const std::string& client_id,
                                                   const RedisReply& r) {
  if (r.elements.size() != 2 || r.elements[0].is_nil()) {
    return std::optional<v1::Client>();
  }
  v1::Client c;
  if (!c.ParseFromString(r.elements[0].str)) {
    return absl::DataLossError(absl::StrCat("corrupt client ", client_id));
  }
  if (!r.elements[1].is_nil()) c.set_personnummer(r.elements[1].str);
  return std::optional<v1::Client>(std::move(c));
}

}  // namespace

absl::StatusOr<std::optional<v1::Client>> RedisChoiceStore::GetClient(
    const std::string& client_id) {
  absl::StatusOr<RedisReply> r = redis_->Command(
      {"HMGET", Key("client:" + client_id), "data", "personnummer"});
  if (!r.ok()) return r.status();
  return ClientOf(client_id, *r);
}

absl::StatusOr<std::vector<std::optional<v1::Client>>>
RedisChoiceStore::GetClients(const std::vector<std::string>& client_ids) {
  std::vector<std::optional<v1::Client>> out;
  if (client_ids.empty()) return out;
  std::vector<std::vector<std::string>> reads;
  reads.reserve(client_ids.size());
  for (const auto& id : client_ids) {
    reads.push_back({"HMGET", Key("client:" + id), "data", "personnummer"});
  }
  // One round trip for the page.
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(reads);
  if (!r.ok()) return r.status();
  out.reserve(client_ids.size());
  for (size_t i = 0; i < client_ids.size(); ++i) {
    absl::StatusOr<std::optional<v1::Client>> c =
        ClientOf(client_ids[i], (*r)[i]);
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<std::optional<std::string>> RedisChoiceStore::FindClientByHmac(
    const std::string& personnummer_hmac) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"GET", Key("pnr:" + personnummer_hmac)});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<std::string>();
  return std::optional<std::string>(r->str);
}

absl::Status RedisChoiceStore::ApplyDataKey(const v1::ChoiceKeyEvent& event) {
  const v1::ClientDataKeyIssued& issued = event.client_data_key_issued();
  if (issued.client_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key event ", event.event_id(), " has no client data key"));
  }
  std::vector<std::string> set = {"SET", Key("data-key:" + issued.client_id()),
                                  SerializeDeterministic(issued)};
  if (collect_ != nullptr) {
    collect_->AddCommand(std::move(set));
    batch_reveals_.push_back(issued.client_id());
    return absl::OkStatus();
  }
  if (absl::Status s = redis_->Command(set).status(); !s.ok()) return s;
  return RevealPersonnummer(issued.client_id());
}

absl::Status RedisChoiceStore::ForgetDataKey(const std::string& client_id) {
  if (collect_ != nullptr) {
    collect_->AddCommand({"DEL", Key("data-key:" + client_id)});
    collect_->AddCommand({"HDEL", Key("client:" + client_id), "personnummer"});
    return absl::OkStatus();
  }
  return redis_
      ->Pipeline({{"DEL", Key("data-key:" + client_id)},
                  {"HDEL", Key("client:" + client_id), "personnummer"}})
      .status();
}

absl::Status RedisChoiceStore::RevealPersonnummer(
    const std::string& client_id) {
  const std::string client_key = Key("client:" + client_id);
  const std::string key_key = Key("data-key:" + client_id);
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(
      {{"HMGET", client_key, "personnummer_sealed", "personnummer"},
       {"GET", key_key}});
  if (!r.ok()) return r.status();
  const std::vector<RedisReply>& fields = (*r)[0].elements;
  if (fields.size() != 2 || fields[0].is_nil() || !fields[1].is_nil() ||
      (*r)[1].is_nil()) {
    return absl::OkStatus();  // a part is missing, or done already
  }
  v1::ClientDataKeyIssued issued;
  if (!issued.ParseFromString((*r)[1].str)) {
    return absl::DataLossError(
        absl::StrCat("corrupt data key of client ", client_id));
  }
  absl::StatusOr<std::string> pnr = vault_->Reveal(issued, fields[0].str);
  if (!pnr.ok()) {
    log::Error("personnummer not decrypted; the client is kept without it",
               {{"client_id", client_id}, {"error", pnr.status()}});
    return absl::OkStatus();
  }
  // Only while the key is still there: a shredding in between wins.
  return redis_->EvalSource(kRevealScript, {client_key, key_key}, {*pnr})
      .status();
}

absl::StatusOr<std::optional<v1::ChoicePolicy>> RedisChoiceStore::GetPolicy() {
  return ReadProto<v1::ChoicePolicy>(redis_, Key("policy"), "data");
}

absl::StatusOr<std::optional<RequestRecord>> RedisChoiceStore::GetRequest(
    const std::string& request_id) {
  return ReadRequestRecord(redis_, Key("request:" + request_id));
}

absl::StatusOr<RotationPointer> RedisChoiceStore::GetRotation(
    const std::string& zone_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HMGET", Key("rotation:" + zone_id), "seq", "provider"});
  if (!r.ok()) return r.status();
  RotationPointer p;
  if (r->elements.size() == 2 && !r->elements[0].is_nil()) {
    p.sequence = std::stoll(r->elements[0].str);
    p.provider_id = r->elements[1].str;
  }
  return p;
}

absl::StatusOr<std::map<std::string, v1::ZoneHealth>>
RedisChoiceStore::GetPublishedZoneHealth(int64_t* version) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HGETALL", Key("zone-health")});
  if (!r.ok()) return r.status();
  std::map<std::string, v1::ZoneHealth> out;
  *version = 0;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    const std::string& field = r->elements[i].str;
    if (field == "version") {
      *version = std::stoll(r->elements[i + 1].str);
      continue;
    }
    v1::ZoneHealth h;
    if (!h.ParseFromString(r->elements[i + 1].str)) {
      return absl::DataLossError("corrupt zone health");
    }
    out[field] = std::move(h);
  }
  return out;
}

absl::StatusOr<std::vector<DueCase>> RedisChoiceStore::DueCases(
    absl::CivilDay last_deadline) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"ZRANGEBYSCORE", Key("due-cases"), "-inf",
                       std::to_string(DayNumber(last_deadline))});
  if (!r.ok()) return r.status();
  std::vector<DueCase> out;
  for (const auto& e : r->elements) {
    auto bar = e.str.find('|');
    if (bar == std::string::npos) continue;
    out.push_back({e.str.substr(0, bar), e.str.substr(bar + 1)});
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> RedisChoiceStore::ClientsOf(
    const std::string& provider_id) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"SMEMBERS", Key("provider-clients:" + provider_id)});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::vector<std::string>> RedisChoiceStore::SlotHolders(
    const std::string& provider_id, const std::string& zone_id,
    absl::CivilDay day) {
  absl::StatusOr<RedisReply> r =
      redis_->Command({"ZRANGEBYSCORE", SlotsKey(provider_id, zone_id),
                       std::to_string(DayNumber(day)), "+inf"});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  return out;
}

absl::StatusOr<std::map<std::string, Occupancy>> RedisChoiceStore::Occupied(
    const std::vector<std::string>& provider_ids, const std::string& zone_id,
    absl::CivilDay day, const std::string& except_client_id) {
  std::map<std::string, Occupancy> out;
  if (provider_ids.empty()) return out;
  // The holders on `day`, then their minutes: two round trips in all.
  std::vector<std::vector<std::string>> holders_of;
  for (const auto& id : provider_ids) {
    holders_of.push_back({"ZRANGEBYSCORE", SlotsKey(id, zone_id),
                          std::to_string(DayNumber(day)), "+inf"});
  }
  absl::StatusOr<std::vector<RedisReply>> holders =
      redis_->Pipeline(holders_of);
  if (!holders.ok()) return holders.status();
  std::vector<std::vector<std::string>> minutes_of;
  std::vector<std::string> asked;
  for (size_t i = 0; i < provider_ids.size() && i < holders->size(); ++i) {
    std::vector<std::string> cmd = {"HMGET",
                                    SlotMinutesKey(provider_ids[i], zone_id)};
    for (const auto& c : (*holders)[i].elements) {
      if (c.str != except_client_id) cmd.push_back(c.str);
    }
    out[provider_ids[i]] = Occupancy(static_cast<int>(cmd.size() - 2), 0);
    if (cmd.size() == 2) continue;
    minutes_of.push_back(std::move(cmd));
    asked.push_back(provider_ids[i]);
  }
  if (minutes_of.empty()) return out;
  absl::StatusOr<std::vector<RedisReply>> minutes =
      redis_->Pipeline(minutes_of);
  if (!minutes.ok()) return minutes.status();
  for (size_t i = 0; i < asked.size() && i < minutes->size(); ++i) {
    int64_t sum = 0;
    for (const auto& m : (*minutes)[i].elements) {
      int64_t v = 0;
      if (absl::SimpleAtoi(m.str, &v)) sum += v;
    }
    out[asked[i]].minutes = sum;
  }
  return out;
}

absl::Status RedisChoiceStore::Apply(const v1::ChoiceEvent& event) {
  return Update(event, /*from_log=*/false);
}

absl::Status RedisChoiceStore::ApplyFromLog(const v1::ChoiceEvent& event) {
  // Lists shown are the audit's alone; allocations feed it too.
  if (event.has_eligible_list_shown()) return neutrality_.Apply(event);
  if (absl::Status s = neutrality_.Apply(event); !s.ok()) return s;
  return Update(event, /*from_log=*/true);
}

absl::Status RedisChoiceStore::Update(const v1::ChoiceEvent& event,
                                      bool from_log) {
  const std::string request_record = RequestRecordOf(event);
  if (event.has_policy_configured()) {
    Ops ops(Key("policy"));
    if (!request_record.empty()) {
      ops.Add("SET", Key("request:" + event.request_id()), request_record);
    }
    return Write(
        ops.keys(),
        ops.Args("", event.aggregate_version(),
                 SerializeDeterministic(event.policy_configured().policy())));
  }
  if (event.has_zone_health()) {
    const v1::ZoneHealth& h = event.zone_health();
    Ops ops(Key("zone-health"));
    ops.Add("HSET", Key("zone-health"),
            absl::StrCat(h.zone_id(), "|", h.category_id()),
            SerializeDeterministic(h));
    return Write(ops.keys(), ops.Args("", event.aggregate_version(), ""));
  }
  return ApplyClientEvent(event, from_log);
}

absl::Status RedisChoiceStore::ApplyClientEvent(const v1::ChoiceEvent& event,
                                                bool from_log) {
  const std::string client_key = Key("client:" + event.aggregate_id());
  for (int attempt = 0; attempt < 5; ++attempt) {
    absl::StatusOr<StoredClient> stored = ReadClient(event.aggregate_id());
    if (!stored.ok()) return stored.status();
    const int64_t current = stored->version;
    v1::Client client = std::move(stored->client);
    if (event.aggregate_version() <= current) return absl::OkStatus();
    if (event.aggregate_version() != current + 1) {
      // An earlier event of this client is not applied yet: the projection
      // applies it (see Apply / ApplyFromLog).
      if (!from_log) {
        return absl::UnavailableError(absl::StrCat(
            "client ", event.aggregate_id(), " is at version ", current,
            "; event version ", event.aggregate_version(), " must wait"));
      }
      log::Warn("client event applied over dead-lettered versions",
                {{"client_id", event.aggregate_id()},
                 {"state_version", current},
                 {"event_version", event.aggregate_version()},
                 {"event_id", event.event_id()}});
    }
    ApplyEvent(event, &client);
    client.clear_personnummer();

    Ops ops(client_key);
    if (!event.request_id().empty()) {
      ops.Add("SET", Key("request:" + event.request_id()),
              RequestRecordOf(event));
    }
    if (event.has_client_registered() &&
        !event.client_registered().personnummer_hmac().empty()) {
      ops.Add("SET",
              Key("pnr:" + event.client_registered().personnummer_hmac()),
              client.client_id());
    }
    if (event.has_assignment_started() || event.has_assignment_ended() ||
        event.has_decision_registered() || event.has_decision_changed() ||
        event.has_decision_revised()) {
      // The slots the client's assignments hold (HeldSlots), each weighing
      // its granted minutes.
      for (const HeldSlot& slot : HeldSlots(client)) {
        const std::string slots_key = SlotsKey(slot.provider_id, slot.zone_id);
        const std::string minutes_key =
            SlotMinutesKey(slot.provider_id, slot.zone_id);
        if (slot.last_day < 0) {
          ops.Add("ZREM", slots_key, client.client_id());
          ops.Add("HDEL", minutes_key, client.client_id());
        } else {
          ops.Add("ZADD", slots_key, std::to_string(slot.last_day),
                  client.client_id());
          ops.Add("HSET", minutes_key, client.client_id(),
                  std::to_string(slot.minutes));
        }
        ops.Add("SADD", Key("provider-clients:" + slot.provider_id),
                client.client_id());
        // The state now says what the client holds there: a reservation
        // pending for that slot is settled.
        const std::string pending =
            PendingKey(slot.provider_id, slot.zone_id, client.client_id());
        ops.Add("DEL", pending, "");
        ops.Add("ZREM", PendingIndexKey(), pending);
      }
    }
    if (event.has_assignment_started() &&
        event.assignment_started().explanation().rotation_sequence() > 0) {
      const auto& p = event.assignment_started();
      ops.Add("MAXSEQ", Key("rotation:" + p.assignment().zone_id()),
              std::to_string(p.explanation().rotation_sequence()),
              p.assignment().provider_id());
    }
    if (event.has_rechoice_case_opened()) {
      const auto& p = event.rechoice_case_opened();
      ops.Add("ZADD", Key("due-cases"), std::to_string(DayNumber(p.deadline())),
              absl::StrCat(p.client_id(), "|", p.case_id()));
    }
    if (event.has_rechoice_case_closed()) {
      const auto& p = event.rechoice_case_closed();
      ops.Add("ZREM", Key("due-cases"),
              absl::StrCat(p.client_id(), "|", p.case_id()));
    }
    if (event.has_client_registered() &&
        !event.client_registered().personnummer_sealed().empty()) {
      ops.Add("HSET", client_key, "personnummer_sealed",
              event.client_registered().personnummer_sealed());
    }
    std::vector<std::string> args =
        ops.Args(std::to_string(current), event.aggregate_version(),
                 SerializeDeterministic(client));
    if (collect_ != nullptr) {
      Collect(event, ops.keys(), args, std::move(client));
      return absl::OkStatus();
    }
    absl::StatusOr<RedisReply> written =
        redis_->EvalSource(kApplyScript, ops.keys(), args);
    if (!written.ok()) return written.status();
    if (written->integer == -1) continue;
    return event.has_client_registered()
               ? RevealPersonnummer(event.aggregate_id())
               : absl::OkStatus();
  }
  return absl::AbortedError(absl::StrCat("client ", event.aggregate_id(),
                                         " kept changing while applying ",
                                         event.event_id()));
}

absl::StatusOr<RedisChoiceStore::StoredClient> RedisChoiceStore::ParseClient(
    const std::string& client_id, const RedisReply& hmget) {
  StoredClient out;
  if (hmget.elements.size() == 2 && !hmget.elements[0].is_nil()) {
    out.version = std::stoll(hmget.elements[0].str);
    if (!out.client.ParseFromString(hmget.elements[1].str)) {
      return absl::DataLossError(absl::StrCat("corrupt client ", client_id));
    }
  }
  return out;
}

absl::StatusOr<RedisChoiceStore::StoredClient> RedisChoiceStore::ReadClient(
    const std::string& client_id) {
  if (collect_ != nullptr) {
    auto it = batch_clients_.find(client_id);
    if (it != batch_clients_.end()) return it->second;
  }
  absl::StatusOr<RedisReply> r =
      redis_->Command({"HMGET", Key("client:" + client_id), "version", "data"});
  if (!r.ok()) return r.status();
  return ParseClient(client_id, *r);
}

void RedisChoiceStore::Collect(const v1::ChoiceEvent& event,
                               const std::vector<std::string>& keys,
                               const std::vector<std::string>& args,
                               v1::Client client) {
  collect_->AddScript(kApplyScript, keys, args);
  batch_clients_[event.aggregate_id()] = {event.aggregate_version(),
                                          std::move(client)};
  if (event.has_client_registered()) {
    batch_reveals_.push_back(event.aggregate_id());
  }
}

absl::Status RedisChoiceStore::Write(const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  if (collect_ != nullptr) {
    collect_->AddScript(kApplyScript, keys, args);
    return absl::OkStatus();
  }
  return redis_->EvalSource(kApplyScript, keys, args).status();
}

absl::StatusOr<std::unique_ptr<AggregateLock>> RedisChoiceStore::Lock(
    const std::string& aggregate_id) {
  return LockAggregate(redis_, prefix_, aggregate_id);
}

}  // namespace lov::choice
