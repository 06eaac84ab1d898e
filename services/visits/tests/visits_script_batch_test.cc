// The batched script runner (redis_script_batch.h) against the real Redis:
// counters deferred with later('HINCRBY', ...) end as one HINCRBY per
// report would leave them, whichever way they are sent (one command per
// field, or one HMGET and one HSET for a key of three fields or more).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "lov/platform/redis.h"
#include "lov/visits/adapters/redis_script_batch.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

using redis_batch::Batched;
using redis_batch::EvalEach;
using redis_batch::ScriptCall;

// ARGV: field, increment, field, increment, ...
constexpr char kCountScript[] = R"lua(
for i = 1, #ARGV, 2 do later('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
)lua";

std::map<std::string, std::string> Hash(RedisClient* redis,
                                        const std::string& key) {
  std::map<std::string, std::string> out;
  absl::StatusOr<RedisReply> r = redis->Command({"HGETALL", key});
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    out[r->elements[i].str] = r->elements[i + 1].str;
  }
  return out;
}

TEST(VisitsScriptBatchTest, DeferredCountersEndAsOneHincrbyEachWould) {
  auto redis = ::lov::testing::Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisClient* r = redis->get();
  const std::string prefix = "test:" + NewUuid().substr(0, 8) + ":batch";
  // Keys touched in one field, two, three and seven; fields there before,
  // negative increments, and a field whose increments sum to zero.
  const std::vector<std::string> keys = {"one", "two", "three", "seven"};
  const std::vector<std::vector<std::vector<std::string>>> items = {
      {{"one", "c", "30"}, {"two", "c", "5", "s", "7"}},
      {{"three", "p|h|c", "45", "p|h|s", "90", "p|h|n", "1"}},
      {{"three", "p|h|c", "-45", "p|h|s", "-90", "p|h|n", "-1"},
       {"seven", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6",
        "g", "-7"}},
      {{"three", "p|h|c", "20", "p|h|s", "20", "p|h|n", "1", "q|h|c", "10"}},
      {{"seven", "a", "1", "b", "-2", "h", "8"}, {"one", "c", "-30"}},
  };
  for (const std::string& side : {"batched", "plain"}) {
    ASSERT_TRUE(r->Command({"HSET", absl::StrCat(prefix, ":", side, ":three"),
                            "p|h|c", "100", "x", "1"})
                    .ok());
    ASSERT_TRUE(r->Command({"HSET", absl::StrCat(prefix, ":", side, ":seven"),
                            "a", "-3", "g", "7"})
                    .ok());
  }
  std::vector<ScriptCall> calls;
  for (const auto& item : items) {
    for (const auto& count : item) {
      ScriptCall call{{absl::StrCat(prefix, ":batched:", count[0])}, {}};
      call.args.assign(count.begin() + 1, count.end());
      calls.push_back(call);
      for (size_t i = 1; i + 1 < count.size(); i += 2) {
        ASSERT_TRUE(
            r->Command({"HINCRBY", absl::StrCat(prefix, ":plain:", count[0]),
                        count[i], count[i + 1]})
                .ok());
      }
    }
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      EvalEach(r, Batched<kCountScript>(), calls);
  ASSERT_TRUE(replies.ok()) << replies.status();
  for (const std::string& key : keys) {
    const auto batched = Hash(r, absl::StrCat(prefix, ":batched:", key));
    EXPECT_FALSE(batched.empty()) << key;
    EXPECT_EQ(batched, Hash(r, absl::StrCat(prefix, ":plain:", key))) << key;
  }
  // Worked by hand: 100 + 45 - 45 + 20 = 120; the field summing to zero
  // is kept as "0", as HINCRBY keeps it.
  const auto three = Hash(r, prefix + ":batched:three");
  EXPECT_EQ(three.at("p|h|c"), "120");
  EXPECT_EQ(three.at("x"), "1");
  EXPECT_EQ(Hash(r, prefix + ":batched:one").at("c"), "0");
  EXPECT_EQ(Hash(r, prefix + ":batched:seven").at("a"), "-1");
  for (const std::string& side : {"batched", "plain"}) {
    for (const std::string& key : keys) {
      (void)r->Command({"DEL", absl::StrCat(prefix, ":", side, ":", key)});
    }
  }
}

}  // namespace
}  // namespace lov::visits
