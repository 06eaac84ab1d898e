// RedisChoiceStore in the state projection's batches (see
// redis_choice_store.h and StateBatchProjection in choice_projections.h):
// the clients of a batch read in one pipeline, the writes sent in one.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lov/choice/adapters/redis_choice_store.h"

namespace lov::choice {

absl::Status RedisChoiceStore::PrefetchClients(
    const std::vector<std::string>& client_ids) {
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> reads;
  for (const std::string& id : client_ids) {
    if (batch_clients_.count(id) > 0 ||
        std::find(ids.begin(), ids.end(), id) != ids.end()) {
      continue;
    }
    ids.push_back(id);
    reads.push_back({"HMGET", Key("client:" + id), "version", "data"});
  }
  if (reads.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<RedisReply>> r = redis_->Pipeline(reads);
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < ids.size(); ++i) {
    absl::StatusOr<StoredClient> c = ParseClient(ids[i], (*r)[i]);
    if (!c.ok()) return c.status();
    batch_clients_[ids[i]] = *std::move(c);
  }
  return absl::OkStatus();
}

absl::Status RedisChoiceStore::FinishBatch() {
  std::vector<std::string> reveals = std::move(batch_reveals_);
  batch_reveals_.clear();
  batch_clients_.clear();
  if (collect_ == nullptr) {
    return absl::FailedPreconditionError(
        "FinishBatch on a choice store made without a write batch");
  }
  absl::StatusOr<std::vector<RedisReply>> replies = collect_->Run(redis_);
  if (!replies.ok()) return replies.status();
  for (const RedisReply& r : *replies) {
    // kApplyScript's answer when the stored version is not the one read.
    if (r.type == RedisReply::Type::kInteger && r.integer == -1) {
      return absl::AbortedError(
          "a client's stored version changed while its batch was applied");
    }
  }
  for (const std::string& client_id : reveals) {
    if (absl::Status s = RevealPersonnummer(client_id); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace lov::choice
