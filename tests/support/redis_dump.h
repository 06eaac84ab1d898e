#ifndef LOV_TESTS_SUPPORT_REDIS_DUMP_H_
#define LOV_TESTS_SUPPORT_REDIS_DUMP_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/redis.h"
#include "test_stack.h"

namespace lov::testing {

// Every key under `prefix` with its contents (hash fields and sorted-set
// members with their values and scores, sorted; lists in order), one line a
// key, the prefix cut off: to compare two states kept under two prefixes.
inline std::string DumpRedis(RedisClient& redis, const std::string& prefix) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    auto r = redis.Command(
        {"SCAN", cursor, "MATCH", prefix + ":*", "COUNT", "1000"});
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return "";
    cursor = r->elements[0].str;
    for (const auto& k : r->elements[1].elements) keys.push_back(k.str);
  } while (cursor != "0");
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const std::string& key : keys) {
    std::string type = redis.Command({"TYPE", key})->str;
    std::vector<std::string> items;
    std::vector<std::string> read;
    if (type == "string") read = {"GET", key};
    if (type == "hash") read = {"HGETALL", key};
    if (type == "set") read = {"SMEMBERS", key};
    if (type == "zset") read = {"ZRANGE", key, "0", "-1", "WITHSCORES"};
    if (type == "list") read = {"LRANGE", key, "0", "-1"};
    auto r = redis.Command(read);
    EXPECT_TRUE(r.ok()) << key << ": " << r.status();
    if (!r.ok()) continue;
    if (r->elements.empty()) items.push_back(r->str);
    for (size_t i = 0; i < r->elements.size(); ++i) {
      // Hash fields and zset members with their value or score.
      const bool pairs = type == "hash" || type == "zset";
      if (pairs && i + 1 < r->elements.size()) {
        items.push_back(r->elements[i].str + "=" + r->elements[i + 1].str);
        ++i;
      } else {
        items.push_back(r->elements[i].str);
      }
    }
    if (type != "list") std::sort(items.begin(), items.end());
    absl::StrAppend(&out, key.substr(prefix.size()), " ", type, ":");
    for (const std::string& item : items) absl::StrAppend(&out, " ", item);
    absl::StrAppend(&out, "\n");
  }
  return out;
}

// Applies `events` in batches of every size 1..N, each size to a fresh state
// under its own prefix (`make_batch(prefix)` gives the batch handler), and
// expects every state, and the same state after all events come again, to
// dump as `expected` (usually the one-by-one state).
template <typename Event, typename MakeBatch>
void ExpectEveryBatchSizeGives(RedisClient& redis,
                               const std::vector<Event>& events,
                               const std::string& name,
                               const std::string& expected,
                               MakeBatch make_batch) {
  for (size_t size = 1; size <= events.size(); ++size) {
    const std::string prefix = UniqueName("it:" + name + "-batch");
    auto batch = make_batch(prefix);
    for (size_t from = 0; from < events.size(); from += size) {
      const size_t to = std::min(events.size(), from + size);
      std::vector<Event> part(events.begin() + from, events.begin() + to);
      auto s = batch(part);
      ASSERT_TRUE(s.ok()) << "batch size " << size << ": " << s;
    }
    EXPECT_EQ(DumpRedis(redis, prefix), expected) << "batch size " << size;
    ASSERT_TRUE(batch(events).ok());  // a redelivery changes nothing
    EXPECT_EQ(DumpRedis(redis, prefix), expected) << "again, size " << size;
  }
}

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_REDIS_DUMP_H_
