// The rebuild's own events without the record script. While the state is
// being rebuilt (its ready key not yet set), almost every visit read from
// the topics is new to Redis, so what the record script would do to it is
// known here: no reservation to release, no slots held, no version stored
// but the ones this batch sets. The batch is then sent as the plain
// commands the script would have run, in one MULTI/EXEC, under WATCH of
// its visits and of the offsets it moves, so that another writer (the
// write path of this process, which listens before it serves, or a second
// replica rebuilding too) makes EXEC fail and the batch go the script's
// way instead. Redis's one thread then skips the Lua interpreter, which
// the profile showed bound the rebuild (docs/performance.md).
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/log.h"
#include "lov/visits/adapters/redis_visit_store.h"

namespace lov::visits {
namespace {

using Writes = RedisClient::TransactionWrites;

// What the record script hands to later() (redis_batch::ForEachItem), as
// plain commands: one entry per op and key in the order first deferred, its
// fields in the order first seen; HINCRBY summed per field, HMAX the
// greatest value, SADD/SREM members merged.
class Deferred {
 public:
  void Add(const std::string& op, const std::string& key,
           const std::string& field, int64_t value) {
    auto [at, fresh] = index_.emplace(std::pair(op, key), entries_.size());
    if (fresh) entries_.push_back({op, key, {}, {}});
    Entry& e = entries_[at->second];
    auto [v, first] = e.values.emplace(field, value);
    if (first) {
      e.fields.push_back(field);
    } else if (op == "HINCRBY") {
      v->second += value;
    } else if (op == "HMAX") {
      v->second = std::max(v->second, value);
    }
  }

  // `stored(key, field)`: an HMAX field's value in Redis (0 if none).
  template <typename Stored>
  void AppendTo(Writes* out, const Stored& stored) const {
    for (const Entry& e : entries_) {
      if (e.op == "HINCRBY") {
        for (const std::string& f : e.fields) {
          out->push_back({"HINCRBY", e.key, f, std::to_string(e.values.at(f))});
        }
      } else if (e.op == "HMAX") {
        for (const std::string& f : e.fields) {
          const int64_t v = e.values.at(f);
          if (v > stored(e.key, f)) {
            out->push_back({"HSET", e.key, f, std::to_string(v)});
          }
        }
      } else {
        // In slices, as the script sends them.
        for (size_t s = 0; s < e.fields.size(); s += 500) {
          std::vector<std::string> cmd = {e.op, e.key};
          const size_t end = std::min(s + 500, e.fields.size());
          cmd.insert(cmd.end(), e.fields.begin() + s, e.fields.begin() + end);
          out->push_back(std::move(cmd));
        }
      }
    }
  }

 private:
  struct Entry {
    std::string op, key;
    std::vector<std::string> fields;
    std::map<std::string, int64_t> values;
  };
  std::vector<Entry> entries_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
};

// The keys of a SLOTS op, packed as redis_batch::PackItem packs keys.
std::optional<std::vector<std::string>> UnpackKeys(const std::string& packed) {
  auto read = [&](size_t at, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v = (v << 8) | static_cast<unsigned char>(packed[at + i]);
    }
    return v;
  };
  if (packed.size() < 4) return std::nullopt;
  const uint64_t n = read(0, 2);
  std::vector<std::string> keys;
  size_t at = 4;
  for (uint64_t i = 0; i < n; ++i) {
    if (packed.size() < at + 4) return std::nullopt;
    const uint64_t len = read(at, 4);
    at += 4;
    if (packed.size() < at + len) return std::nullopt;
    keys.push_back(packed.substr(at, len));
    at += len;
  }
  return keys;
}

int64_t Number(const std::string& s) {
  int64_t v = 0;
  return absl::SimpleAtoi(s, &v) ? v : 0;
}

// The record script's effect on visits that are not in Redis, from its
// arguments (RedisVisitStore::ApplyArguments) in the batch's order, with
// the same deferred commands at the end; nullopt for an op it does not
// know here (a rejection's: those batches take the script).
std::optional<Writes> RecordFresh(
    const std::vector<std::string>& visit_keys,
    const std::vector<std::vector<std::string>>& args,
    const std::map<std::pair<std::string, std::string>, int64_t>& offsets) {
  Writes out;
  Deferred later;
  // The version each visit has after the events before (the script's
  // HMGET of it: the batch's own writes; no owner, no slots held).
  std::map<std::string, int64_t> version;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::vector<std::string>& a = args[i];
    if (!a[10].empty()) later.Add("HMAX", a[9], a[10], Number(a[11]));
    if (a[0] == "0") continue;
    int64_t& stored = version[visit_keys[i]];
    if (Number(a[0]) <= stored) continue;
    std::vector<std::string> hset = {"HSET", visit_keys[i], "state",
                                     "done", "version",     a[0]};
    const char* names[] = {"outcome", "current", "voided", "fp"};
    for (int f = 0; f < 4; ++f) {
      if (a[1 + f].empty()) continue;
      hset.push_back(names[f]);
      hset.push_back(a[1 + f]);
    }
    out.push_back(std::move(hset));
    later.Add("SREM", a[5], a[6], 0);
    out.push_back({"RPUSH", a[7], a[8]});
    for (size_t j = 12; j + 4 <= a.size(); j += 4) {
      const std::string &op = a[j], &key = a[j + 1], &x = a[j + 2],
                        &y = a[j + 3];
      if (op == "HINCRBY") {
        later.Add(op, key, x, Number(y));
      } else if (op == "SADD") {
        later.Add(op, key, x, 0);
      } else if (op == "SLOTS") {
        std::optional<std::vector<std::string>> slots = UnpackKeys(key);
        if (!slots) return std::nullopt;
        for (const std::string& slot : *slots)
          out.push_back({"ZADD", slot, x, y});
      } else if (op == "ZADD") {
        out.push_back({"ZADD", key, x, y});
      } else if (op == "ZREM") {
        out.push_back({"ZREM", key, x});
      } else if (op == "RPUSH" || op == "SET") {
        out.push_back({op, key, x});
      } else {
        return std::nullopt;
      }
    }
    stored = Number(a[0]);
  }
  later.AppendTo(&out, [&](const std::string& key, const std::string& field) {
    auto it = offsets.find({key, field});
    return it == offsets.end() ? int64_t{0} : it->second;
  });
  return out;
}

}  // namespace

