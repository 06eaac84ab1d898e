// The audit corrections' queue on a fake sender: a correction is sent again
// until it is stored, in order, within its bound, and a lost or late
// outcome neither stops it nor drops another correction.
#include "lov/platform/correction_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lov/platform/metrics.h"

namespace lov {
namespace {

auth::v1::AuditRecord Correction(const std::string& id) {
  auth::v1::AuditRecord r;
  r.set_record_id(id);
  r.set_corrects_record_id("of-" + id);
  r.set_method("lov.visits.v1.VisitsService/GetVisit");
  r.set_outcome("DEADLINE_EXCEEDED");
  return r;
}

// Each try of the queue, with a way to answer it later; `answer` decides
// the outcome of a try at once (nullopt: answered later, or never).
class FakeAuditLog {
 public:
  using Answer =
      std::function<std::optional<absl::Status>(const std::string& id)>;
  explicit FakeAuditLog(Answer answer) : answer_(std::move(answer)) {}

  CorrectionQueue::Send Sender() {
    return [this](const auth::v1::AuditRecord& r, CorrectionQueue::Done done) {
      std::optional<absl::Status> now = answer_(r.record_id());
      {
        std::lock_guard<std::mutex> lock(mu_);
        tries_.push_back(r.record_id());
        if (now.has_value() && now->ok()) stored_.push_back(r.record_id());
        if (!now.has_value()) unanswered_.push_back(done);
      }
      if (now.has_value()) done(*now);
    };
  }
  std::vector<std::string> tries() {
    std::lock_guard<std::mutex> lock(mu_);
    return tries_;
  }
  std::vector<std::string> stored() {
    std::lock_guard<std::mutex> lock(mu_);
    return stored_;
  }
  std::vector<CorrectionQueue::Done> unanswered() {
    std::lock_guard<std::mutex> lock(mu_);
    return unanswered_;
  }

