// lovctl visit ...: the visits service's API.
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ack_log.h"
#include "cli.h"
#include "file_upload.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "pages.h"
#include "retry.h"
#include "visit_uploader.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::visits::v1;

std::unique_ptr<v1::VisitsService::Stub> Visits(Context& ctx) {
  return v1::VisitsService::NewStub(ctx.Channel("visits"));
}

// "2025-03-04T10:00" or "2025-03-04 10:00" Stockholm wall time, or RFC 3339.
absl::StatusOr<google::protobuf::Timestamp> WallTime(const std::string& flag,
                                                     const std::string& text) {
  if (text.size() == 16 && (text[10] == 'T' || text[10] == ' ')) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(text.substr(0, 10));
    int h = 0, m = 0;
    if (day.ok() && std::sscanf(text.c_str() + 11, "%2d:%2d", &h, &m) == 2 &&
        h < 24 && m < 60) {
      return ToProtoTime(
          FromStockholm(absl::CivilSecond(*day) + h * 3600 + m * 60));
    }
  }
  absl::StatusOr<absl::Time> t = ParseRfc3339(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", text,
                     "' is not YYYY-MM-DDTHH:MM (Stockholm time) or RFC 3339"));
  }
  return ToProtoTime(*t);
}

absl::StatusOr<v1::VisitStatus> ParseStatus(const std::string& s) {
  if (s == "performed") return v1::VISIT_STATUS_PERFORMED;
  if (s == "absent") return v1::VISIT_STATUS_CLIENT_ABSENT;
  if (s == "cancelled-late") return v1::VISIT_STATUS_CANCELLED_LATE;
  if (s == "refused") return v1::VISIT_STATUS_REFUSED;
  return absl::InvalidArgumentError(
      absl::StrCat("--status: '", s,
                   "' is not performed, absent, cancelled-late or refused"));
}

absl::StatusOr<v1::Evidence> ParseEvidence(const std::string& s) {
  if (s == "nfc") return v1::EVIDENCE_NFC_TAG;
  if (s == "app") return v1::EVIDENCE_APP;
  if (s == "manual") return v1::EVIDENCE_MANUAL;
  return absl::InvalidArgumentError(
      absl::StrCat("--evidence: '", s, "' is not nfc, app or manual"));
}

// "12.5" (km) as 12 500 metres, exactly: whole kilometres and at most three
// decimals, so no float on the way. At most 999 999.999 km; the visits
// service has its own, lower maximum (README, "Limits").
absl::StatusOr<uint32_t> TravelMetres(const std::string& text) {
  const size_t dot = text.find('.');
  const std::string km = text.substr(0, dot);
  const std::string part = dot == std::string::npos ? "" : text.substr(dot + 1);
  auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
  };
  uint32_t whole = 0, metres = 0;
  if (km.empty() || km.size() > 6 || part.size() > 3 || !digits(km) ||
      !digits(part) || (dot != std::string::npos && part.empty()) ||
      !absl::SimpleAtoi(km, &whole) ||
      !absl::SimpleAtoi(part + std::string(3 - part.size(), '0'), &metres)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--travel-km: '", text,
        "' is not kilometres with at most three decimals (e.g. 12.5)"));
  }
  return whole * 1000 + metres;
}

// Metres as kilometres with three decimals: 12345 -> "12.345".
std::string Kilometres(uint32_t metres) {
  return absl::StrFormat("%u.%03u", metres / 1000, metres % 1000);
}

