// The demo municipality of `make run`, modelled on Norrtälje: four zones,
// the five providers named in the source documents plus the in-house unit,
// about 1,500 clients with decisions, a month of visits, a provider leaving a
// zone mid-month, the monthly settlement and the quality follow-up
// (complaints, deviations and lex Sarah reports, follow-ups of providers,
// the user survey; staff rosters that make continuity differ between
// providers). Everything goes through the
// services' public gRPC APIs, as staff, providers and their time-reporting
// systems would use them.
//
// Every call is made in the role a person or system would have: a registry
// officer sets up the registry, case officers handle the clients, each
// provider's time-reporting system reports its own visits, finance settles
// (sign_in.cc: tokens of the development issuer).
//
// The map: main.cc reads the flags; simulation.cc runs the seven phases in
// order; setup.cc, clients.cc, visits.cc, settle.cc and followup.cc hold
// the phases; town.cc is the municipality and its providers; content.cc,
// roster.cc and followup_story.cc what the simulator makes up (a pure
// function of the seed); rulebook.cc the rate table, extras.cc what it
// pays beyond hours; calls.cc the gRPC helpers; sign_in.cc the tokens.
// Visits are streamed with resends (tools/visit_upload).
#ifndef LOV_TOOLS_SIMULATOR_SIMULATOR_H_
#define LOV_TOOLS_SIMULATOR_SIMULATOR_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ack_log.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/auth/principal.h"
#include "lov/platform/clock.h"
#include "lov/platform/grpc_channel.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "visit_uploader.h"

namespace lov::sim {

namespace reg = ::lov::registry::v1;
namespace cho = ::lov::choice::v1;
namespace vis = ::lov::visits::v1;
namespace set = ::lov::settlement::v1;
namespace fol = ::lov::followup::v1;

// What the command line sets (main.cc).
struct Settings {
  std::string registry = "127.0.0.1:50051";
  std::string choice = "127.0.0.1:50052";
  std::string visits = "127.0.0.1:50053";
  std::string settlement = "127.0.0.1:50054";
  // The follow-up service; empty: the follow-up phase is left out (make
  // run gives it).
  std::string followup;
  // TLS with the CA and client certificate of LOV_TLS_CA,
  // LOV_TLS_CLIENT_CERT and LOV_TLS_CLIENT_KEY (make run: system:simulator).
  ClientTls tls;
  // The development issuer's private key (--dev-issuer-key or
  // LOV_DEV_ISSUER_KEY); empty: calls carry no token (the services refuse
  // them unless they are made with a client certificate they accept).
  std::string dev_issuer_key;
  int clients = 1500;
  // Default: the last full month (the content depends on it: give --month
  // to repeat a run in a later month).
  absl::CivilMonth month;
  uint64_t seed = 20240201;
  int threads = 8;
  // --max-attempts: sends of one visit report before it is given up.
  upload::UploadOptions upload;
  // --ack-log: one line per report whose upload ended (ack_log.h).
  std::string ack_log;
  // --run-dir (default $LOV_RUN_DIR, which make run sets): where the
  // month-end run's summary is written; empty: not written.
  std::string run_dir;
};

// ------------------------------------------------------ calls (calls.cc)

// Prints "simulator: <what>" and exits with 1: the demo cannot go on.
[[noreturn]] void Die(const std::string& what);
// Retries what may pass on a second try (a busy record, a restarting
// service, an unknown outcome: the same request with the same request id),
// with backoff, at most 8 calls; anything else is returned.
grpc::Status Retry(const std::function<grpc::Status()>& call);
// Dies unless the call succeeded.
void Must(const grpc::Status& status, const std::string& what);
// Runs task(0..n-1) on `threads` threads.
void Parallel(int n, int threads, const std::function<void(int)>& task);
// "  phase: done/total" on one line of stderr, ended when done == total.
void Progress(const std::string& phase, int done, int total);
// Pads to `width` characters on screen (UTF-8: å, ä, ö are one character).
std::string Pad(const std::string& text, size_t width);
// Polls `ready` every 250 ms for up to `seconds`; the last answer counts.
bool WaitFor(const std::function<bool()>& ready, int seconds);

// ------------------------------------------------------ signing in
// (sign_in.cc)

using Role = auth::v1::Role;

// Tokens of the development issuer, one per role (per provider for a
// provider), minted when first needed and again shortly before they expire.
// Thread-safe.
class SignIn {
 public:
  // Dies if the key at `key_path` cannot be loaded; "" signs nobody in.
  explicit SignIn(const std::string& key_path);