 private:
  Answer answer_;
  std::mutex mu_;
  std::vector<std::string> tries_;
  std::vector<std::string> stored_;
  std::vector<CorrectionQueue::Done> unanswered_;
};

bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

CorrectionQueue::Options Fast() {
  CorrectionQueue::Options o;
  o.first_retry = absl::Milliseconds(5);
  o.max_retry = absl::Milliseconds(20);
  o.try_timeout = absl::Seconds(5);
  return o;
}

double PendingGauge() {
  return metrics::Registry::Default()
      .GetGauge("lov_audit_corrections_pending", "")
      .value();
}

double DroppedCounter() {
  return metrics::Registry::Default()
      .GetCounter("lov_audit_corrections_dropped_total", "")
      .value();
}

// Kafka away for longer than one delivery timeout: the correction is sent
// again until stored, and the one behind it waits its turn (a person's
// corrections stay in order).
TEST(CorrectionQueueTest, ACorrectionIsSentAgainUntilStoredInOrder) {
  int failures_left = 3;
  std::mutex mu;
  FakeAuditLog log([&](const std::string& id) -> std::optional<absl::Status> {
    std::lock_guard<std::mutex> lock(mu);
    if (id == "a" && failures_left > 0) {
      --failures_left;
      return absl::UnavailableError("Kafka: all brokers down");
    }
    return absl::OkStatus();
  });
  const double pending_before = PendingGauge();
  CorrectionQueue queue(log.Sender(), Fast());
  ASSERT_TRUE(queue.Add(Correction("a")));
  ASSERT_TRUE(queue.Add(Correction("b")));
  ASSERT_TRUE(Eventually([&] { return log.stored().size() == 2; }));
  EXPECT_EQ(log.tries(), (std::vector<std::string>{"a", "a", "a", "a", "b"}));
  EXPECT_EQ(log.stored(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(queue.pending(), 0u);
  EXPECT_EQ(PendingGauge(), pending_before);
}

// The queue is bounded: with Kafka away, corrections beyond max_pending
// are refused (counted and logged), the ones kept are still sent once it
// is back, and the pending gauge shows what waits.
TEST(CorrectionQueueTest, AFullQueueRefusesMoreAndSendsWhatItKept) {
  std::atomic<bool> kafka_back{false};
  FakeAuditLog log([&](const std::string&) -> std::optional<absl::Status> {
    if (!kafka_back) return absl::UnavailableError("Kafka: all brokers down");
    return absl::OkStatus();
  });
  CorrectionQueue::Options options = Fast();
  options.max_pending = 3;
  const double pending_before = PendingGauge();
  const double dropped_before = DroppedCounter();
  CorrectionQueue queue(log.Sender(), options);
  for (const char* id : {"a", "b", "c"}) EXPECT_TRUE(queue.Add(Correction(id)));
  EXPECT_FALSE(queue.Add(Correction("d")));
  EXPECT_FALSE(queue.Add(Correction("e")));
  EXPECT_EQ(queue.pending(), 3u);
  EXPECT_EQ(PendingGauge() - pending_before, 3);
  EXPECT_EQ(DroppedCounter() - dropped_before, 2);
  ASSERT_TRUE(Eventually([&] { return log.tries().size() >= 3; }));
  EXPECT_TRUE(log.stored().empty());
  kafka_back = true;
  ASSERT_TRUE(Eventually([&] { return queue.pending() == 0; }));
  EXPECT_EQ(log.stored(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(PendingGauge(), pending_before);
}

// A try whose outcome never comes counts as failed after try_timeout and
// is sent again; its outcome arriving late does not take the next
// correction off the queue.
TEST(CorrectionQueueTest, ALostOutcomeIsRetriedAndALateOneIgnored) {
  int tries_of_a = 0;
  std::mutex mu;
  FakeAuditLog log([&](const std::string& id) -> std::optional<absl::Status> {
    std::lock_guard<std::mutex> lock(mu);
    if (id == "a" && tries_of_a++ == 0) return std::nullopt;  // lost
    if (id == "b") return std::nullopt;                       // answered later
    return absl::OkStatus();
  });
  CorrectionQueue::Options options = Fast();
  options.try_timeout = absl::Milliseconds(500);
  CorrectionQueue queue(log.Sender(), options);
  ASSERT_TRUE(queue.Add(Correction("a")));
  ASSERT_TRUE(queue.Add(Correction("b")));
  ASSERT_TRUE(Eventually([&] { return log.stored().size() == 1; }));
  EXPECT_EQ(log.stored(), std::vector<std::string>{"a"});
  ASSERT_TRUE(Eventually([&] { return log.unanswered().size() == 2; }));
  // a's first try answers now, while b's try waits: b stays queued.
  log.unanswered()[0](absl::OkStatus());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(queue.pending(), 1u);
  EXPECT_EQ(log.stored(), std::vector<std::string>{"a"});
  // b's own try answers: done.
  log.unanswered()[1](absl::OkStatus());
  EXPECT_TRUE(Eventually([&] { return queue.pending() == 0; }));
}

// Stop does not wait for a try under way; what still waits is counted as
// dropped, and an outcome that comes after the queue is gone is harmless.
TEST(CorrectionQueueTest, StopLeavesNothingRunningAndCountsWhatWaited) {
  FakeAuditLog log(
      [](const std::string&) -> std::optional<absl::Status> { return {}; });
  const double pending_before = PendingGauge();
  const double dropped_before = DroppedCounter();
  {
    CorrectionQueue queue(log.Sender(), Fast());
    ASSERT_TRUE(queue.Add(Correction("a")));
    ASSERT_TRUE(queue.Add(Correction("b")));
    ASSERT_TRUE(Eventually([&] { return log.unanswered().size() == 1; }));
    const auto start = std::chrono::steady_clock::now();
    queue.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2))
        << "Stop waited for the try's outcome";
    EXPECT_FALSE(queue.Add(Correction("c")));
  }
  EXPECT_EQ(DroppedCounter() - dropped_before, 3);  // a, b and c
  EXPECT_EQ(PendingGauge(), pending_before);
  log.unanswered()[0](absl::OkStatus());  // the queue is gone
}

// At shutdown the queue is drained first: a correction waiting out a long
// back-off (Kafka was away) is tried again at once and written, so a
// restart does not lose the last calls' corrections; Drain says whether
// the queue emptied within its time.
TEST(CorrectionQueueTest, DrainTriesAWaitingCorrectionAtOnce) {
  std::atomic<int> tries_of_a{0};
  FakeAuditLog log([&](const std::string& id) -> std::optional<absl::Status> {
    if (id == "a" && tries_of_a++ == 0) {
      return absl::UnavailableError("Kafka: all brokers down");
    }
    return absl::OkStatus();
  });
  CorrectionQueue::Options options = Fast();
  options.first_retry = absl::Hours(1);  // without Drain: tried in an hour
  options.max_retry = absl::Hours(1);
  CorrectionQueue queue(log.Sender(), options);
  ASSERT_TRUE(queue.Add(Correction("a")));
  ASSERT_TRUE(queue.Add(Correction("b")));
  ASSERT_TRUE(Eventually([&] { return log.tries().size() == 1; }));
  EXPECT_TRUE(queue.Drain(absl::Seconds(5)));
  EXPECT_EQ(log.stored(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(queue.pending(), 0u);
}

TEST(CorrectionQueueTest, DrainGivesUpAfterItsTimeAndStopCountsWhatIsLeft) {
  FakeAuditLog log([](const std::string&) -> std::optional<absl::Status> {
    return absl::UnavailableError("Kafka: all brokers down");
  });
  const double dropped_before = DroppedCounter();
  CorrectionQueue queue(log.Sender(), Fast());
  ASSERT_TRUE(queue.Add(Correction("a")));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.Drain(absl::Milliseconds(200)));
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(200));
  EXPECT_GE(log.tries().size(), 2u);  // tried again while draining
  queue.Stop();
  EXPECT_EQ(DroppedCounter() - dropped_before, 1);
  EXPECT_TRUE(log.stored().empty());
}

// "a" stored, "b" sent and not yet answered (the log holds it back), then
// "c", "d" and "e" waiting behind it.
void QueueBehindAnUnansweredOne(CorrectionQueue& queue, FakeAuditLog& log) {
  ASSERT_TRUE(queue.Add(Correction("a")));
  ASSERT_TRUE(Eventually([&] { return log.stored().size() == 1; }));
  ASSERT_TRUE(queue.Add(Correction("b")));
  ASSERT_TRUE(Eventually([&] { return log.unanswered().size() == 1; }));
  for (const char* id : {"c", "d", "e"}) ASSERT_TRUE(queue.Add(Correction(id)));
}

// While Kafka stores them, the records that wait are sent together (the
// producer batches them): none waits for the outcome of the one before.
TEST(CorrectionQueueTest, WhileStoredTheWaitingOnesAreSentTogether) {
  FakeAuditLog log([](const std::string& id) -> std::optional<absl::Status> {
    if (id == "a") return absl::OkStatus();
    return std::nullopt;  // answered below
  });
  CorrectionQueue queue(log.Sender(), Fast());
  ASSERT_NO_FATAL_FAILURE(QueueBehindAnUnansweredOne(queue, log));
  log.unanswered()[0](absl::OkStatus());  // b stored
  // c, d and e all tried before any of them is answered.
  ASSERT_TRUE(Eventually([&] { return log.unanswered().size() == 4; }));
  EXPECT_EQ(log.tries(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(queue.pending(), 3u);
  for (size_t i = 1; i < 4; ++i) log.unanswered()[i](absl::OkStatus());
  EXPECT_TRUE(Eventually([&] { return queue.pending() == 0; }));
}

// In a batch, the ones that failed stay in order and are tried again, the
// first alone; the stored ones are not sent again.
TEST(CorrectionQueueTest, TheFailedOnesOfABatchAreSentAgainInOrder) {
  std::mutex mu;
  std::set<std::string> failed_once;
  FakeAuditLog log([&](const std::string& id) -> std::optional<absl::Status> {
    std::lock_guard<std::mutex> lock(mu);
    if (id == "b") return std::nullopt;  // held until c, d are queued
    if ((id == "c" || id == "e") && failed_once.insert(id).second) {
      return absl::UnavailableError("broker down");
    }
    return absl::OkStatus();
  });
  CorrectionQueue queue(log.Sender(), Fast());
  ASSERT_NO_FATAL_FAILURE(QueueBehindAnUnansweredOne(queue, log));
  log.unanswered()[0](absl::OkStatus());
  ASSERT_TRUE(Eventually([&] { return queue.pending() == 0; }));
  // c, d, e together; d stored; c alone, stored; then e.
  EXPECT_EQ(log.tries(),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "c", "e"}));
  EXPECT_EQ(log.stored(), (std::vector<std::string>{"a", "d", "c", "e"}));
}

}  // namespace
}  // namespace lov
