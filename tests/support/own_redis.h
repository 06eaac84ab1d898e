#ifndef LOV_TESTS_SUPPORT_OWN_REDIS_H_
#define LOV_TESTS_SUPPORT_OWN_REDIS_H_

// A redis-server of a test's own, started with deploy/redis/redis.conf: for
// tests that restart Redis or make it fail, which must not touch the Redis
// that every other test shares. Killed when it goes out of scope.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/redis.h"
#include "test_stack.h"

namespace lov::testing {

class OwnRedis {
 public:
  // `extra`: more redis-server arguments ("--requirepass", "...").
  OwnRedis(std::string dir, int port, std::vector<std::string> extra = {})
      : dir_(std::move(dir)), port_(port), extra_(std::move(extra)) {}
  OwnRedis(const OwnRedis&) = delete;
  OwnRedis& operator=(const OwnRedis&) = delete;

  bool Start() {
    std::vector<std::string> args = {
        "redis-server",
        std::string(LOV_SOURCE_DIR) + "/deploy/redis/redis.conf",
        "--port",
        std::to_string(port_),
        "--dir",
        dir_,
        "--logfile",
        dir_ + "/redis.log"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      execvp("redis-server", argv.data());
      _exit(127);
    }
    // Up once it answers, if only to say that it wants a password.
    return Eventually([&] {
      absl::Status s =
          RedisClient::Connect(addr(), absl::Milliseconds(200)).status();
      return s.ok() || absl::IsPermissionDenied(s);
    });
  }
  void Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  ~OwnRedis() {
    if (pid_ > 0 && kill(pid_, 0) == 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  std::string addr() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  std::string dir_;
  int port_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_OWN_REDIS_H_