  // A call context with a deadline 60 s from now, signed in as `role` (a
  // provider's time-reporting system: `provider_id`).
  std::unique_ptr<grpc::ClientContext> As(Role role,
                                          const std::string& provider_id = "");
  // Adds the token of `role` to `call` (a stream without a deadline).
  void Sign(grpc::ClientContext* call, Role role,
            const std::string& provider_id = "");
  // As As(role), signed in as one named member of staff (HSA-id
  // "SE2321000016-sim-<who>"): the month-end run's two finance users.
  std::unique_ptr<grpc::ClientContext> AsStaff(Role role,
                                               const std::string& who);

 private:
  struct Minted {
    std::string token;
    absl::Time expires;
  };
  // `staff`: a named member of staff; "" the role's own.
  std::string Token(Role role, const std::string& provider_id,
                    const std::string& staff = "");

  SystemClock clock_;
  std::optional<auth::DevIssuer> issuer_;
  std::mutex mu_;
  std::map<std::tuple<Role, std::string, std::string>, Minted> minted_;
};

// ------------------------------------------------------ the town (town.cc)

struct ProviderSpec {
  const char* org;
  const char* name;
  reg::ProviderKind kind;
  std::vector<std::string> zones;
  int cap;  // per zone; 0 = no cap
  std::vector<std::string> languages;
  std::vector<std::string> specialisations;
  int popularity;  // relative weight when clients choose
};

// The in-house unit first, then the private providers.
const std::vector<ProviderSpec>& Providers();
// The id the registry derives from an organisation number: "prv-<digits>".
std::string ProviderId(const std::string& org);
// Organisation numbers of the providers the story singles out.
inline constexpr char kAllegioOrg[] = "556788-9984";    // leaves Södra
inline constexpr char kTiohundraOrg[] = "556610-0201";  // offers home nursing
// Zones, categories and the rules of Norrtälje kommun.
reg::Municipality Norrtalje();
// A valid personnummer: born on year-month-day, serial from `n`.
std::string Personnummer(int year, int month, int day, int n);
// The zones of the demo's sparse area type (glesbygd: Norra, Väddö), where
// travel is paid by the km.
bool SparseZone(const std::string& zone_id);
// Day activities (dagverksamhet), paid per enrolled day at the client's
// decided support level; every provider offers them.
inline constexpr char kDayActivity[] = "day-activity";

// A client as the simulator keeps track of it.
struct SimClient {
  std::string client_id;
  std::string zone;
  int service_minutes = 0;  // granted per month
  int care_minutes = 0;
  std::string provider_id;  // in force during the month
  bool chose = true;
  // Day activities granted per month (0: none) and the support level
  // decided for them ("niva-1" .. "niva-3").
  int day_activity_minutes = 0;
  std::string support_level;
};

// ------------------------------------------------------ what the simulator
// makes up (content.cc): a pure function of the seed

// A generator of its own for `purpose` and `index` (a client), derived from
// the seed.
std::mt19937_64 StreamOf(uint64_t seed, std::string_view purpose,
                         uint64_t index);
// Who the clients are: zone, granted minutes, whether they choose, day
// activities and their support level.
std::vector<SimClient> DrawClients(uint64_t seed, int n);
// The client's pick from its neutral list, other than `leaver`; "" if
// there is none. Independent of the list's order.
std::string PickProvider(const cho::ListEligibleProvidersResponse& list,
                         std::mt19937_64& rng, const std::string& leaver = "");
// Whether the client with an open re-choice case chooses again in time
// (about 60%).
bool RechoosesInTime(uint64_t seed, size_t client);
// The month's visit reports of the clients with a provider (their ids and
// providers as the services gave them), each with the distance driven to
// it (longer in sparse zones), some bad ones and a few twice.
std::vector<vis::VisitReport> MonthOfVisits(
    uint64_t seed, absl::CivilMonth month,
    const std::vector<SimClient>& clients);

// ------------------------------------------------------ staff rosters
// (roster.cc)

// How a provider staffs its clients: teams of `staff_per_team` people for
// up to `clients_per_team` clients (at least twice as many staff: a
// double-staffed visit takes two members).
struct StaffPlan {
  int clients_per_team;
  int staff_per_team;
};
StaffPlan PlanOf(const std::string& provider_id);

// Who does each visit: a pure function of the seed and the clients'
// providers (roster.cc says how).
class StaffRoster {
 public:
  StaffRoster(uint64_t seed, const std::vector<SimClient>& clients);
  struct Staff {
    std::string staff;
    std::string second;  // for a double-staffed visit
  };
  // Client `i`'s staff on `day` in `shift` (0 morning, 1 afternoon, 2
  // evening).
  Staff StaffFor(size_t i, absl::CivilDay day, int shift) const;
  // Every staff id of the provider's teams, substitutes included.
  std::set<std::string> Pool(const std::string& provider_id) const;

