// The resend bookkeeping of an upload, round by round, with answers as the
// visits service gives them.
#include "resend_book.h"

#include <gtest/gtest.h>

#include "ack_log.h"
#include "lov/platform/retry_info.h"
#include "retry.h"
#include "visit_uploader.h"

namespace lov::upload {
namespace {

v1::ReportOutcome Accepted() {
  v1::ReportOutcome o;
  o.set_outcome(v1::OUTCOME_ACCEPTED);
  return o;
}

v1::ReportOutcome Rejected() {
  v1::ReportOutcome o;
  o.set_outcome(v1::OUTCOME_REJECTED);
  o.set_reason_code(v1::REASON_CODE_NOT_ASSIGNED);
  return o;
}

// "Not stored, send again" (Kafka was down).
v1::ReportOutcome SendAgain() {
  v1::ReportOutcome o;
  o.set_error_code(14);
  o.set_error_message("kafka: not stored");
  return o;
}

TEST(ResendBookTest, EveryReportDecidedInTheFirstRoundIsSentOnce) {
  ResendBook book(3, 8);
  EXPECT_EQ(book.StartRound(), (std::vector<size_t>{0, 1, 2}));
  book.Written(3);
  EXPECT_TRUE(book.Answered(0, Accepted()));
  EXPECT_TRUE(book.Answered(1, Rejected()));
  EXPECT_TRUE(book.Answered(2, Accepted()));
  EXPECT_TRUE(book.EndRound("").empty());
  EXPECT_TRUE(book.Done());
  EXPECT_EQ(book.counts().accepted, 2);
  EXPECT_EQ(book.counts().rejected, 1);
  EXPECT_EQ(book.counts().resent, 0);
  EXPECT_EQ(book.counts().given_up, 0);
}

TEST(ResendBookTest, AnErrorOutcomeIsSentAgainInTheNextRound) {
  ResendBook book(3, 8);
  book.StartRound();
  book.Written(3);
  EXPECT_TRUE(book.Answered(0, Accepted()));
  EXPECT_FALSE(book.Answered(1, SendAgain()));
  EXPECT_TRUE(book.Answered(2, Accepted()));
  EXPECT_TRUE(book.EndRound("").empty());
  EXPECT_FALSE(book.Done());
  EXPECT_EQ(book.stalled_rounds(), 0);
  // The second round: only report 1, now at position 0 of its stream.
  EXPECT_EQ(book.StartRound(), (std::vector<size_t>{1}));
  EXPECT_EQ(book.ReportAt(0), 1);
  book.Written(1);
  EXPECT_TRUE(book.Answered(0, Accepted()));
  book.EndRound("");
  EXPECT_TRUE(book.Done());
  EXPECT_EQ(book.counts().accepted, 3);
  EXPECT_EQ(book.counts().resent, 1);
}

TEST(ResendBookTest,
     ABrokenStreamResendsWhatWasNotAnsweredAndCountsOnlyWrites) {
  ResendBook book(5, 8);
  book.StartRound();
  book.Written(3);  // the service died while 3 and 4 were still unwritten
  EXPECT_TRUE(book.Answered(0, Accepted()));
  book.EndRound("stream broken: Socket closed");
  EXPECT_EQ(book.StartRound(), (std::vector<size_t>{1, 2, 3, 4}));
  book.Written(4);
  // Report 1 reached the log before the break: its first answer, replayed.
  v1::ReportOutcome replayed = Accepted();
  replayed.set_replayed(true);
  EXPECT_TRUE(book.Answered(0, replayed));
  EXPECT_TRUE(book.Answered(1, Rejected()));
  EXPECT_TRUE(book.Answered(2, Accepted()));
  EXPECT_TRUE(book.Answered(3, Accepted()));
  book.EndRound("");
  EXPECT_TRUE(book.Done());
  EXPECT_EQ(book.counts().accepted, 4);
  EXPECT_EQ(book.counts().rejected, 1);
  // 1 and 2 were written twice; 3 and 4 once.
  EXPECT_EQ(book.counts().resent, 2);
}

TEST(ResendBookTest, AReportIsDecidedOnceEvenIfAnsweredAgain) {
  ResendBook book(1, 8);
  book.StartRound();
  book.Written(1);
  EXPECT_TRUE(book.Answered(0, Accepted()));
  EXPECT_FALSE(book.Answered(0, Accepted()));
  EXPECT_FALSE(book.Answered(7, Accepted()));  // no such position
  EXPECT_EQ(book.counts().accepted, 1);
}

TEST(ResendBookTest, AReportIsGivenUpAfterMaxAttemptsWithItsLastError) {
  ResendBook book(2, 3);
  for (int round = 1; round <= 3; ++round) {
    const std::vector<size_t> sent = book.StartRound();
    book.Written(sent.size());
    for (size_t k = 0; k < sent.size(); ++k) {
      book.Answered(static_cast<int64_t>(k),
                    sent[k] == 0 && round == 1 ? Accepted() : SendAgain());
    }
    const auto given_up = book.EndRound("");
    if (round < 3) {
      EXPECT_TRUE(given_up.empty()) << round;
      continue;
    }
    ASSERT_EQ(given_up.size(), 1u);
    EXPECT_EQ(given_up[0].first, 1u);
    EXPECT_EQ(given_up[0].second.error_message(), "kafka: not stored");
  }
  EXPECT_TRUE(book.Done());
  EXPECT_EQ(book.counts().accepted, 1);
  EXPECT_EQ(book.counts().resent, 2);
  EXPECT_EQ(book.counts().given_up, 1);
}

TEST(ResendBookTest, RoundsThatReachNobodyGiveUpAfterMaxAttempts) {
  ResendBook book(2, 3);
  for (int round = 1; round <= 3; ++round) {
    book.StartRound();
    book.Written(0);  // the service is down: nothing goes out
    const auto given_up = book.EndRound("stream broken: connection refused");
    EXPECT_EQ(book.stalled_rounds(), round);
    if (round < 3) {
      EXPECT_TRUE(given_up.empty());
      continue;
    }
    ASSERT_EQ(given_up.size(), 2u);
    EXPECT_EQ(given_up[1].second.error_code(), 14);
    EXPECT_EQ(given_up[1].second.error_message(),
              "stream broken: connection refused");
  }
  EXPECT_TRUE(book.Done());
  EXPECT_EQ(book.counts().given_up, 2);
  EXPECT_EQ(book.counts().resent, 0);
}

TEST(ResendBookTest, ARoundThatDecidesSomethingEndsTheStall) {
  ResendBook book(2, 3);
  book.StartRound();
  book.EndRound("down");
  book.StartRound();
  book.EndRound("down");
  EXPECT_EQ(book.stalled_rounds(), 2);
  book.StartRound();
  book.Written(2);
  book.Answered(0, Accepted());
  EXPECT_TRUE(book.EndRound("").empty());
  EXPECT_EQ(book.stalled_rounds(), 0);
}

TEST(ResendBookTest, ARoundHeldBackByALimitIsNoStallAndNoAttempt) {
  ResendBook book(3, 2);
  for (int round = 0; round < 5; ++round) {
    // The quota is spent: the service reads nothing and asks to wait.
    book.StartRound();
    book.Written(0);
    EXPECT_TRUE(book.EndRound("", /*held_back=*/true).empty());
    EXPECT_EQ(book.stalled_rounds(), 0);
  }
  // The stream's cap: the first report answered, the rest held back.
  EXPECT_EQ(book.StartRound(), (std::vector<size_t>{0, 1, 2}));
  book.Written(1);
  EXPECT_TRUE(book.Answered(0, Accepted()));
  EXPECT_TRUE(book.EndRound("", /*held_back=*/true).empty());
  EXPECT_EQ(book.StartRound(), (std::vector<size_t>{1, 2}));
  book.Written(2);
  EXPECT_TRUE(book.Answered(0, Accepted()));
  EXPECT_TRUE(book.Answered(1, Accepted()));
  book.EndRound("");
  EXPECT_TRUE(book.Done());
  EXPECT_EQ(book.counts().accepted, 3);
  EXPECT_EQ(book.counts().resent, 0);
  EXPECT_EQ(book.counts().given_up, 0);
}

TEST(UploaderTest, BackoffDoublesFromTheFirstUpToTheMaximum) {
  UploadOptions options;
  EXPECT_EQ(Backoff(options, 0), absl::Milliseconds(250));
  EXPECT_EQ(Backoff(options, 1), absl::Milliseconds(250));
  EXPECT_EQ(Backoff(options, 2), absl::Milliseconds(500));
  EXPECT_EQ(Backoff(options, 4), absl::Seconds(2));
  EXPECT_EQ(Backoff(options, 7), absl::Seconds(10));
  EXPECT_EQ(Backoff(options, 40), absl::Seconds(10));
}

TEST(UploaderTest, ABrokenConnectionReopensARefusalDoesNot) {
  EXPECT_TRUE(
      Reopens(grpc::Status(grpc::StatusCode::UNAVAILABLE, "Socket closed")));
  EXPECT_TRUE(Reopens(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "")));
  EXPECT_FALSE(Reopens(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "")));
  EXPECT_FALSE(Reopens(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "")));
}

