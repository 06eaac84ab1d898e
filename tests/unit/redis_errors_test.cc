// Which Redis error replies are outages (retried, never a dead-lettered
// event) and which are about the command itself. The texts are Redis 7's
// own, as a client sees them (scripts keep the code in front).
#include <gtest/gtest.h>

#include <string>

#include "lov/platform/kafka.h"
#include "lov/platform/redis.h"

namespace lov {
namespace {

TEST(RedisErrorStatusTest, ServerStateErrorsAreUnavailable) {
  for (const std::string reply : {
           "LOADING Redis is loading the dataset in memory",
           "BUSY Redis is busy running a script. You can only call "
           "SCRIPT KILL or SHUTDOWN NOSAVE.",
           "TRYAGAIN Multiple keys request during rehashing of slot",
           "CLUSTERDOWN The cluster is down",
           "MASTERDOWN Link with MASTER is down and replica-serve-stale-data "
           "is set to 'no'.",
           "READONLY You can't write against a read only replica.",
           "OOM command not allowed when used memory > 'maxmemory'.",
           "OOM command not allowed when used memory > 'maxmemory'. script: "
           "88c923858e73954cede057e8a25f614a3552b177, on @user_script:1.",
           "MISCONF Redis is configured to save RDB snapshots, but it's "
           "currently unable to persist to disk.",
           "MISCONF Errors writing to the AOF file: No space left on device",
           "NOREPLICAS Not enough good replicas to write.",
           "NOAUTH Authentication required.",
           "WRONGPASS invalid username-password pair or user is disabled.",
           "NOPERM this user has no permissions to run the 'set' command",
           "ERR max number of clients reached",
       }) {
    absl::Status s = RedisErrorStatus(reply);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << reply;
    EXPECT_EQ(s.message(), "redis: " + reply);
    EXPECT_TRUE(IsTransient(s)) << reply;
  }
}

TEST(RedisErrorStatusTest, ErrorsOfTheCommandItselfAreFailedPrecondition) {
  for (const std::string reply : {
           "WRONGTYPE Operation against a key holding the wrong kind of value",
           "ERR value is not an integer or out of range",
           "ERR unknown command 'NOPE', with args beginning with: ",
           "ERR user_script:1: attempt to perform arithmetic on a nil value "
           "script: cd204846b476dfdb7c087f1a1cef2df50cc9a6e7, on "
           "@user_script:1.",
           "NOSCRIPT No matching script. Please use EVAL.",
           // Codes that only begin like a server state.
           "BUSYKEY Target key name already exists.",
           "BUSYGROUP Consumer Group name already exists",
       }) {
    absl::Status s = RedisErrorStatus(reply);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << reply;
    EXPECT_FALSE(IsTransient(s)) << reply;
  }
}

}  // namespace
}  // namespace lov