absl::StatusOr<bool> RedisVisitStore::ReplayFresh(
    const std::vector<Applied>& events) {
  std::vector<std::string> visit_keys, distinct;
  std::vector<std::vector<std::string>> args;
  std::set<std::string> seen;
  std::map<std::string, std::set<std::string>> applied;  // key -> partitions
  for (const Applied& a : events) {
    // A rejection's cap and expiry read and trim what is stored: the script.
    if (a.event->has_visit_rejected()) return false;
    visit_keys.push_back(Key("visit:" + a.event->aggregate_id()));
    if (seen.insert(visit_keys.back()).second) {
      distinct.push_back(visit_keys.back());
    }
    args.push_back(ApplyArguments(a));
    if (!args.back()[10].empty())
      applied[args.back()[9]].insert(args.back()[10]);
  }
  std::vector<std::string> watch = distinct;
  std::vector<std::vector<std::string>> reads = {{"EXISTS", ReadyKey()},
                                                 {"EXISTS"}};
  reads[1].insert(reads[1].end(), distinct.begin(), distinct.end());
  for (const auto& [key, partitions] : applied) {
    watch.push_back(key);
    reads.push_back({"HMGET", key});
    reads.back().insert(reads.back().end(), partitions.begin(),
                        partitions.end());
  }
  bool qualified = false;
  auto decide =
      [&](const std::vector<RedisReply>& r) -> absl::StatusOr<Writes> {
    if (r.size() != reads.size()) {
      return absl::InternalError("unexpected replies to the replay's reads");
    }
    if (r[0].integer != 0) {
      built_.store(true);
      return Writes();
    }
    if (r[1].integer != 0) return Writes();  // a visit is there: the script
    std::map<std::pair<std::string, std::string>, int64_t> offsets;
    size_t k = 2;
    for (const auto& [key, partitions] : applied) {
      size_t f = 0;
      for (const std::string& p : partitions) {
        const RedisReply& v = r[k].elements.at(f++);
        if (!v.is_nil()) offsets[{key, p}] = Number(v.str);
      }
      ++k;
    }
    std::optional<Writes> writes = RecordFresh(visit_keys, args, offsets);
    if (!writes) return Writes();
    qualified = true;
    return *std::move(writes);
  };
  absl::StatusOr<std::optional<std::vector<RedisReply>>> done =
      redis_->WatchedTransaction(watch, reads, decide);
  if (!done.ok()) return done.status();
  if (!qualified) return false;
  if (!done->has_value()) {
    log::Debug(
        "replay: a visit or offset changed meanwhile; the batch takes "
        "the record script",
        {{"events", static_cast<int64_t>(events.size())}});
    return false;
  }
  replayed_plain_ += static_cast<int64_t>(events.size());
  return true;
}

}  // namespace lov::visits
