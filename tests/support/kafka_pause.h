#ifndef LOV_TESTS_SUPPORT_KAFKA_PAUSE_H_
#define LOV_TESTS_SUPPORT_KAFKA_PAUSE_H_

// Kafka paused (SIGSTOP: its connections stay open, nothing answers), for
// the tests of reads while Kafka is down. Only against a Kafka of the test's
// own: tests/support/kafka_pause_test.sh starts one and names its pid file
// in LOV_KAFKA_PID_FILE; never the Kafka the other tests share.
#include <signal.h>
#include <sys/types.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"

namespace lov::testing {

// The pid of the test's own Kafka, or -1 when the test was not started by
// kafka_pause_test.sh (LOV_KAFKA_PID_FILE unset or unreadable).
inline pid_t OwnKafkaPid() {
  const char* file = std::getenv("LOV_KAFKA_PID_FILE");
  if (file == nullptr) return -1;
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  pid_t pid = -1;
  return absl::SimpleAtoi(text, &pid) && pid > 0 ? pid : -1;
}

// Pauses Kafka for its lifetime; resumes it however the test ends, or
// earlier with Resume().
class PausedKafka {
 public:
  explicit PausedKafka(pid_t pid) : pid_(pid) { kill(pid_, SIGSTOP); }
  PausedKafka(const PausedKafka&) = delete;
  PausedKafka& operator=(const PausedKafka&) = delete;
  ~PausedKafka() { Resume(); }
  void Resume() {
    if (paused_) kill(pid_, SIGCONT);
    paused_ = false;
  }

 private:
  pid_t pid_;
  bool paused_ = true;
};

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_KAFKA_PAUSE_H_
