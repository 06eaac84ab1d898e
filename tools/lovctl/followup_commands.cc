// lovctl complaint ... / deviation ... / followup plan|complete|action-plan|
// list: the follow-up service's records (docs/followup.md). Indicators,
// continuity and the survey import: indicator_commands.cc.
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "followup_text.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/stockholm_time.h"
#include "pages.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::followup::v1;
using Stub = v1::FollowupService::Stub;

std::unique_ptr<Stub> Followup(Context& ctx) {
  return v1::FollowupService::NewStub(ctx.Channel("followup"));
}

// A date flag: empty, or YYYY-MM-DD (the service's dates are Stockholm
// calendar dates); the error names the flag.
std::string DateFlag(Args& args, const std::string& flag, absl::Status* bad,
                     bool required = false) {
  const std::string text = required ? args.Required(flag) : args.Get(flag);
  if (!text.empty() && !ParseDate(text).ok() && bad->ok()) {
    *bad = absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", text, "' is not a date YYYY-MM-DD"));
  }
  return text;
}

// One call of the service that answers a record, printed by `table`.
template <typename Request, typename Record>
absl::Status Write(
    Context& ctx, Args& args, const Request& request,
    grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Record*),
    const std::string& what,
    const std::function<void(std::ostream&, const Record&)>& table) {
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Followup(ctx);
  Record record;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(((*stub).*rpc)(c.get(), request, &record), what);
      !s.ok()) {
    return s;
  }
  Print(ctx, record, [&](std::ostream& out) { table(out, record); });
  return absl::OkStatus();
}

// Every page of a list call, printed as one list.
template <typename Request, typename Response>
absl::Status List(
    Context& ctx, Args& args, const Request& request,
    grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
    const std::string& what,
    const std::function<void(std::ostream&, const Response&)>& table) {
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Followup(ctx);
  Response all;
  if (absl::Status s = AllPages(
          ctx, request,
          [&](grpc::ClientContext* c, const Request& r, Response* page) {
            return ((*stub).*rpc)(c, r, page);
          },
          what, &all);
      !s.ok()) {
    return s;
  }
  Print(ctx, all, [&](std::ostream& out) { table(out, all); });
  return absl::OkStatus();
}

// ------------------------------------------------------------ complaints

void ComplaintRows(Table& t, const v1::Complaint& c, bool overdue) {
  t.Add({c.complaint_id(), c.client_id(), c.provider_id(), c.category(),
         c.received_date(), c.reply_due_date(), ComplaintStatusText(c.status()),
         overdue ? "OVERDUE" : "-"});
}

Table ComplaintTable() {
  return Table({"COMPLAINT", "CLIENT", "PROVIDER", "CATEGORY", "RECEIVED",
                "REPLY DUE", "STATUS", "OVERDUE"});
}

void OneComplaint(std::ostream& out, const v1::Complaint& c) {
  Table t = ComplaintTable();
  ComplaintRows(t, c, false);
  t.Write(out);
}

absl::Status RegisterComplaint(Context& ctx, Args& args) {
  absl::Status bad;
  v1::RegisterComplaintRequest r;
  r.set_request_id(RequestId(args));
  r.set_client_id(args.Required("client"));
  r.set_provider_id(args.Required("provider"));
  r.set_category(args.Required("category"));
  r.set_received_date(DateFlag(args, "received", &bad));
  if (!bad.ok()) return bad;
  return Write<v1::RegisterComplaintRequest, v1::Complaint>(
      ctx, args, r, &Stub::RegisterComplaint, "complaint register",
      OneComplaint);
}

absl::Status AdvanceComplaint(Context& ctx, Args& args) {
  absl::Status bad;
  v1::AdvanceComplaintRequest r;
  r.set_request_id(RequestId(args));
  r.set_complaint_id(args.Required("id"));
  const std::string status = args.Required("status");
  r.set_date(DateFlag(args, "date", &bad));
  if (!bad.ok()) return bad;
  if (!status.empty()) {
    absl::StatusOr<v1::ComplaintStatus> parsed = ParseComplaintStatus(status);
    if (!parsed.ok()) return parsed.status();
    r.set_status(*parsed);
  }
  return Write<v1::AdvanceComplaintRequest, v1::Complaint>(
      ctx, args, r, &Stub::AdvanceComplaint, "complaint advance", OneComplaint);
}