 private:
  struct Seat {
    std::string provider_id;
    std::string team;  // "b<block>t<n>"
    int seat = 0;      // 0 .. clients_per_team - 1
  };
  uint64_t seed_;
  std::vector<Seat> seats_;                             // by client
  std::map<std::string, std::set<std::string>> teams_;  // by provider
};

// Staff continuity as docs/followup.md computes it (the 14 days from
// `from`; performed visits starting 07-22 Stockholm time; clients with at
// least 28 of them; both staff of a double-staffed visit), by provider,
// counted on the simulator's side from the visits it saw accepted.
struct ContinuityCount {
  int clients = 0;
  double median_staff = 0;
};
std::map<std::string, ContinuityCount> StaffContinuity(
    const std::vector<vis::VisitReport>& accepted, absl::CivilDay from);

// ------------------------------------------------------ follow-up records
// (followup_story.cc): a pure function of the seed, the month and today

struct ComplaintStory {
  fol::RegisterComplaintRequest registered;
  std::vector<std::pair<fol::ComplaintStatus, std::string>> steps;  // dates
};
struct DeviationStory {
  fol::ReportDeviationRequest reported;
  std::string ivo_date;  // "": not reported to IVO
};
struct FollowUpStory {
  fol::PlanFollowUpRequest planned;
  std::string done_date;  // "": still planned
  std::vector<fol::FindingInput> findings;
  std::map<int, std::string> plans_received;  // finding number (1-) -> date
};
struct FollowUpContent {
  std::vector<ComplaintStory> complaints;
  std::vector<DeviationStory> deviations;
  std::vector<FollowUpStory> follow_ups;  // one per provider
  int survey_year = 0;
  // The national user survey's results in the CSV of docs/followup.md.
  std::string survey_csv;
};
// Complaints, deviations (a lex Sarah report of a serious wrong reported to
// IVO, one not), a follow-up planned per provider and one done with
// findings, and the survey; nothing dated after `today`.
FollowUpContent MakeFollowUpContent(uint64_t seed, absl::CivilMonth month,
                                    absl::CivilDay today,
                                    const std::vector<SimClient>& clients);
// What is overdue on `today` by the rules of docs/followup.md, counted on
// the simulator's side.
struct FollowUpCounts {
  int complaints = 0, overdue_complaints = 0;
  int deviations = 0, overdue_deviations = 0;
  int follow_ups = 0, done = 0, overdue_action_plans = 0;
};
FollowUpCounts CountFollowUp(const FollowUpContent& content,
                             absl::CivilDay today);
// A visit the visits service accepted, with its latest answer: the
// upload's outcome, or a late correction's (accepted with exceptions when
// the correction's answer names any).
struct AcceptedVisit {
  vis::VisitReport report;
  vis::Outcome outcome = vis::OUTCOME_ACCEPTED;
};
// indicator_window.cc: what the simulator generated for the indicators as
// of `as_of` (the accepted visits of the 14 days before it, any status,
// with the service's answer; the clients listed, complaints and deviations
// with their dates), one record a line.
std::string IndicatorWindowText(absl::CivilDay as_of,
                                const std::vector<AcceptedVisit>& accepted,
                                const std::vector<SimClient>& clients,
                                const FollowUpContent& content);

// ------------------------------------------------------ the rulebook
// (rulebook.cc) and what it pays beyond hours (extras.cc)

// The rate table the demo month is settled by, in force from `effective`:
// home help by the hour per time band (a rural supplement, travel per km
// in the sparse zones), day activities per enrolled day by support level.
set::RateTable DemoRateTable(absl::CivilDay effective);

// What a provider's month pays beyond hours.
struct Extras {
  int64_t travel_metres = 0;                  // on TRAVEL_DISTANCE lines
  std::map<std::string, int64_t> level_days;  // SUPPORT_LEVEL_DAY, by level
  bool operator==(const Extras&) const = default;
};
// What the statement's lines of the month itself pay (not adjustments).
Extras ExtrasPaid(const set::Statement& statement);
// What they must pay, counted on the simulator's side: the metres of the
// provider's accepted performed visits to clients in sparse zones, and
// every day of `month` of each of its clients with day activities, at the
// client's level (clients keep their provider all month).
Extras ExtrasExpected(const std::string& provider_id,
                      const std::vector<vis::VisitReport>& accepted_performed,
                      const std::vector<SimClient>& clients,
                      absl::CivilMonth month);

// ------------------------------------------------------ the phases

class Simulation {
 public:
  explicit Simulation(Settings settings);