// The visit flags shared by report and correct.
absl::StatusOr<v1::VisitReport> ReportFromFlags(Args& args) {
  v1::VisitReport r;
  r.set_provider_id(args.Required("provider"));
  r.set_report_id(args.Required("report-id"));
  r.set_client_id(args.Required("client"));
  r.set_category_id(args.Required("category"));
  r.set_staff_id(args.Required("staff"));
  std::string start = args.Required("start"), end = args.Required("end");
  r.set_double_staffing(args.Bool("double"));
  r.set_second_staff_id(args.Get("second-staff"));
  std::string evidence = args.Get("evidence", "nfc");
  std::string status = args.Get("status", "performed");
  r.set_status_reason(args.Get("status-reason"));
  for (const auto& a : args.List("activities")) r.add_activities(a);
  const std::string travel_km = args.Get("travel-km");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (!travel_km.empty()) {
    absl::StatusOr<uint32_t> metres = TravelMetres(travel_km);
    if (!metres.ok()) return metres.status();
    r.set_travel_metres(*metres);
  }
  auto st = WallTime("start", start);
  if (!st.ok()) return st.status();
  auto en = WallTime("end", end);
  if (!en.ok()) return en.status();
  *r.mutable_start() = *st;
  *r.mutable_end() = *en;
  auto ev = ParseEvidence(evidence);
  if (!ev.ok()) return ev.status();
  r.set_evidence(*ev);
  auto vs = ParseStatus(status);
  if (!vs.ok()) return vs.status();
  r.set_status(*vs);
  return r;
}

std::string OutcomeText(const v1::ReportOutcome& o) {
  std::string text;
  switch (o.outcome()) {
    case v1::OUTCOME_ACCEPTED:
      text = "accepted";
      break;
    case v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS:
      text = "accepted, to review:";
      break;
    case v1::OUTCOME_REJECTED:
      text = absl::StrCat("rejected: ",
                          v1::ReasonCode_Name(o.reason_code()).substr(12));
      break;
    default:
      text = o.error_message();
  }
  for (const auto& e : o.exceptions()) absl::StrAppend(&text, " ", e.code());
  if (!o.detail().empty()) absl::StrAppend(&text, " (", o.detail(), ")");
  if (o.replayed()) absl::StrAppend(&text, " [already reported]");
  return text;
}

absl::Status Report(Context& ctx, Args& args) {
  auto report = ReportFromFlags(args);
  if (!report.ok()) return report.status();
  v1::ReportVisitRequest r;
  *r.mutable_report() = *report;
  auto stub = Visits(ctx);
  v1::ReportOutcome o;
  const grpc::Status answer = upload::RetryWrite([&] {
    grpc::Status s = stub->ReportVisit(ctx.Call().get(), r, &o);
    // An error outcome decided nothing: the report is sent again.
    if (s.ok() && !upload::Decides(o)) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, o.error_message());
    }
    return s;
  });
  if (absl::Status s = FromGrpc(answer, "report"); !s.ok()) return s;
  Print(ctx, o, [&](std::ostream& out) {
    out << o.visit_id() << ": " << OutcomeText(o) << "\n";
  });
  return absl::OkStatus();
}

absl::StatusOr<upload::UploadOptions> UploadOptionsFrom(Args& args) {
  upload::UploadOptions options;
  const int64_t attempts = args.Int("max-attempts", options.max_attempts);
  if (attempts < 1 || attempts > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max-attempts: ", attempts, " is not between 1 and 1000"));
  }
  options.max_attempts = static_cast<int>(attempts);
  options.progress = &std::cerr;
  return options;
}

void PrintCounts(Context& ctx, const upload::UploadCounts& counts) {
  if (ctx.json) {
    *ctx.out << nlohmann::ordered_json{{"accepted", counts.accepted},
                                       {"rejected", counts.rejected},
                                       {"resent", counts.resent},
                                       {"given_up", counts.given_up}}
                    .dump()
             << "\n";
    return;
  }
  *ctx.out << counts.accepted << " accepted, " << counts.rejected
           << " rejected, " << counts.resent << " resent, " << counts.given_up
           << " given up\n";
}

