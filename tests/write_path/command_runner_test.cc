// The one write path's fault handling, on fakes: what is given back when a
// publish fails, what is not when its outcome is unknown, a lock that
// expired, and event ids that hold across retries.
#include "lov/platform/command_runner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixed_clock.h"
#include "lov/registry/v1/events.pb.h"

namespace lov {
namespace {

using Event = registry::v1::RegistryEvent;
using ::lov::testing::FixedClock;
using ::lov::testing::UtcTime;

// A lock whose expiry the test decides.
class TestLock : public AggregateLock {
 public:
  TestLock(bool* expired, bool* kept) : expired_(expired), kept_(kept) {}
  absl::Status Hold(absl::Duration at_least) override {
    if (*expired_) return absl::AbortedError("the lock expired");
    return absl::OkStatus();
  }
  void KeepUntilExpiry() override { *kept_ = true; }

 private:
  bool* expired_;
  bool* kept_;
};

class CommandRunnerTest : public ::testing::Test {
 protected:
  CommandRunnerTest()
      : clock_(UtcTime(2026, 11, 2, 8)),
        runner_({.lock = [this](const std::string&)
                     -> absl::StatusOr<std::unique_ptr<AggregateLock>> {
                   return std::make_unique<TestLock>(&lock_expired_,
                                                     &lock_kept_);
                 },
                 .find_request = [this](const std::string&)
                     -> absl::StatusOr<std::optional<RequestRecord>> {
                   ++lookups_;
                   if (lookups_ <= lands_after_lookups_) {
                     return std::optional<RequestRecord>();
                   }
                   return std::optional<RequestRecord>(
                       RequestRecord{fingerprint_, "prv-1"});
                 },
                 .publish =
                     [this](const std::vector<Event>& events) {
                       ++publish_calls_;
                       if (!publish_answer_.ok()) return publish_answer_;
                       for (const Event& e : events) published_.push_back(e);
                       return absl::OkStatus();
                     },
                 .apply = [](const Event&) { return absl::OkStatus(); }},
                &clock_) {
    runner_.set_read_back(absl::Milliseconds(300));
    Event request;
    request.set_aggregate_id("prv-1");
    fingerprint_ = RequestFingerprint(request);
  }

  // One command that takes a slot while deciding and gives it back when
  // the event was not stored.
  absl::StatusOr<std::string> Run(const std::string& request_id) {
    Event request;  // any message serves as the request's fingerprint
    request.set_aggregate_id("prv-1");
    return runner_.Run<std::string>(
        Command::ByRequest("prv-1", request, request_id),
        [](const std::string& aggregate)
            -> absl::StatusOr<std::optional<std::string>> {
          return std::optional<std::string>("first outcome of " + aggregate);
        },
        [this]() -> absl::StatusOr<Decision<Event, std::string>> {
          ++slots_taken_;
          Event e;
          e.set_aggregate_id("prv-1");
          e.set_aggregate_version(1);
          Event second = e;
          second.set_aggregate_version(2);
          return Decision<Event, std::string>({e, second}, "done",
                                              [this] { --slots_taken_; });
        });
  }

  FixedClock clock_;
  CommandRunner<Event> runner_;
  bool lock_expired_ = false;
  bool lock_kept_ = false;
  // The state shows the request from this lookup on (never by default).
  int lands_after_lookups_ = 1 << 30;
  int lookups_ = 0;
  std::string fingerprint_;
  absl::Status publish_answer_;
  int publish_calls_ = 0;
  int slots_taken_ = 0;
  std::vector<Event> published_;
};

TEST_F(CommandRunnerTest, DefiniteFailureGivesBackWhatDecidingTook) {
  publish_answer_ = absl::UnavailableError("all brokers down");
  absl::StatusOr<std::string> r = Run("req-1");
  EXPECT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  EXPECT_NE(r.status().message().find("not stored"), std::string::npos);
  EXPECT_EQ(slots_taken_, 0);
  EXPECT_FALSE(lock_kept_);
}

TEST_F(CommandRunnerTest, UnknownOutcomeKeepsWhatDecidingTookAndSaysSo) {
  publish_answer_ = absl::DeadlineExceededError(
      "delivery to lov.registry.events.v1: Local: Message timed out (the "
      "broker may have stored it)");
  absl::StatusOr<std::string> r = Run("req-1");
  EXPECT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
  EXPECT_TRUE(IsOutcomeUnknown(r.status()));
  EXPECT_NE(r.status().message().find("outcome is unknown"), std::string::npos);
  EXPECT_NE(r.status().message().find("same request_id"), std::string::npos);
  // The slot stays taken: its event may be in the log; and nobody decides
  // on the aggregate until its lock expires.
  EXPECT_EQ(slots_taken_, 1);
  EXPECT_TRUE(lock_kept_);
}

TEST_F(CommandRunnerTest, UnknownOutcomeWhoseEventsLandAnswersTheOutcome) {
  publish_answer_ = absl::DeadlineExceededError("no delivery report");
  lands_after_lookups_ = 2;  // the lookup before deciding, one read back
  absl::StatusOr<std::string> r = Run("req-1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "first outcome of prv-1");
  EXPECT_EQ(slots_taken_, 1);
  EXPECT_TRUE(lock_kept_);
}

TEST_F(CommandRunnerTest, ALockThatExpiredPublishesNothing) {
  lock_expired_ = true;
  absl::StatusOr<std::string> r = Run("req-1");
  EXPECT_TRUE(absl::IsAborted(r.status())) << r.status();
  EXPECT_EQ(publish_calls_, 0);
  EXPECT_EQ(slots_taken_, 0);  // nothing written: given back
}

TEST_F(CommandRunnerTest, TheLockIsHeldLongerThanAnyPublishWaits) {
  // kafka.h: delivery timeout 30 s, plus 10 s for a lost delivery report.
  EXPECT_GT(kPublishLease, absl::Seconds(40));
}

TEST_F(CommandRunnerTest, EventIdsDeriveFromTheRequestSoARetryRepeatsThem) {
  ASSERT_TRUE(Run("req-1").ok());
  ASSERT_TRUE(Run("req-1").ok());  // e.g. after an unknown outcome
  ASSERT_TRUE(Run("req-2").ok());
  ASSERT_EQ(published_.size(), 6u);
  EXPECT_EQ(published_[0].event_id(), published_[2].event_id());
  EXPECT_EQ(published_[1].event_id(), published_[3].event_id());
  EXPECT_NE(published_[0].event_id(), published_[1].event_id());
  EXPECT_NE(published_[0].event_id(), published_[4].event_id());
  Event request;
  request.set_aggregate_id("prv-1");
  EXPECT_EQ(published_[1].event_id(),
            EventIdOf("req-1", RequestFingerprint(request), 1));
}

}  // namespace
}  // namespace lov
