// The batched script runner (redis_script_batch.h) against the real Redis:
// counters deferred with later('HINCRBY', ...) end as one HINCRBY per
// report would leave them, whichever way they are sent (one command per
// field, or one HMGET and one HSET for a key of three fields or more); each
// item's keys and arguments, packed into one argument, reach its script
// byte for byte; a malformed item fails the call before any item writes.
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
  for (const char* side : {"batched", "plain"}) {
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
  for (const char* side : {"batched", "plain"}) {
    for (const std::string& key : keys) {
      (void)r->Command({"DEL", absl::StrCat(prefix, ":", side, ":", key)});
    }
  }
}

// Hands each item's KEYS and ARGV back as they arrived.
constexpr char kEchoScript[] = R"lua(
return {KEYS, ARGV}
)lua";

std::vector<std::string> Strings(const RedisReply& array) {
  std::vector<std::string> out;
  for (const RedisReply& e : array.elements) {
    EXPECT_EQ(e.type, RedisReply::Type::kString);
    out.push_back(e.str);
  }
  return out;
}

TEST(VisitsScriptBatchTest, PackedItemsReachTheirScriptByteForByte) {
  auto redis = ::lov::testing::Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  std::vector<std::string> many;  // as many as an item may have
  for (int i = 0; i < 4000; ++i) many.push_back(std::to_string(i * 7));
  std::vector<ScriptCall> calls = {
      {{}, {}},
      {{"test:k1"},
       {"", "a", std::string("\0\r\n$*3\r\n", 9), every_byte,
        std::string(70000, 'x') + "end"}},
      {{"test:a", "", "test:c"}, many},
      {{}, {"only", "arguments"}},
  };
  // More items than a batch of reports, in order.
  for (int i = 0; i < 1200; ++i) {
    calls.push_back(
        {{absl::StrCat("test:item:", i)}, {std::to_string(i), every_byte}});
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      EvalEach(redis->get(), Batched<kEchoScript>(), calls);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    const RedisReply& reply = (*replies)[i];
    ASSERT_EQ(reply.elements.size(), 2u) << i;
    EXPECT_EQ(Strings(reply.elements[0]), calls[i].keys) << i;
    EXPECT_EQ(Strings(reply.elements[1]), calls[i].args) << i;
  }
}

TEST(VisitsScriptBatchTest, ItemThatDoesNotFitIsRefusedBeforeRedis) {
  ScriptCall too_many{{"k"}, std::vector<std::string>(4001, "a")};
  absl::StatusOr<std::string> packed = redis_batch::PackItem(too_many);
  EXPECT_EQ(packed.status().code(), absl::StatusCode::kInvalidArgument);
  too_many.args.pop_back();
  packed = redis_batch::PackItem(too_many);
  ASSERT_TRUE(packed.ok()) << packed.status();
  // Two counts of two bytes, then four bytes of length and one of data for
  // each string.
  EXPECT_EQ(packed->size(), 4u + 5u * 4001u);
  EXPECT_EQ(packed->substr(0, 4), std::string("\0\x01\x0f\xa0", 4));
}

// ARGV[1]: a value written to KEYS[1].
constexpr char kSetScript[] = R"lua(
redis.call('SET', KEYS[1], ARGV[1])
return 1
)lua";

TEST(VisitsScriptBatchTest, MalformedItemFailsTheCallBeforeAnyWrite) {
  auto redis = ::lov::testing::Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisClient* r = redis->get();
  const std::string key = "test:" + NewUuid().substr(0, 8) + ":batch:set";
  absl::StatusOr<std::string> first = redis_batch::PackItem({{key}, {"one"}});
  absl::StatusOr<std::string> second =
      redis_batch::PackItem({{key + ":2"}, {"two"}});
  ASSERT_TRUE(first.ok() && second.ok());
  // The second item cut short, and the second with a byte too many.
  for (const std::string& bad :
       {second->substr(0, second->size() - 1), *second + "!"}) {
    absl::StatusOr<RedisReply> reply =
        r->EvalSource(Batched<kSetScript>(), {}, {*first, bad});
    EXPECT_FALSE(reply.ok());
    absl::StatusOr<RedisReply> exists = r->Command({"EXISTS", key, key + ":2"});
    ASSERT_TRUE(exists.ok()) << exists.status();
    EXPECT_EQ(exists->integer, 0);
  }
  absl::StatusOr<RedisReply> reply =
      r->EvalSource(Batched<kSetScript>(), {}, {*first, *second});
  ASSERT_TRUE(reply.ok()) << reply.status();
  absl::StatusOr<RedisReply> value = r->Command({"GET", key + ":2"});
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(value->str, "two");
  (void)r->Command({"DEL", key, key + ":2"});
}

}  // namespace
}  // namespace lov::visits
