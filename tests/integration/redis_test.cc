// Runs against the real Redis of the ctest fixture, and against a private
// redis-server started with the project's config for the restart test.
#include "lov/platform/redis.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "own_redis.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::OwnRedis;
using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

std::unique_ptr<RedisClient> Connect(const std::string& addr,
                                     RedisAuth auth = {}) {
  auto c = RedisClient::Connect(addr, absl::Seconds(5), std::move(auth));
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? std::move(*c) : nullptr;
}

TEST(RedisTest, CommandsAndPipeline) {
  auto redis = Connect(Stack().redis_addr, Stack().redis_auth);
  std::string key = UniqueName("it:counter");
  auto replies = redis->Pipeline(
      {{"SET", key, "10"}, {"INCRBY", key, "5"}, {"GET", key}, {"DEL", key}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ((*replies)[1].integer, 15);
  EXPECT_EQ((*replies)[2].str, "15");
  auto missing = redis->Command({"GET", key});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
}

TEST(RedisTest, ErrorReplyIsAStatusAndTheConnectionStaysUsable) {
  auto redis = Connect(Stack().redis_addr, Stack().redis_auth);
  std::string key = UniqueName("it:str");
  ASSERT_TRUE(redis->Command({"SET", key, "text"}).ok());
  auto r = redis->Command({"INCR", key});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(redis->Command({"PING"}).ok());
}

TEST(RedisTest, ScriptLoadedOnceAndReloadedAfterTheCacheIsFlushed) {
  auto redis = Connect(Stack().redis_addr, Stack().redis_auth);
  auto script =
      redis->LoadScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_EQ(script->sha.size(), 40u);
  std::string key = UniqueName("it:script");
  auto r = redis->Eval(*script, {key}, {"2"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->integer, 2);
  ASSERT_TRUE(redis->Command({"SCRIPT", "FLUSH"}).ok());
  r = redis->Eval(*script, {key}, {"3"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->integer, 5);
}

TEST(RedisTest, ReconnectsAfterTheServerDroppedTheConnection) {
  auto redis = Connect(Stack().redis_addr, Stack().redis_auth);
  // Only this client's pooled connection is killed: other tests share the
  // server.
  auto id = redis->Command({"CLIENT", "ID"});
  ASSERT_TRUE(id.ok());
  auto killer = Connect(Stack().redis_addr, Stack().redis_auth);
  auto killed =
      killer->Command({"CLIENT", "KILL", "ID", std::to_string(id->integer)});
  ASSERT_TRUE(killed.ok()) << killed.status();
  EXPECT_EQ(killed->integer, 1);
  // The pooled connection is dead; the client notices and reconnects.
  auto pong = redis->Command({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(pong->str, "PONG");
}

TEST(RedisTest, BadAddressIsAClearError) {
  auto c = RedisClient::Connect("127.0.0.1:1", absl::Seconds(1));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("cannot reach Redis at 127.0.0.1:1"),
            std::string::npos)
      << c.status();
  auto bad = RedisClient::Connect("no-port-here");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

int FreePort() {
  // Ask Redis's own port-0 trick is not available; scan from a pid-based base.
  for (int p = 20000 + getpid() % 20000; p < 65000; ++p) {
    if (!RedisClient::Connect(absl::StrCat("127.0.0.1:", p),
                              absl::Milliseconds(50))
             .ok()) {
      return p;
    }
  }
  return 0;
}

TEST(RedisAuthTest, EveryConnectionAuthenticatesAndBadCredentialsAreClear) {
  std::string dir =
      std::filesystem::temp_directory_path() / UniqueName("lov-redis-auth");
  std::filesystem::create_directories(dir);
  int port = FreePort();
  ASSERT_NE(port, 0);
  OwnRedis server(dir, port, {"--requirepass", "s3cret-from-a-Secret"});
  ASSERT_TRUE(server.Start());

  absl::Status none = RedisClient::Connect(server.addr()).status();
  EXPECT_EQ(none.code(), absl::StatusCode::kPermissionDenied) << none;
  EXPECT_NE(none.message().find("requires a password"), std::string::npos)
      << none;
  absl::Status wrong =
      RedisClient::Connect(server.addr(), absl::Seconds(5), {"", "guess"})
          .status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied) << wrong;
  EXPECT_NE(wrong.message().find("authentication failed"), std::string::npos)
      << wrong;
  EXPECT_EQ(wrong.message().find("guess"), std::string::npos)
      << "the password is never in a message";

  auto redis = RedisClient::Connect(server.addr(), absl::Seconds(5),
                                    {"", "s3cret-from-a-Secret"});
  ASSERT_TRUE(redis.ok()) << redis.status();
  ASSERT_TRUE((*redis)->Command({"SET", "k", "v"}).ok());
  // The server drops every connection (ours too, so the reply may not come
  // back): the next command needs a new connection, which authenticates.
  (void)(*redis)->Command({"CLIENT", "KILL", "TYPE", "normal"});
  absl::StatusOr<RedisReply> v = (*redis)->Command({"GET", "k"});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->str, "v");
  std::filesystem::remove_all(dir);
}

std::string ReadPassword(const std::string& path) {
  std::ifstream in(path);
  std::string password;
  std::getline(in, password);
  return password;
}

// The project's ACL users as deploy/redis/users-acl.sh writes them into
// `dir`/users (users.acl and a USER.password per user); that folder, or ""
// if the script failed.
std::string WriteAclUsers(const std::string& dir) {
  const std::string users = dir + "/users";
  const int exit_code =
      std::system((std::string(LOV_SOURCE_DIR) + "/deploy/redis/users-acl.sh " +
                   users + " >/dev/null")
                      .c_str());
  return exit_code == 0 ? users : "";
}

// With the project's ACL users (deploy/redis/users-acl.sh), what a service
// wrote through a script (logged in the append-only file as MULTI/EXEC)
// is still there after a restart, and a client that does not log in still
// can do nothing. With the default user "off", Redis 7.0 dropped every such
// block when it replayed the file (redis/redis#14541).
TEST(RedisPersistenceTest, AServicesScriptWritesSurviveARestartWithAclUsers) {
  std::string dir =
      std::filesystem::temp_directory_path() / UniqueName("lov-redis-acl");
  std::filesystem::create_directories(dir);
  const std::string users = WriteAclUsers(dir);
  ASSERT_FALSE(users.empty());
  int port = FreePort();
  ASSERT_NE(port, 0);
  const std::vector<std::string> acl = {"--aclfile", users + "/users.acl"};
  const RedisAuth registry = {"lov-registry",
                              ReadPassword(users + "/lov-registry.password")};
  const RedisAuth admin = {"lov-admin",
                           ReadPassword(users + "/lov-admin.password")};
  {
    OwnRedis server(dir, port, acl);
    ASSERT_TRUE(server.Start());
    auto redis = Connect(server.addr(), registry);
    ASSERT_NE(redis, nullptr);
    ASSERT_TRUE(redis
                    ->EvalSource("redis.call('SET', KEYS[1], ARGV[1]) "
                                 "redis.call('HSET', KEYS[2], 'f', ARGV[1]) "
                                 "return 1",
                                 {"lov:registry:a", "lov:registry:b"}, {"v"})
                    .ok());
    auto root = Connect(server.addr(), admin);
    (void)root->Command({"SHUTDOWN", "NOSAVE"});
    server.Wait();
  }
  OwnRedis server(dir, port, acl);
  ASSERT_TRUE(server.Start());
  auto redis = Connect(server.addr(), registry);
  ASSERT_NE(redis, nullptr);
  auto a = redis->Command({"GET", "lov:registry:a"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->str, "v");
  auto b = redis->Command({"HGET", "lov:registry:b", "f"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->str, "v");
  absl::Status anonymous = RedisClient::Connect(server.addr()).status();
  EXPECT_EQ(anonymous.code(), absl::StatusCode::kPermissionDenied) << anonymous;
  std::filesystem::remove_all(dir);
}

// A service's ACL user (deploy/redis/users-acl.sh) may run a MULTI/EXEC
// transaction on its own keys (settlement writes and reads a provider's
// party and payment details in one), and still none on another service's
// keys. Without +multi +exec, settlement's projection retried its first
// registry event for ever (the chaos suite, docs/reliability.md).
TEST(RedisAclTest, AServiceUserRunsTransactionsOnItsOwnKeysOnly) {
  std::string dir =
      std::filesystem::temp_directory_path() / UniqueName("lov-redis-multi");
  std::filesystem::create_directories(dir);
  const std::string users = WriteAclUsers(dir);
  ASSERT_FALSE(users.empty());
  int port = FreePort();
  ASSERT_NE(port, 0);
  OwnRedis server(dir, port, {"--aclfile", users + "/users.acl"});
  ASSERT_TRUE(server.Start());
  auto redis = Connect(
      server.addr(),
      {"lov-settlement", ReadPassword(users + "/lov-settlement.password")});
  ASSERT_NE(redis, nullptr);
  auto own = redis->Pipeline({{"MULTI"},
                              {"HSET", "lov:settlement:party", "p", "v"},
                              {"HGET", "lov:settlement:party", "p"},
                              {"EXEC"}});
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->back().elements.size(), 2u);
  EXPECT_EQ(own->back().elements[1].str, "v");
  auto other = redis->Pipeline(
      {{"MULTI"}, {"HSET", "lov:registry:party", "p", "v"}, {"EXEC"}});
  EXPECT_FALSE(other.ok());
  std::filesystem::remove_all(dir);
}

// WatchedTransaction (visits' rebuild, redis_visit_replay.cc) as a
// service's ACL user: the writes decided from the reads are made in one
// EXEC; a watched key another connection changes between the reads and
// EXEC makes it nullopt, nothing written; no writes decided: UNWATCH, and
// the pooled connection is not left watching.
TEST(RedisAclTest, AServiceUserRunsAWatchedTransaction) {
  std::string dir =
      std::filesystem::temp_directory_path() / UniqueName("lov-redis-watch");
  std::filesystem::create_directories(dir);
  const std::string users = WriteAclUsers(dir);
  ASSERT_FALSE(users.empty());
  int port = FreePort();
  ASSERT_NE(port, 0);
  OwnRedis server(dir, port, {"--aclfile", users + "/users.acl"});
  ASSERT_TRUE(server.Start());
  RedisAuth visits{"lov-visits", ReadPassword(users + "/lov-visits.password")};
  auto redis = Connect(server.addr(), visits);
  auto other = Connect(server.addr(), visits);
  ASSERT_NE(redis, nullptr);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(redis->Command({"SET", "lov:visits:n", "41"}).ok());
  // Read n, write n + 1 and a second key.
  auto increment = [](const std::vector<RedisReply>& r)
      -> absl::StatusOr<RedisClient::TransactionWrites> {
    int64_t n = 0;
    EXPECT_TRUE(absl::SimpleAtoi(r.at(0).str, &n));
    return RedisClient::TransactionWrites{
        {"SET", "lov:visits:n", std::to_string(n + 1)},
        {"RPUSH", "lov:visits:log", std::to_string(n)}};
  };
  auto done = redis->WatchedTransaction({"lov:visits:n"},
                                        {{"GET", "lov:visits:n"}}, increment);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ((*done)->size(), 2u);
  EXPECT_EQ(redis->Command({"GET", "lov:visits:n"})->str, "42");

  auto raced = redis->WatchedTransaction(
      {"lov:visits:n"}, {{"GET", "lov:visits:n"}},
      [&](const std::vector<RedisReply>& r) {
        EXPECT_TRUE(other->Command({"SET", "lov:visits:n", "100"}).ok());
        return increment(r);
      });
  ASSERT_TRUE(raced.ok()) << raced.status();
  EXPECT_FALSE(raced->has_value());
  EXPECT_EQ(redis->Command({"GET", "lov:visits:n"})->str, "100");
  EXPECT_EQ(redis->Command({"LLEN", "lov:visits:log"})->integer, 1);

  auto nothing = redis->WatchedTransaction(
      {"lov:visits:n"}, {{"GET", "lov:visits:n"}},
      [](const std::vector<RedisReply>&)
          -> absl::StatusOr<RedisClient::TransactionWrites> {
        return RedisClient::TransactionWrites();
      });
  ASSERT_TRUE(nothing.ok()) << nothing.status();
  ASSERT_TRUE(nothing->has_value());
  EXPECT_TRUE((*nothing)->empty());
  // The same pooled connection is no longer watching n: a MULTI/EXEC after
  // another client changed it goes through.
  ASSERT_TRUE(other->Command({"SET", "lov:visits:n", "7"}).ok());
  auto after =
      redis->Pipeline({{"MULTI"}, {"SET", "lov:visits:n", "8"}, {"EXEC"}});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_FALSE(after->back().is_nil());
  EXPECT_EQ(redis->Command({"GET", "lov:visits:n"})->str, "8");

  // Another service's keys stay out of reach, watched or not.
  auto foreign = redis->WatchedTransaction(
      {"lov:registry:n"}, {}, [](const std::vector<RedisReply>&) {
        return absl::StatusOr<RedisClient::TransactionWrites>(
            RedisClient::TransactionWrites{{"SET", "lov:registry:n", "1"}});
      });
  EXPECT_FALSE(foreign.ok());
  std::filesystem::remove_all(dir);
}

TEST(RedisPersistenceTest, DataSurvivesARestartThanksToAppendOnlyFile) {
  std::string dir =
      std::filesystem::temp_directory_path() / UniqueName("lov-redis-aof");
  std::filesystem::create_directories(dir);
  int port = FreePort();
  ASSERT_NE(port, 0);
  {
    OwnRedis server(dir, port);
    ASSERT_TRUE(server.Start());
    auto redis = Connect(server.addr());
    ASSERT_TRUE(redis->Command({"SET", "provider:1:cap", "40"}).ok());
    ASSERT_TRUE(redis->Command({"HSET", "client:7", "zone", "north"}).ok());
    // NOSAVE: no RDB snapshot is written, so only the AOF can bring it back.
    (void)redis->Command({"SHUTDOWN", "NOSAVE"});
    server.Wait();
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/dump.rdb"));
  {
    OwnRedis server(dir, port);
    ASSERT_TRUE(server.Start());
    auto redis = Connect(server.addr());
    auto cap = redis->Command({"GET", "provider:1:cap"});
    ASSERT_TRUE(cap.ok());
    EXPECT_EQ(cap->str, "40");
    auto zone = redis->Command({"HGET", "client:7", "zone"});
    ASSERT_TRUE(zone.ok());
    EXPECT_EQ(zone->str, "north");
  }
  std::filesystem::remove_all(dir);
}

// A restart of Redis under a running service (every pooled connection
// dead, then a second of no Redis at all) is ridden out: the command sent
// during the outage succeeds once Redis is back, and so does the first one
// on the old pool; an outage longer than the ride-out is UNAVAILABLE.
TEST(RedisOutageTest, ARestartIsRiddenOutAndALongOutageIsUnavailable) {
  std::string dir =
      std::filesystem::temp_directory_path() / UniqueName("lov-redis-blip");
  std::filesystem::create_directories(dir);
  int port = FreePort();
  ASSERT_NE(port, 0);
  auto server = std::make_unique<OwnRedis>(dir, port);
  ASSERT_TRUE(server->Start());
  auto redis = Connect(server->addr());
  ASSERT_NE(redis, nullptr);
  // Several pooled connections, all of which the restart kills.
  std::vector<std::thread> users;
  for (int i = 0; i < 4; ++i) {
    users.emplace_back([&, i] {
      for (int k = 0; k < 50; ++k) {
        EXPECT_TRUE(redis->Command({"INCR", absl::StrCat("n", i)}).ok());
      }
    });
  }
  for (auto& t : users) t.join();

  (void)redis->Command({"SHUTDOWN"});  // with its AOF
  server->Wait();
  std::thread restart([&] {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    server = std::make_unique<OwnRedis>(dir, port);
    EXPECT_TRUE(server->Start());
  });
  absl::StatusOr<RedisReply> during = redis->Command({"INCR", "n0"});
  restart.join();
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(during->integer, 51);
  for (int i = 1; i < 4; ++i) {
    absl::StatusOr<RedisReply> after =
        redis->Command({"GET", absl::StrCat("n", i)});
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(after->str, "50");
  }

  (void)redis->Command({"SHUTDOWN", "NOSAVE"});
  server->Wait();
  redis->set_ride_out(absl::Milliseconds(300));
  absl::StatusOr<RedisReply> gone = redis->Command({"GET", "n0"});
  EXPECT_TRUE(absl::IsUnavailable(gone.status())) << gone.status();
  server.reset();
  std::filesystem::remove_all(dir);
}

// A lease that expired and was taken over cannot be held again: its old
// holder must not publish. One still held is extended for the publish.
TEST(RedisLeaseTest, AnExpiredLeaseCannotBeHeldAndALiveOneIsExtended) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const std::string key = UniqueName("it:lock");
  auto first = RedisLease::Acquire(redis->get(), key, absl::Milliseconds(100));
  ASSERT_TRUE(first.ok()) << first.status();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto second = RedisLease::Acquire(redis->get(), key, absl::Seconds(5));
  ASSERT_TRUE(second.ok()) << second.status();

  absl::Status stale = (*first)->Hold(kPublishLease);
  EXPECT_TRUE(absl::IsAborted(stale)) << stale;
  EXPECT_TRUE((*second)->Hold(kPublishLease).ok());
  absl::StatusOr<RedisReply> ttl = (*redis)->Command({"PTTL", key});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, absl::ToInt64Milliseconds(kPublishLease) - 5000);
  first->reset();  // the stale holder's release leaves the new lease alone
  absl::StatusOr<RedisReply> still = (*redis)->Command({"EXISTS", key});
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->integer, 1);
}

}  // namespace
}  // namespace lov