TEST(AckLogTest, OneLinePerFinalOutcomeWithItsKind) {
  v1::ReportOutcome o = Accepted();
  o.set_visit_id("prv-1/r1");
  EXPECT_EQ(AckLine(o), "prv-1/r1\taccepted");
  o.set_outcome(v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS);
  EXPECT_EQ(AckLine(o), "prv-1/r1\taccepted_with_exceptions");
  v1::ReportOutcome r = Rejected();
  r.set_visit_id("prv-1/r2");
  EXPECT_EQ(AckLine(r), "prv-1/r2\trejected\tNOT_ASSIGNED");
  v1::ReportOutcome e = SendAgain();
  e.set_visit_id("prv-1/r3");
  EXPECT_EQ(AckLine(e), "prv-1/r3\tgiven_up");
}

// An unknown outcome is asked again with the same request; a refusal is not.
TEST(RetryWriteTest, SendsAgainUntilAnAnswerThatIsNotUnavailable) {
  UploadOptions fast;
  fast.first_backoff = absl::Milliseconds(1);
  std::vector<grpc::StatusCode> answers = {grpc::StatusCode::UNAVAILABLE,
                                           grpc::StatusCode::DEADLINE_EXCEEDED,
                                           grpc::StatusCode::OK};
  size_t calls = 0;
  grpc::Status s =
      RetryWrite([&] { return grpc::Status(answers[calls++], ""); }, fast);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 3u);
  calls = 0;
  answers = {grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::OK};
  s = RetryWrite([&] { return grpc::Status(answers[calls++], ""); }, fast);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(calls, 1u);
}

TEST(RetryWriteTest, AQuotaRefusalIsSentAgainAfterTheDelayItAsksFor) {
  UploadOptions slow;
  slow.first_backoff = absl::Hours(1);  // would hang the test if used
  const grpc::Status over_quota(
      grpc::StatusCode::RESOURCE_EXHAUSTED, "upload quota",
      StatusDetailsOf(
          QuotaExceeded("upload quota", "provider:p1", absl::Milliseconds(1))));
  int calls = 0;
  grpc::Status s = RetryWrite(
      [&] { return ++calls < 3 ? over_quota : grpc::Status::OK; }, slow);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 3);
  // Without RetryInfo (a busy worker pool) it is not the uploader's to
  // retry: the answer stands.
  calls = 0;
  s = RetryWrite(
      [&] {
        ++calls;
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "busy");
      },
      slow);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(calls, 1);
}

TEST(RetryWriteTest, GivesUpAfterMaxAttempts) {
  UploadOptions fast;
  fast.first_backoff = absl::Milliseconds(1);
  fast.max_attempts = 4;
  int calls = 0;
  grpc::Status s = RetryWrite(
      [&] {
        ++calls;
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
      },
      fast);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(calls, 4);
}

}  // namespace
}  // namespace lov::upload
