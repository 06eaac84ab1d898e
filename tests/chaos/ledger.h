// What the chaos suite's checker (chaos_check.cc) holds the system to, read
// from Kafka as an outside subscriber: every event of the event and
// dead-letter topics goes into a Ledger, which then answers whether the
// promises of issue 15 held (docs/reliability.md):
//   - every visit report the API acknowledged (the simulator's --ack-log) has
//     exactly one decision (VisitAccepted or VisitRejected) in the visits
//     topic, of the acknowledged kind, and no visit has two;
//   - every accepted visit of an approved statement's provider and month is
//     paid exactly once (a source of exactly one statement's time or visit
//     lines), and no visit is paid by two statements;
//   - no provider had more clients in a zone on any day than its cap;
//   - no client took a provider's place in a zone beyond its hours cap
//     (max_hours_per_month: the granted hours a month of the clients
//     holding a place there, this one's included), as choice's
//     reservation rule counts them;
//   - no statement was approved twice;
//   - every dead-letter topic is empty.
#ifndef LOV_TESTS_CHAOS_LEDGER_H_
#define LOV_TESTS_CHAOS_LEDGER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/kafka.h"
#include "lov/registry/v1/registry.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/settlement/v1/settlement.pb.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::chaos {

// One line of the simulator's --ack-log (tools/visit_upload/ack_log.h):
// "<visit id>\t<kind>[\t<reason>]".
struct Ack {
  std::string visit_id;
  std::string kind;    // accepted, accepted_with_exceptions, rejected, given_up
  std::string reason;  // of a rejection, e.g. DUPLICATE_REPORT
};
std::vector<Ack> ParseAckLog(absl::string_view text);

// What broke, counted; `problems` names the first few of each kind.
struct Findings {
  int64_t events = 0;
  int64_t undecodable = 0;
  int64_t acknowledged = 0;      // distinct acknowledged reports
  int64_t given_up = 0;          // reports the simulator never got decided
  int64_t lost = 0;              // acknowledged, no decision in the log
  int64_t wrong_outcome = 0;     // in the log with another decision
  int64_t decided_twice = 0;     // visits with more than one decision
  int64_t paid_visits = 0;       // visits on approved statements
  int64_t unpaid = 0;            // accepted, statement approved, not on it
  int64_t double_paid = 0;       // on two statements (or twice on one)
  int64_t approvals = 0;         // distinct approved statements
  int64_t double_approvals = 0;  // statements approved more than once
  int64_t cap_checks = 0;        // (provider, zone, day) counts compared
  int64_t cap_violations = 0;
  int64_t hours_checks = 0;      // places taken under an hours cap
  int64_t hours_violations = 0;  // taken beyond it
  int64_t dead_letters = 0;
  std::vector<std::string> problems;

  // No violation of any promise (given-up reports are not one: they were
  // never acknowledged).
  bool ok() const {
    return lost + wrong_outcome + decided_twice + unpaid + double_paid +
               double_approvals + cap_violations + hours_violations +
               dead_letters + undecodable ==
           0;
  }
};

class Ledger {
 public:
  // Takes one event of any topic (by its name: *.visits.events.v1,
  // *.visits.rejected.v1,
  // *.settlement.events.v1, *.choice.events.v1, *.registry.events.v1,
  // *.dlq.v1; others are ignored).
  void Add(const CloudEvent& event);
  // `acks`: the acknowledged reports; `have_acks` false skips that check.
  Findings Check(const std::vector<Ack>& acks, bool have_acks) const;

 private:
  struct Decision {
    bool accepted = false;
    std::string reason;
  };
  // One version of a visit (or its voiding), when it was written.
  struct VisitVersion {
    absl::Time at;
    bool voided = false;
    visits::v1::Visit visit;
  };
  struct Approval {
    absl::Time at;
    settlement::v1::Statement statement;
  };
  // One version of a client's decision or assignment, when it was written.
  struct DecisionVersion {
    absl::Time at;
    choice::v1::Decision decision;
  };
  struct AssignmentVersion {
    absl::Time at;
    choice::v1::Assignment assignment;
  };

  void AddVisit(const visits::v1::VisitEvent& e, absl::Time at);
  void AddSettlement(const settlement::v1::SettlementEvent& e, absl::Time at);
  void AddChoice(const choice::v1::ChoiceEvent& e, absl::Time at);
  void AddRegistry(const CloudEvent& event);

  void CheckAcks(const std::vector<Ack>& acks, Findings& f) const;
  void CheckDecisions(Findings& f) const;
  void CheckPayments(Findings& f) const;
  // `on_statement`: statement id -> the visits it pays.
  void CheckUnpaid(
      const std::map<std::string, std::set<std::string>>& on_statement,
      Findings& f) const;
  // The visits the approval's time and visit lines pay -> their sources
  // ("<visit id>@<version>").
  std::map<std::string, std::set<std::string>> PaidVersions(
      const Approval& approval) const;
  void CheckCaps(Findings& f) const;
  void CheckHoursCaps(Findings& f) const;
  // The granted minutes a month of `client` in `categories` by its
  // decisions as written by `at`, the decision for `day` (in force on it,
  // else the next to start), as choice's GrantedMinutes.
  int64_t GrantedMinutes(const std::string& client,
                         const std::set<std::string>& categories,
                         const std::string& day, absl::Time at) const;
  // The granted minutes a month of the places at the provider in the zone
  // of `taking` held on its first day by the other clients, by the
  // assignments written before `at`; -1 if its client keeps a place there
  // (then nothing is taken).
  int64_t HeldMinutes(const choice::v1::Assignment& taking,
                      absl::Time at) const;
  // The statement's lines with the sources of its StatementSourcesRecorded
  // parts appended.
  settlement::v1::Statement WithSources(const Approval& approval) const;
  // Whether an accepted visit must be on its statement approved at `at`.
  bool MustBePaid(const std::vector<VisitVersion>& versions, absl::Time at,
                  visits::v1::Visit* current) const;

  int64_t events_ = 0, undecodable_ = 0, dead_letters_ = 0;
  std::vector<std::string> dead_letter_errors_;
  // By aggregate id (a DUPLICATE_REPORT rejection: "<visit id>~<fp>").
  std::map<std::string, std::vector<Decision>> decisions_;
  std::map<std::string, std::vector<VisitVersion>> versions_;
  std::map<std::string, std::vector<Approval>> approvals_;
  // statement id -> part -> sources of its lines (first copy of each part).
  std::map<std::string, std::map<int, settlement::v1::StatementSourcesRecorded>>
      source_parts_;
  std::map<std::string, settlement::v1::PaymentModel> models_;  // category
  std::map<std::string, choice::v1::Assignment> assignments_;   // by id
  // Every version in log order: by client id, and each assignment started.
  std::map<std::string, std::vector<DecisionVersion>> decisions_of_;
  std::map<std::string, std::vector<AssignmentVersion>> assignments_of_;
  std::vector<AssignmentVersion> started_;
  std::map<std::string, registry::v1::Provider> providers_;  // latest
};

}  // namespace lov::chaos

#endif  // LOV_TESTS_CHAOS_LEDGER_H_
