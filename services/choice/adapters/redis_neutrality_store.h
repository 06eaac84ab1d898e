#ifndef LOV_SERVICES_CHOICE_ADAPTERS_REDIS_NEUTRALITY_STORE_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_REDIS_NEUTRALITY_STORE_H_

#include <string>
#include <vector>

#include "lov/choice/ports.h"
#include "lov/platform/projection.h"
#include "lov/platform/redis.h"

namespace lov::choice {

// The neutrality audit's state in Redis, under "<prefix>:" beside the rest
// of the choice service's state (rebuilt with it from the choice topic):
//   neutrality:shown:<zone>|<category>       zset of fresh lists shown
//   neutrality:allocated:<zone>|<category>   zset of non-choice allocations
// Members "<list or assignment id>\t<provider that came out>\t<providers
// treated alike, comma-separated>", scored by the Stockholm day (days since
// 1970-01-01) of the event. The same event gives the same member, so a
// replay changes nothing.
class RedisNeutralityStore : public NeutralityStore {
 public:
  // With `collect`, Apply adds its writes there instead of making them
  // (the state projection's batches).
  RedisNeutralityStore(RedisClient* redis, std::string prefix,
                       RedisWriteBatch* collect = nullptr)
      : redis_(redis), prefix_(std::move(prefix)), collect_(collect) {}

  absl::Status Apply(const v1::ChoiceEvent& event) override;
  absl::StatusOr<std::vector<NeutralityTrial>> Trials(
      NeutralityKind kind, const std::string& zone_id,
      const std::string& category_id, absl::CivilDay from,
      absl::CivilDay to) override;

 private:
  std::string Key(NeutralityKind kind, const std::string& zone_id,
                  const std::string& category_id) const;

  RedisClient* redis_;
  std::string prefix_;
  RedisWriteBatch* collect_ = nullptr;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_REDIS_NEUTRALITY_STORE_H_
