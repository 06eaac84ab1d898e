#include "lov/platform/ids.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace lov {
namespace {

bool IsLowerHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

TEST(NewUuidTest, HasTheVersion4Format) {
  for (int i = 0; i < 1000; ++i) {
    const std::string uuid = NewUuid();
    ASSERT_EQ(uuid.size(), 36u) << uuid;
    for (size_t pos = 0; pos < uuid.size(); ++pos) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
        ASSERT_EQ(uuid[pos], '-') << uuid;
      } else {
        ASSERT_TRUE(IsLowerHex(uuid[pos])) << uuid;
      }
    }
    ASSERT_EQ(uuid[14], '4') << uuid;  // Version.
    ASSERT_NE(std::string("89ab").find(uuid[19]), std::string::npos)
        << uuid;  // RFC 4122 variant.
  }
}

TEST(NewUuidTest, UniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kPerThread; ++i) made[t].push_back(NewUuid());
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> unique;
  for (const auto& batch : made) unique.insert(batch.begin(), batch.end());
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(NewUuidTest, UsesAllVariantAndRandomNibbles) {
  // 122 random bits: over many ids every variant nibble appears.
  std::set<char> variants;
  for (int i = 0; i < 200; ++i) variants.insert(NewUuid()[19]);
  EXPECT_EQ(variants, (std::set<char>{'8', '9', 'a', 'b'}));
}

// Expected values from Python's uuid.uuid5 with the platform's namespace
// 6b1e0f52-3c8d-4a77-9e21-5dc408b3f619 (an independent implementation of
// RFC 4122 section 4.3).
TEST(NameUuidTest, IsTheRfc4122Version5IdOfTheName) {
  EXPECT_EQ(NameUuid("req-1 fp 0"), "63f0065a-37c9-5ec1-b30b-3c16cdedb889");
  EXPECT_EQ(NameUuid(""), "b798720d-6ed2-5eb6-8cf8-b34ff3265c6b");
  EXPECT_NE(NameUuid("req-1 fp 0"), NameUuid("req-1 fp 1"));
}

}  // namespace
}  // namespace lov