// Streams the file batch by batch (file_upload.h); reports answered "send
// again" and those a broken stream left unanswered are sent again
// (visit_uploader.h). Fails if any report was given up: sending the file
// again is safe.
absl::Status Upload(Context& ctx, Args& args) {
  const std::string file = args.Required("file");
  const std::string ack_path = args.Get("ack-log");
  auto options = UploadOptionsFrom(args);
  const int64_t batch = args.Int("batch", 1000);
  const bool progress = args.Bool("progress") || isatty(STDERR_FILENO);
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (!options.ok()) return options.status();
  if (batch < 1 || batch > 100000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--batch: ", batch, " is not between 1 and 100000"));
  }
  auto ack_log = upload::AckLog::Open(ack_path, "--ack-log");
  if (!ack_log.ok()) return ack_log.status();
  upload::FileUploadOptions file_options{.upload = *options,
                                         .batch = static_cast<size_t>(batch),
                                         .progress = nullptr,
                                         .in_place = false,
                                         .what = "--file"};
  if (progress) {
    file_options.progress = &std::cerr;
    file_options.in_place = isatty(STDERR_FILENO);
  }
  bool header = true;
  auto counts = upload::UploadFile(
      [&] {
        return OpenChannel(ctx.targets["visits"], ctx.tls, nullptr,
                           upload::QuickReconnect());
      },
      [&](grpc::ClientContext* c) { ctx.SignIn(c); }, file, file_options,
      [&](int64_t, const v1::ReportOutcome& o) { (*ack_log)->Write(o); },
      [&](const std::vector<v1::ReportOutcome>& outcomes) {
        if (ctx.json) return;
        Table t({"VISIT", "OUTCOME"});
        for (const auto& o : outcomes) t.Add({o.visit_id(), OutcomeText(o)});
        t.Write(*ctx.out, header);
        header = false;
      });
  if (!counts.ok()) {
    if (counts.status().code() == absl::StatusCode::kInvalidArgument ||
        counts.status().code() == absl::StatusCode::kNotFound) {
      return counts.status();  // the file's
    }
    return FromGrpc(
        grpc::Status(static_cast<grpc::StatusCode>(counts.status().code()),
                     std::string(counts.status().message())),
        "upload");
  }
  PrintCounts(ctx, *counts);
  if (counts->given_up > 0) {
    return absl::UnavailableError(absl::StrCat(
        counts->given_up, " report(s) given up after ", options->max_attempts,
        " attempts; send the file again (reports already decided are "
        "answered with their first outcome)"));
  }
  return absl::OkStatus();
}

absl::Status Correct(Context& ctx, Args& args) {
  v1::CorrectVisitRequest r;
  r.set_request_id(RequestId(args));
  r.set_reason(args.Required("reason"));
  auto report = ReportFromFlags(args);
  if (!report.ok()) return report.status();
  r.set_provider_id(report->provider_id());
  r.set_report_id(report->report_id());
  *r.mutable_corrected() = *report;
  auto stub = Visits(ctx);
  v1::CorrectVisitResponse resp;
  if (absl::Status s = FromGrpc(upload::RetryWrite([&] {
                                  return stub->CorrectVisit(ctx.Call().get(), r,
                                                            &resp);
                                }),
                                "correct");
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    out << resp.visit().visit_id() << " corrected, version "
        << resp.visit().version() << ", counts in " << resp.visit().period();
    if (!resp.adjusts_period().empty())
      out << " (adjusts locked " << resp.adjusts_period() << ")";
    out << "\n";
  });
  return absl::OkStatus();
}

absl::Status Void(Context& ctx, Args& args) {
  v1::VoidVisitRequest r;
  r.set_request_id(RequestId(args));
  r.set_provider_id(args.Required("provider"));
  r.set_report_id(args.Required("report-id"));
  r.set_reason(args.Required("reason"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Visits(ctx);
  v1::VoidVisitResponse resp;
  if (absl::Status s = FromGrpc(upload::RetryWrite([&] {
                                  return stub->VoidVisit(ctx.Call().get(), r,
                                                         &resp);
                                }),
                                "void");
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    out << resp.previous().visit_id() << " voided in " << resp.period();
    if (!resp.adjusts_period().empty())
      out << " (adjusts locked " << resp.adjusts_period() << ")";
    out << "\n";
  });
  return absl::OkStatus();
}

absl::Status Show(Context& ctx, Args& args) {
  v1::GetVisitRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_report_id(args.Required("report-id"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Visits(ctx);
  v1::GetVisitResponse resp;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->GetVisit(c.get(), r, &resp), "show");
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    out << resp.visit_id() << ": " << OutcomeText(resp.first_outcome())
        << (resp.voided() ? " (voided)" : "") << "\n";
    if (resp.has_current()) {
      const auto& v = resp.current();
      out << "client " << v.client_id() << ", " << v.category_id() << ", "
          << FormatRfc3339Utc(FromProtoTime(v.start())) << " - "
          << FormatRfc3339Utc(FromProtoTime(v.end())) << ", period "
          << v.period() << ", version " << v.version();
      if (v.travel_metres() > 0) {
        out << ", travel " << Kilometres(v.travel_metres()) << " km";
      }
      out << "\n";
    }
    out << resp.history_size() << " event(s) in its history\n";
  });
  return absl::OkStatus();
}

