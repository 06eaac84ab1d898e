#include "resend_book.h"

namespace lov::upload {

bool Decides(const v1::ReportOutcome& outcome) {
  return outcome.error_code() == 0 &&
         outcome.outcome() != v1::OUTCOME_UNSPECIFIED;
}

ResendBook::ResendBook(size_t reports, int max_attempts)
    : max_attempts_(max_attempts),
      state_(reports, State::kOpen),
      attempts_(reports, 0),
      last_error_(reports),
      open_(reports) {}

const std::vector<size_t>& ResendBook::StartRound() {
  round_.clear();
  for (size_t i = 0; i < state_.size(); ++i) {
    if (state_[i] == State::kOpen) round_.push_back(i);
  }
  decided_in_round_ = 0;
  round_error_.clear();
  return round_;
}

void ResendBook::Written(size_t count) {
  for (size_t k = 0; k < count && k < round_.size(); ++k) {
    if (++attempts_[round_[k]] > 1) ++counts_.resent;
  }
}

int64_t ResendBook::ReportAt(int64_t sequence) const {
  if (sequence < 0 || static_cast<size_t>(sequence) >= round_.size()) {
    return -1;
  }
  return static_cast<int64_t>(round_[sequence]);
}

bool ResendBook::Answered(int64_t sequence, const v1::ReportOutcome& outcome) {
  const int64_t report = ReportAt(sequence);
  if (report < 0 || state_[report] != State::kOpen) return false;
  if (!Decides(outcome)) {
    last_error_[report] = outcome;
    round_error_ = outcome.error_message();
    return false;
  }
  state_[report] = State::kDecided;
  --open_;
  ++decided_in_round_;
  ++(outcome.outcome() == v1::OUTCOME_REJECTED ? counts_.rejected
                                               : counts_.accepted);
  return true;
}

std::vector<std::pair<size_t, v1::ReportOutcome>> ResendBook::EndRound(
    const std::string& error, bool held_back) {
  if (decided_in_round_ > 0) {
    stalled_rounds_ = 0;
  } else if (!held_back) {
    ++stalled_rounds_;
  }
  if (!error.empty()) round_error_ = error;
  std::vector<std::pair<size_t, v1::ReportOutcome>> given_up;
  for (size_t i : round_) {
    if (state_[i] != State::kOpen) continue;
    if (attempts_[i] < max_attempts_ && stalled_rounds_ < max_attempts_) {
      continue;
    }
    state_[i] = State::kGivenUp;
    --open_;
    ++counts_.given_up;
    v1::ReportOutcome last = last_error_[i];
    if (last.error_code() == 0) {  // never answered: the stream's error
      last.set_error_code(14);     // UNAVAILABLE
      last.set_error_message(error.empty() ? "no answer" : error);
    }
    given_up.emplace_back(i, std::move(last));
  }
  return given_up;
}

}  // namespace lov::upload