  // The seven phases in order, then the summary; exits with 1 on a failed
  // call, a failed money check or a continuity the follow-up service counts
  // otherwise than the simulator.
  void Run();

 private:
  // A request id unique to this seed and month, so a second run with the
  // same seed against the same services replays instead of duplicating.
  std::string RequestId(const std::string& what) const;
  // A new channel to the visits service, for each upload stream.
  std::shared_ptr<grpc::Channel> VisitsChannel() const;

  // [1/7] setup.cc: the registry.
  void SetUpRegistry();
  void RegisterProviders();
  reg::Municipality ConfigureMunicipality();
  void ApproveProvider(const ProviderSpec& provider,
                       const std::string& approved_from);
  void SetCaps(const ProviderSpec& provider, const std::string& from);
  // [2/7] setup.cc: the choice policy.
  void SetUpChoice();

  // [3/7] clients.cc: clients, their decisions and choices.
  void RegisterClients();
  void EnrolClient(int i, cho::Client* client);
  void RegisterDecision(int i, cho::Client* client);
  void ChooseOrAllocate(int i, cho::Client* client);
  void ChooseFromList(int i, const std::string& from);
  void AllocateNonChoice(int i, const std::string& from);
  void ReadProviderInForce(int i, cho::Client* client);
  // [4/7] clients.cc: a provider leaves a zone.
  void ProviderLeavesZone();
  void GiveNotice(const std::string& leaver, absl::CivilDay given);
  cho::ListRechoiceCasesResponse AwaitRechoiceCases(const std::string& leaver);
  int RechooseSome(const cho::ListRechoiceCasesResponse& cases,
                   const std::string& leaver);
  bool Rechoose(int i, const std::string& leaver);
  cho::RunDueAllocationsResponse AllocateAfter(const std::string& deadline,
                                               absl::CivilDay fallback);

  // [5/7] visits.cc: the month's visits.
  void ReportVisits();
  void AwaitAssignmentsInVisits();
  void UploadVisits(const std::vector<vis::VisitReport>& reports);
  // One provider's reports, as its system, resent until decided; `uploaded`
  // counts across the providers for the progress line.
  void UploadProviderVisits(const std::string& provider_id,
                            const std::vector<vis::VisitReport>& reports,
                            size_t total, size_t* uploaded);
  // `repeat`: the report was sent before in the same upload on purpose.
  void CountOutcome(const vis::ReportOutcome& outcome,
                    const vis::VisitReport& report, bool repeat);
  int64_t RejectedCount() const;