absl::Status ListComplaints(Context& ctx, Args& args) {
  absl::Status bad;
  v1::ListComplaintsRequest r;
  r.set_provider_id(args.Get("provider"));
  r.set_overdue_only(args.Bool("overdue"));
  r.set_as_of(DateFlag(args, "as-of", &bad));
  if (!bad.ok()) return bad;
  return List<v1::ListComplaintsRequest, v1::ListComplaintsResponse>(
      ctx, args, r, &Stub::ListComplaints, "complaint list",
      [](std::ostream& out, const v1::ListComplaintsResponse& all) {
        Table t = ComplaintTable();
        for (const auto& e : all.complaints()) {
          ComplaintRows(t, e.complaint(), e.overdue());
        }
        t.Write(out);
      });
}

// ------------------------------------------------------------ deviations

Table DeviationTable() {
  return Table({"DEVIATION", "PROVIDER", "CLIENT", "KIND", "SEVERITY",
                "OCCURRED", "REPORTED", "IVO DUE", "TO IVO", "OVERDUE"});
}

void DeviationRow(Table& t, const v1::Deviation& d, bool overdue) {
  t.Add({d.deviation_id(), d.provider_id(),
         d.client_id().empty() ? "-" : d.client_id(),
         DeviationKindText(d.kind()), SeverityText(d.severity()),
         d.occurred_date(), d.reported_date(),
         d.ivo_due_date().empty() ? "-" : d.ivo_due_date(),
         d.ivo_reported_date().empty() ? "-" : d.ivo_reported_date(),
         overdue ? "OVERDUE" : "-"});
}

void OneDeviation(std::ostream& out, const v1::Deviation& d) {
  Table t = DeviationTable();
  DeviationRow(t, d, false);
  t.Write(out);
}

absl::Status ReportDeviation(Context& ctx, Args& args) {
  absl::Status bad;
  v1::ReportDeviationRequest r;
  r.set_request_id(RequestId(args));
  r.set_provider_id(args.Required("provider"));
  r.set_client_id(args.Get("client"));
  const std::string kind = args.Required("kind");
  const std::string severity = args.Required("severity");
  r.set_occurred_date(DateFlag(args, "occurred", &bad, true));
  r.set_reported_date(DateFlag(args, "reported", &bad));
  if (!bad.ok()) return bad;
  if (!kind.empty()) {
    absl::StatusOr<v1::DeviationKind> k = ParseDeviationKind(kind);
    if (!k.ok()) return k.status();
    r.set_kind(*k);
  }
  if (!severity.empty()) {
    absl::StatusOr<v1::Severity> s = ParseSeverity(severity);
    if (!s.ok()) return s.status();
    r.set_severity(*s);
  }
  return Write<v1::ReportDeviationRequest, v1::Deviation>(
      ctx, args, r, &Stub::ReportDeviation, "deviation report", OneDeviation);
}

absl::Status ReportToIvo(Context& ctx, Args& args) {
  absl::Status bad;
  v1::ReportToIvoRequest r;
  r.set_request_id(RequestId(args));
  r.set_provider_id(args.Required("provider"));
  r.set_deviation_id(args.Required("id"));
  r.set_reported_date(DateFlag(args, "date", &bad));
  if (!bad.ok()) return bad;
  return Write<v1::ReportToIvoRequest, v1::Deviation>(
      ctx, args, r, &Stub::ReportToIvo, "deviation ivo", OneDeviation);
}

