// Which reports of an upload still need sending, and what became of each:
// the bookkeeping of resends, apart from the stream so that it can be tested
// on its own (visit_uploader.cc drives it).
//
// An upload goes in rounds, one stream each. A round sends every report not
// yet decided, in the order of the upload. A report is decided once the
// service answers it with an outcome (accepted or rejected); an answer with
// an error ("not stored, send again") or no answer at all (the stream broke)
// leaves it for the next round. A report is given up after `max_attempts`
// sends without a decision, and every report still open is given up after
// `max_attempts` rounds in a row that decided nothing (the service is gone).
// A round that the service ended by a limit (RESOURCE_EXHAUSTED with a
// RetryInfo: the provider's quota, the stream's cap) counts as a send only
// for the reports it answered, and never as a round without news.
#ifndef LOV_TOOLS_VISIT_UPLOAD_RESEND_BOOK_H_
#define LOV_TOOLS_VISIT_UPLOAD_RESEND_BOOK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lov/visits/v1/visits.pb.h"

namespace lov::upload {

namespace v1 = ::lov::visits::v1;

struct UploadCounts {
  int64_t accepted = 0;  // with or without exceptions to review
  int64_t rejected = 0;  // by a rule of the service
  int64_t resent = 0;    // sends after a report's first
  int64_t given_up = 0;  // never decided; must be 0 in a healthy run
};

// Whether the outcome decides the report; otherwise it is to be sent again.
bool Decides(const v1::ReportOutcome& outcome);

class ResendBook {
 public:
  ResendBook(size_t reports, int max_attempts);

  // Starts a round: the reports to send, by index, in upload order.
  const std::vector<size_t>& StartRound();
  // The first `count` reports of the round were written to the stream.
  void Written(size_t count);
  // The answer to the round's report at `sequence` (its position on the
  // stream). Returns true if it decided the report, which was open.
  bool Answered(int64_t sequence, const v1::ReportOutcome& outcome);
  // Ends the round (the stream finished, or broke with `error`). Returns
  // the reports given up now, each with the last error it got. A round
  // `held_back` by the service's limits (its quota, the stream's cap) is
  // no sign of a fault: it does not count as a round that decided nothing.
  std::vector<std::pair<size_t, v1::ReportOutcome>> EndRound(
      const std::string& error, bool held_back = false);
  // The report the round's `sequence` stands for (the answer's report),
  // or -1 if none.
  int64_t ReportAt(int64_t sequence) const;

  // Every report decided or given up.
  bool Done() const { return open_ == 0; }
  // Reports neither decided nor given up.
  size_t open() const { return open_; }
  // The last error the round ended with or an answer of it carried.
  const std::string& round_error() const { return round_error_; }
  // Rounds in a row, up to the last one, that decided nothing.
  int stalled_rounds() const { return stalled_rounds_; }
  const UploadCounts& counts() const { return counts_; }

 private:
  enum class State { kOpen, kDecided, kGivenUp };
  const int max_attempts_;
  std::vector<State> state_;
  std::vector<int> attempts_;
  std::vector<v1::ReportOutcome> last_error_;
  std::vector<size_t> round_;
  size_t open_;
  int64_t decided_in_round_ = 0;
  std::string round_error_;
  int stalled_rounds_ = 0;
  UploadCounts counts_;
};

}  // namespace lov::upload

#endif  // LOV_TOOLS_VISIT_UPLOAD_RESEND_BOOK_H_
