#include "visit_uploader.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "lov/platform/retry_info.h"

namespace lov::upload {
namespace {

// How a round's stream ended.
struct RoundEnd {
  grpc::Status status;
  // Set when the service held the rest back (its quota or the stream's
  // cap): how long it asks to wait before sending them on a new stream.
  std::optional<absl::Duration> retry_after;
};

// One stream: sends the round's reports while the answers are read, and
// hands each decision on. Returns how the stream ended.
RoundEnd StreamRound(const Connect& connect, const PrepareCall& prepare,
                     const std::vector<v1::VisitReport>& reports,
                     ResendBook& book, const OnFinal& on_final) {
  const std::vector<size_t>& round = book.StartRound();
  auto stub = v1::VisitsService::NewStub(connect());
  grpc::ClientContext context;
  prepare(&context);
  auto stream = stub->UploadVisits(&context);
  std::atomic<size_t> written{0};
  std::thread writer([&] {
    for (size_t i : round) {
      v1::UploadVisitsRequest request;
      *request.mutable_report() = reports[i];
      if (!stream->Write(request)) break;
      ++written;
    }
    stream->WritesDone();
  });
  v1::UploadVisitsResponse response;
  int64_t answers = 0;
  while (stream->Read(&response)) {
    // The service numbers its answers from 0 on each stream; an answer
    // without a number is the next one.
    const v1::ReportOutcome& outcome = response.outcome();
    const int64_t sequence =
        outcome.sequence() > 0 ? outcome.sequence() : answers;
    ++answers;
    const int64_t report = book.ReportAt(sequence);
    if (book.Answered(sequence, outcome)) on_final(report, outcome);
  }
  writer.join();
  RoundEnd end{.status = stream->Finish()};
  if (end.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    end.retry_after = RetryDelayOf(end.status);
  } else if (end.status.error_code() == grpc::StatusCode::UNAUTHENTICATED &&
             answers > 0) {
    // The stream outlived the token it was opened with: the service
    // answered what it read before, then ended it (docs/security.md). The
    // rest go on at once on a new stream, its call signed again.
    end.retry_after = absl::ZeroDuration();
  }
  // Held back: the service read only the reports it answered; the others
  // were not sent as far as it is concerned, and count no attempt.
  book.Written(end.retry_after ? static_cast<size_t>(answers) : written.load());
  return end;
}

// A given-up report names its visit even if no answer did.
void NameVisit(const v1::VisitReport& report, v1::ReportOutcome& outcome) {
  if (!outcome.visit_id().empty()) return;
  outcome.set_visit_id(
      absl::StrCat(report.provider_id(), "/", report.report_id()));
  outcome.set_report_id(report.report_id());
}

}  // namespace

absl::Duration Backoff(const UploadOptions& options, int stalled_rounds) {
  absl::Duration wait = options.first_backoff;
  for (int i = 1; i < stalled_rounds && wait < options.max_backoff; ++i) {
    wait *= 2;
  }
  return std::min(wait, options.max_backoff);
}

grpc::ChannelArguments QuickReconnect(grpc::ChannelArguments args) {
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  // Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: it is also the least time a
  // connection attempt gets (default 20 s). With the synchronous API only a
  // waiting call polls a channel; between calls gRPC's backup poller looks
  // every 5 s, so an attempt given 500 ms never saw its connect or TLS
  // handshake complete, and a channel to a restarted service stayed broken
  // for the whole retry budget (docs/reliability.md, runs AG and AH: the
  // server accepted, then waited for a ClientHello the client never sent).
  // Calls that ride out a restart set wait_for_ready instead (RetryWrite's
  // callers), so the call itself drives the reconnection.
  return args;
}

bool Reopens(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<UploadCounts> UploadWithResend(
    const Connect& connect, const PrepareCall& prepare,
    const std::vector<v1::VisitReport>& reports, const UploadOptions& options,
    const OnFinal& on_final) {
  ResendBook book(reports.size(), options.max_attempts);
  while (!book.Done()) {
    const RoundEnd end = StreamRound(connect, prepare, reports, book, on_final);
    const grpc::Status& ended = end.status;
    if (!ended.ok() && !end.retry_after && !Reopens(ended)) {
      return absl::Status(static_cast<absl::StatusCode>(ended.error_code()),
                          ended.error_message());
    }
    const bool held_back = end.retry_after.has_value();
    const std::string error =
        ended.ok() || held_back
            ? ""
            : absl::StrCat("stream broken: ", ended.error_message());
    for (auto& [i, last] : book.EndRound(error, held_back)) {
      NameVisit(reports[i], last);
      on_final(i, last);
    }
    if (book.Done()) break;
    // Held back by a limit: exactly as long as the service asks.
    const absl::Duration wait =
        held_back ? *end.retry_after : Backoff(options, book.stalled_rounds());
    if (options.progress != nullptr) {
      *options.progress << "upload: sending " << book.open()
                        << " report(s) again in " << wait << " ("
                        << (held_back ? ended.error_message()
                                      : book.round_error())
                        << ")\n"
                        << std::flush;
    }
    absl::SleepFor(wait);
  }
  return book.counts();
}

}  // namespace lov::upload