absl::Status ListDeviations(Context& ctx, Args& args) {
  absl::Status bad;
  v1::ListDeviationsRequest r;
  r.set_provider_id(args.Get("provider"));
  r.set_overdue_only(args.Bool("overdue"));
  r.set_as_of(DateFlag(args, "as-of", &bad));
  if (!bad.ok()) return bad;
  return List<v1::ListDeviationsRequest, v1::ListDeviationsResponse>(
      ctx, args, r, &Stub::ListDeviations, "deviation list",
      [](std::ostream& out, const v1::ListDeviationsResponse& all) {
        Table t = DeviationTable();
        for (const auto& e : all.deviations()) {
          DeviationRow(t, e.deviation(), e.overdue());
        }
        t.Write(out);
      });
}

// ------------------------------------------------------------ follow-ups

// A follow-up's line, then its findings (overdue plans marked).
void FollowUpText(std::ostream& out, const v1::FollowUp& f,
                  const std::vector<std::string>& overdue) {
  out << "follow-up " << f.follow_up_id() << " of " << f.provider_id()
      << ": planned " << f.planned_date()
      << (f.status() == v1::FOLLOW_UP_STATUS_DONE
              ? absl::StrCat(", done ", f.done_date())
              : ", not done yet")
      << "\n";
  if (f.findings().empty()) return;
  Table t({"  FINDING", "ACTION PLAN DUE", "RECEIVED", "OVERDUE", "SUMMARY"});
  for (const auto& finding : f.findings()) {
    const bool late = std::find(overdue.begin(), overdue.end(),
                                finding.finding_id()) != overdue.end();
    t.Add({"  " + finding.finding_id(),
           finding.requires_action_plan() ? finding.action_plan_due_date()
                                          : "not required",
           finding.action_plan_received_date().empty()
               ? "-"
               : finding.action_plan_received_date(),
           late ? "OVERDUE" : "-", finding.summary()});
  }
  t.Write(out);
}

void OneFollowUp(std::ostream& out, const v1::FollowUp& f) {
  FollowUpText(out, f, {});
}

absl::Status PlanFollowUp(Context& ctx, Args& args) {
  absl::Status bad;
  v1::PlanFollowUpRequest r;
  r.set_request_id(RequestId(args));
  r.set_provider_id(args.Required("provider"));
  r.set_planned_date(DateFlag(args, "date", &bad, true));
  if (!bad.ok()) return bad;
  return Write<v1::PlanFollowUpRequest, v1::FollowUp>(
      ctx, args, r, &Stub::PlanFollowUp, "followup plan", OneFollowUp);
}

absl::Status CompleteFollowUp(Context& ctx, Args& args) {
  absl::Status bad;
  v1::CompleteFollowUpRequest r;
  r.set_request_id(RequestId(args));
  r.set_follow_up_id(args.Required("id"));
  r.set_done_date(DateFlag(args, "date", &bad));
  if (!bad.ok()) return bad;
  std::vector<std::pair<std::string, std::string>> findings;  // where, text
  int n = 0;
  for (const std::string& text : args.All("finding")) {
    findings.emplace_back(absl::StrCat("--finding ", ++n), text);
  }
  if (const std::string file = args.Get("findings-file"); !file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("--findings-file: cannot read ", file));
    }
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::string text(absl::StripAsciiWhitespace(line));
      if (text.empty() || text[0] == '#') continue;
      findings.emplace_back(absl::StrCat(file, " line ", number), text);
    }
  }
  for (const auto& [where, text] : findings) {
    absl::StatusOr<v1::FindingInput> finding = ParseFinding(text, where);
    if (!finding.ok()) return finding.status();
    *r.add_findings() = *std::move(finding);
  }
  return Write<v1::CompleteFollowUpRequest, v1::FollowUp>(
      ctx, args, r, &Stub::CompleteFollowUp, "followup complete", OneFollowUp);
}

absl::Status RecordActionPlan(Context& ctx, Args& args) {
  absl::Status bad;
  v1::RecordActionPlanRequest r;
  r.set_request_id(RequestId(args));
  r.set_follow_up_id(args.Required("id"));
  r.set_finding_id(args.Required("finding"));
  r.set_received_date(DateFlag(args, "date", &bad));
  if (!bad.ok()) return bad;
  return Write<v1::RecordActionPlanRequest, v1::FollowUp>(
      ctx, args, r, &Stub::RecordActionPlan, "followup action-plan",
      OneFollowUp);
}