absl::Status Rejected(Context& ctx, Args& args) {
  v1::ListRejectedRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_period(args.Required("period"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Visits(ctx);
  v1::ListRejectedResponse resp;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListRejected(c, q, page);
          },
          "rejected", &resp);
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    Table t({"REPORT", "CLIENT", "REASON", "DETAIL"});
    for (const auto& v : resp.rejected())
      t.Add({v.report_id(), v.client_id(), v.reason_code(), v.detail()});
    t.Write(out);
  });
  return absl::OkStatus();
}

std::string ReviewText(const v1::ExceptionEntry& e) {
  if (!e.has_review()) return "awaiting review";
  std::string outcome = v1::ReviewOutcome_Name(e.review().outcome());
  outcome = absl::AsciiStrToLower(outcome.substr(15));  // after REVIEW_OUTCOME_
  return absl::StrCat(
      outcome, " by ", e.review().reviewed_by(),
      e.review().note().empty() ? "" : ": " + e.review().note());
}

absl::Status Review(Context& ctx, Args& args) {
  v1::ReviewExceptionsRequest r;
  r.set_request_id(RequestId(args));
  r.set_provider_id(args.Required("provider"));
  r.set_report_id(args.Required("report-id"));
  const std::string outcome = args.Required("outcome");
  if (outcome == "accepted") {
    r.set_outcome(v1::REVIEW_OUTCOME_ACCEPTED);
  } else if (outcome == "queried") {
    r.set_outcome(v1::REVIEW_OUTCOME_QUERIED);
  } else if (!outcome.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--outcome: '", outcome, "' is neither accepted nor queried"));
  }
  r.set_note(args.Get("note"));
  r.set_reviewed_by(args.Required("by"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Visits(ctx);
  v1::ExceptionEntry resp;
  if (absl::Status s = FromGrpc(upload::RetryWrite([&] {
                                  return stub->ReviewExceptions(
                                      ctx.Call().get(), r, &resp);
                                }),
                                "review");
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    out << resp.visit().visit_id() << " version " << resp.visit().version()
        << ": " << ReviewText(resp) << "\n";
  });
  return absl::OkStatus();
}

absl::Status Exceptions(Context& ctx, Args& args) {
  v1::ListExceptionsRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_period(args.Get("period"));
  r.set_include_reviewed(args.Bool("all"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Visits(ctx);
  v1::ListExceptionsResponse resp;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListExceptions(c, q, page);
          },
          "exceptions", &resp);
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    Table t({"VISIT", "CLIENT", "EXCEPTIONS", "REVIEW"});
    for (const auto& e : resp.entries()) {
      std::vector<std::string> codes;
      for (const auto& x : e.exceptions()) codes.push_back(x.code());
      t.Add({e.visit().visit_id(), e.visit().client_id(),
             absl::StrJoin(codes, ","), ReviewText(e)});
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

void PerformedTable(
    std::ostream& out,
    const google::protobuf::RepeatedPtrField<v1::PerformedVsGranted>& rows) {
  Table t({"CLIENT", "CATEGORY", "PERIOD", "GRANTED H", "PERFORMED H",
           "DEVIATION"});
  for (const auto& r : rows) {
    t.Add({r.client_id(), r.category_id(), r.period(),
           absl::StrFormat("%.1f", r.granted_minutes() / 60.0),
           absl::StrFormat("%.1f", r.performed_minutes() / 60.0),
           r.not_granted()
               ? "not granted"
               : absl::StrFormat("%+.0f %%", r.deviation_percent())});
  }
  t.Write(out);
}

absl::Status Performed(Context& ctx, Args& args) {
  v1::GetPerformedVsGrantedRequest r;
  r.set_client_id(args.Get("client"));
  r.set_provider_id(args.Get("provider"));
  r.set_period(args.Required("period"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Visits(ctx);
  v1::GetPerformedVsGrantedResponse resp;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->GetPerformedVsGranted(c.get(), r, &resp), "performed");
      !s.ok())
    return s;
  Print(ctx, resp,
        [&](std::ostream& out) { PerformedTable(out, resp.rows()); });
  return absl::OkStatus();
}

absl::Status Deviations(Context& ctx, Args& args) {
  v1::ListDeviationsRequest r;
  r.set_period(args.Required("period"));
  r.set_threshold_percent(static_cast<double>(args.Int("threshold", 30)));
  r.set_provider_id(args.Get("provider"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Visits(ctx);
  v1::ListDeviationsResponse resp;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListDeviations(c, q, page);
          },
          "deviations", &resp);
      !s.ok())
    return s;
  Print(ctx, resp,
        [&](std::ostream& out) { PerformedTable(out, resp.rows()); });
  return absl::OkStatus();
}

constexpr char kVisitFlags[] =
    "  --provider PROVIDER_ID  --report-id ID (the provider's own)  --client "
    "CLIENT_ID\n"
    "  --category CATEGORY  --staff STAFF_ID\n"
    "  --start YYYY-MM-DDTHH:MM  --end YYYY-MM-DDTHH:MM  (Stockholm time, or "
    "RFC 3339)\n"
    "  [--double --second-staff STAFF_ID]  [--evidence nfc|app|manual]\n"
    "  [--status performed|absent|cancelled-late|refused --status-reason "
    "TEXT]\n"
    "  [--activities a,b]  [--travel-km KM (distance travelled, e.g. 12.5)]";

const Registrar registrar({
    {"visit", "report", "report one visit", kVisitFlags, Report},
    {"visit", "upload",
     "stream a file of visits (one VisitReport JSON per line); reports "
     "answered \"send again\" or cut off by a broken stream are resent",
     "  FILE or --file PATH   one VisitReport in JSON per line; read report\n"
     "                        by report, every line checked before sending\n"
     "  [--max-attempts N (sends per report, default 8)]\n"
     "  [--ack-log FILE (one line per report: visit id, outcome)]\n"
     "  [--batch N (reports held and sent at a time, default 1000)]\n"
     "  [--progress (a progress line on standard error; always on a "
     "terminal)]\n"
     "Prints each report's outcome and the counts: accepted, rejected, "
     "resent,\n"
     "given up (not stored: the command fails; send the file again).",
     Upload, "file"},
    {"visit", "correct",
     "amend a visit (new version; an adjustment if its month is locked)",
     absl::StrCat(kVisitFlags, "\n  --reason TEXT"), Correct},
    {"visit", "void", "void a visit",
     "  --provider PROVIDER_ID  --report-id ID  --reason TEXT", Void},
    {"visit", "show", "a visit with its versions",
     "  --provider PROVIDER_ID  --report-id ID", Show},
    {"visit", "rejected", "a provider's rejected reports with reasons",
     "  --provider PROVIDER_ID  --period YYYY-MM", Rejected},
    {"visit", "exceptions", "accepted visits staff must review",
     "  --provider PROVIDER_ID  [--period YYYY-MM]  [--all (reviewed too)]",
     Exceptions},
    {"visit", "review", "review a visit's exceptions",
     "  --provider PROVIDER_ID  --report-id ID  --outcome accepted|queried\n"
     "  --by STAFF_ID  [--note TEXT (required when queried)]",
     Review},
    {"visit", "performed", "performed against granted time",
     "  (--client CLIENT_ID | --provider PROVIDER_ID)  --period YYYY-MM",
     Performed},
    {"visit", "deviations", "clients far over or under their granted time",
     "  --period YYYY-MM  [--threshold PERCENT (default 30)]  [--provider "
     "PROVIDER_ID]",
     Deviations},
});

}  // namespace
}  // namespace lov::cli