  // [6/7] settle.cc: settlement, and the summary with its money checks.
  void Settle();
  void AddRateTable();
  void SetListingRule();
  void ApproveStatements();
  // The month-end run's summary in the run directory; its path, "" if none.
  std::string WriteMonthRunSummary(const set::MonthRunApproval& approval,
                                   const set::MonthRun& run);
  // settle.cc: each private provider's bankgiro, VAT number and F-tax, as
  // finance sets them in the registry (pain.001 and Peppol need them).
  void SetPaymentDetails();
  // settle.cc: the approved month's finance files (ExportMonth: SIE 4,
  // pain.001, fee basis; ExportStatement: a Peppol invoice per private
  // provider) in <run dir>/month-end/; empty run dir: not written.
  void WriteFinanceFiles();
  int CorrectSomeVisits();
  // [7/7] followup.cc: complaints, deviations, follow-ups, the survey.
  void RecordFollowUp();
  void RecordComplaint(size_t k, const ComplaintStory& story);
  void RecordDeviation(size_t k, const DeviationStory& story);
  void RecordFollowUpOf(size_t k, const FollowUpStory& story);
  void ImportSurvey(const FollowUpContent& content);
  // <run dir>/followup/indicator-window.tsv (IndicatorWindowText) as of the
  // day after the month; empty run dir: not written.
  void WriteIndicatorWindow(const FollowUpContent& content);
  // Whether the follow-up service's continuity equals the simulator's.
  bool ContinuityAgrees();
  void Summary();
  // The summary's two money checks; the run fails unless both hold.
  struct MoneyChecks {
    bool lines_add_up = true;  // every statement's lines sum to its total
    bool paid_once = true;     // statement hours == accepted visits' hours
    // every statement's travel and support-level days == ExtrasExpected
    bool extras_paid = true;
    Extras extras;  // the municipality's, summed over the providers
  };
  MoneyChecks PrintStatements();
  void PrintZoneHealth();
  void PrintVisitsAndRechoice();
  // The follow-up counts and the continuity per provider; false if the
  // service disagrees with the simulator's own count.
  bool PrintFollowUp();

  Settings settings_;
  SignIn sign_in_;
  std::unique_ptr<upload::AckLog> ack_log_;
  std::unique_ptr<reg::RegistryService::Stub> registry_;
  std::unique_ptr<cho::ChoiceService::Stub> choice_;
  std::unique_ptr<vis::VisitsService::Stub> visits_;
  std::unique_ptr<set::SettlementService::Stub> settlement_;
  std::unique_ptr<fol::FollowupService::Stub> followup_;  // null: no phase
  absl::CivilDay first_day_, last_day_;  // of the simulated month
  std::vector<SimClient> clients_;
  // What the phases counted, for the summary.
  std::string leaving_zone_;
  int rechose_ = 0, allocated_after_deadline_ = 0;
  // Fresh neutral lists asked for (first pages), as the neutrality audit
  // counts them.
  std::atomic<int> lists_shown_{0};
  int64_t accepted_ = 0, with_exceptions_ = 0, duplicates_ = 0;
  int64_t resent_ = 0, given_up_ = 0;
  std::map<std::string, int64_t> rejected_;           // by reason code
  std::map<std::string, int64_t> performed_seconds_;  // by provider id
  std::vector<vis::VisitReport> accepted_performed_;  // for late corrections
  std::vector<AcceptedVisit> accepted_visits_;  // every status, for the window
  std::map<std::string, set::Statement> statements_;  // by provider id
  std::string month_run_summary_;  // where the month-end run was written
  std::vector<std::string> finance_files_;  // the month's finance files
  FollowUpCounts followup_counts_;
  std::string today_;  // the follow-up phase's Stockholm date
};

}  // namespace lov::sim

#endif  // LOV_TOOLS_SIMULATOR_SIMULATOR_H_