absl::Status ListFollowUps(Context& ctx, Args& args) {
  absl::Status bad;
  v1::ListFollowUpsRequest r;
  r.set_provider_id(args.Get("provider"));
  r.set_overdue_only(args.Bool("overdue"));
  r.set_as_of(DateFlag(args, "as-of", &bad));
  if (!bad.ok()) return bad;
  return List<v1::ListFollowUpsRequest, v1::ListFollowUpsResponse>(
      ctx, args, r, &Stub::ListFollowUps, "followup list",
      [](std::ostream& out, const v1::ListFollowUpsResponse& all) {
        if (all.follow_ups().empty()) out << "(none)\n";
        for (const auto& e : all.follow_ups()) {
          FollowUpText(
              out, e.follow_up(),
              {e.overdue_finding_ids().begin(), e.overdue_finding_ids().end()});
          // The registry's sanctions that name one of its findings.
          for (const auto& s : e.sanctions()) {
            out << "  sanction " << s.sanction_id() << " (" << s.kind()
                << ", decided " << s.decided_on();
            if (s.lifted()) out << ", lifted " << s.lifted_on();
            out << ") for finding " << s.finding_id() << "\n";
          }
        }
      });
}

constexpr char kListUsage[] =
    "  [--provider PROVIDER_ID]  [--as-of DATE]  YYYY-MM-DD (Stockholm), "
    "default today\n"
    "  [--overdue]  only those overdue on that date";

const Registrar registrar({
    {"complaint", "register",
     "register a complaint (klagomål); the reply is due in 14 days",
     "  --client CLIENT_ID  --provider PROVIDER_ID  --category CATEGORY\n"
     "  [--received DATE]  YYYY-MM-DD, default today",
     RegisterComplaint},
    {"complaint", "advance",
     "move a complaint on: investigating, answered, closed",
     "  --id COMPLAINT_ID  --status investigating|answered|closed\n"
     "  [--date DATE]  when it happened (YYYY-MM-DD), default today",
     AdvanceComplaint},
    {"complaint", "list", "complaints with their reply deadlines", kListUsage,
     ListComplaints},
    {"deviation", "report",
     "report a deviation or a lex Sarah report (a provider its own)",
     "  --provider PROVIDER_ID  --kind deviation|lex-sarah\n"
     "  --severity minor|serious-risk|serious  --occurred DATE\n"
     "  [--reported DATE]  default today  [--client CLIENT_ID]  if it "
     "concerns one client",
     ReportDeviation},
    {"deviation", "ivo", "record that a lex Sarah report was reported to IVO",
     "  --provider PROVIDER_ID  --id DEVIATION_ID  [--date DATE]  default "
     "today",
     ReportToIvo},
    {"deviation", "list",
     "deviations; --overdue: serious lex Sarah reports not at IVO in time",
     kListUsage, ListDeviations},
    {"followup", "plan", "plan a follow-up (uppföljning) of a provider",
     "  --provider PROVIDER_ID  --date DATE  the planned date (YYYY-MM-DD)",
     PlanFollowUp},
    {"followup",
     "complete",
     "record a follow-up as done, with its findings",
     "  --id FOLLOW_UP_ID  [--date DATE]  default today\n"
     "  [--finding TEXT]  once per finding: \"SUMMARY\" or\n"
     "                    \"SUMMARY;action-plan-due=YYYY-MM-DD\" (an action "
     "plan is required)\n"
     "  [--findings-file FILE]  one finding a line in the same form (# "
     "comments)",
     CompleteFollowUp,
     "",
     {"finding"}},
    {"followup", "action-plan", "record that a finding's action plan came in",
     "  --id FOLLOW_UP_ID  --finding FINDING_ID  [--date DATE]  default today",
     RecordActionPlan},
    {"followup", "list",
     "follow-ups; --overdue: those with an action plan overdue", kListUsage,
     ListFollowUps},
});

}  // namespace
}  // namespace lov::cli
