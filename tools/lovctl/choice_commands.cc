// lovctl client ... / policy ... / zone ...: the choice service's API.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "client_commands.h"
#include "granted.h"
#include "indicator_text.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/identity_numbers.h"
#include "pages.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::choice::v1;

std::unique_ptr<v1::ChoiceService::Stub> Choice(Context& ctx) {
  return v1::ChoiceService::NewStub(ctx.Channel("choice"));
}

std::string ReasonName(v1::AssignmentReason r) {
  switch (r) {
    case v1::ASSIGNMENT_REASON_CHOSEN:
      return "chosen";
    case v1::ASSIGNMENT_REASON_NON_CHOICE:
      return "non-choice";
    case v1::ASSIGNMENT_REASON_RE_CHOSEN:
      return "re-chosen";
    case v1::ASSIGNMENT_REASON_TRANSFERRED:
      return "transferred";
    case v1::ASSIGNMENT_REASON_EXTENDED:
      return "extended";
    default:
      return "-";
  }
}

void AssignmentsTable(
    std::ostream& out,
    const google::protobuf::RepeatedPtrField<v1::Assignment>& as) {
  Table t({"ASSIGNMENT", "CLIENT", "PROVIDER", "ZONE", "CATEGORIES", "FROM",
           "TO", "HOW"});
  for (const auto& a : as) {
    t.Add({a.assignment_id(), a.client_id(), a.provider_id(), a.zone_id(),
           absl::StrJoin(a.category_ids(), ","), a.valid_from(),
           a.valid_to().empty() ? "-" : a.valid_to(), ReasonName(a.reason())});
  }
  t.Write(out);
}

void ClientTable(std::ostream& out, const v1::Client& c) {
  out << "client " << c.client_id() << " in zone " << c.zone_id()
      << (c.status() == v1::CLIENT_STATUS_ENDED
              ? " (ended " + c.ended_on() + ")"
              : "")
      << "\n";
  for (const auto& m : c.zone_moves()) {
    out << "moves from zone " << m.previous_zone_id() << " to " << m.zone_id()
        << " on " << m.effective_date() << "\n";
  }
  Table d({"DECISION", "FROM", "TO", "GRANTED"});
  for (const auto& dec : c.decisions()) {
    std::vector<std::string> g;
    for (const auto& cat : dec.categories()) {
      g.push_back(absl::StrCat(
          cat.category_id(), " ", cat.minutes_per_month() / 60.0, " h/month",
          cat.support_level().empty() ? "" : ", level ", cat.support_level()));
    }
    d.Add({dec.decision_id(), dec.valid_from(),
           dec.valid_to().empty() ? "-" : dec.valid_to(),
           absl::StrJoin(g, "; ")});
  }
  d.Write(out);
  AssignmentsTable(out, c.assignments());
  for (const auto& rc : c.cases()) {
    out << "re-choice case " << rc.case_id() << ": leaving " << rc.provider_id()
        << ", choose by " << rc.deadline() << " ("
        << (rc.status() == v1::CASE_STATUS_OPEN ? "open" : rc.outcome())
        << ")\n";
  }
}

// A personnummer never comes from argv: other users of the machine read
// argv in `ps`, and the shell keeps it in its history. It comes from
// standard input (--personnummer-stdin, or whenever standard input is not a
// terminal), or from a prompt that does not echo.
constexpr char kFromStdin[] = "personnummer-stdin";

// The first line of standard input, or what is typed at the prompt.
std::string ReadSecretLine(bool prompt) {
  termios saved{};
  const bool hide = prompt && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (prompt) std::cerr << "personnummer (not shown): " << std::flush;
  if (hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (hide) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (prompt) std::cerr << "\n";
  return std::string(absl::StripAsciiWhitespace(line));
}

// Checks the flags first, so a typo does not cost the typed number.
absl::StatusOr<std::string> ReadPersonnummer(Args& args) {
  if (args.Has("personnummer")) {
    return absl::InvalidArgumentError(
        "--personnummer: a personnummer is not taken from the command line "
        "(others can read it in `ps` and it stays in the shell history); "
        "give it on standard input with --personnummer-stdin, or at the "
        "prompt");
  }
  const bool from_stdin = args.Bool(kFromStdin) || !isatty(STDIN_FILENO);
  if (absl::Status s = args.Check(); !s.ok()) return s;
  std::string pnr = ReadSecretLine(!from_stdin);
  if (pnr.empty()) {
    return absl::InvalidArgumentError(
        from_stdin ? "personnummer: none on standard input"
                   : "personnummer: none given");
  }
  return pnr;
}

absl::Status RegisterClient(Context& ctx, Args& args) {
  v1::RegisterClientRequest r;
  r.set_request_id(RequestId(args));
  r.set_zone_id(args.Required("zone"));
  absl::StatusOr<std::string> pnr = ReadPersonnummer(args);
  if (!pnr.ok()) return pnr.status();
  r.set_personnummer(*pnr);
  return ClientCall(ctx, "register", [&](auto& stub, auto* c, auto* out) {
    return stub.RegisterClient(c, r, out);
  });
}

absl::Status ShowClient(Context& ctx, Args& args) {
  const std::string id = args.Get("id");
  if (id.empty()) {
    absl::StatusOr<std::string> pnr = ReadPersonnummer(args);
    if (!pnr.ok()) return pnr.status();
    v1::FindClientRequest r;
    r.set_personnummer(*pnr);
    return ClientCall(ctx, "show", [&](auto& stub, auto* c, auto* out) {
      return stub.FindClient(c, r, out);
    });
  }
  if (args.Has(kFromStdin) || args.Has("personnummer")) {
    return absl::InvalidArgumentError(
        "give exactly one of --id or --personnummer-stdin");
  }
  if (absl::Status s = args.Check(); !s.ok()) return s;
  v1::GetClientRequest r;
  r.set_client_id(id);
  return ClientCall(ctx, "show", [&](auto& stub, auto* c, auto* out) {
    return stub.GetClient(c, r, out);
  });
}

absl::Status Move(Context& ctx, Args& args) {
  v1::ChangeClientZoneRequest r;
  r.set_request_id(RequestId(args));
  r.set_client_id(args.Required("id"));
  r.set_zone_id(args.Required("zone"));
  r.set_effective_date(args.Required("effective-date"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ClientCall(ctx, "move", [&](auto& stub, auto* c, auto* out) {
    return stub.ChangeClientZone(c, r, out);
  });
}

absl::Status End(Context& ctx, Args& args) {
  v1::EndClientRequest r;
  r.set_request_id(RequestId(args));
  r.set_client_id(args.Required("id"));
  std::string reason = args.Required("reason");
  r.set_last_day(args.Required("last-day"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (reason == "deceased")
    r.set_reason(v1::END_REASON_CLIENT_DECEASED);
  else if (reason == "moved-away")
    r.set_reason(v1::END_REASON_MOVED_AWAY);
  else
    return absl::InvalidArgumentError(
        absl::StrCat("--reason: '", reason, "' is not deceased or moved-away"));
  return ClientCall(ctx, "end", [&](auto& stub, auto* c, auto* out) {
    return stub.EndClient(c, r, out);
  });
}

absl::Status Eligible(Context& ctx, Args& args) {
  v1::ListEligibleProvidersRequest r;
  r.set_client_id(args.Required("id"));
  r.set_as_of(args.Get("as-of"));
  for (const auto& c : args.List("categories")) r.add_category_ids(c);
  r.set_seed(args.Uint64("seed", 0));
  r.set_language(args.Get("language"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::ListEligibleProvidersResponse resp;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListEligibleProviders(c, q, page);
          },
          "eligible", &resp);
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    out << "eligible providers for " << resp.client_id() << " on "
        << resp.as_of() << " (neutral order, seed " << resp.seed() << "):\n";
    Table t({"#", "PROVIDER", "NAME", "LANGUAGES", "SPECIALISATIONS",
             "FREE SLOTS", "HOURS CAP"});
    int n = 0;
    for (const auto& p : resp.providers()) {
      t.Add({std::to_string(++n), p.provider_id(), p.name(),
             absl::StrJoin(p.profile().languages(), ","),
             absl::StrJoin(p.profile().specialisations(), ","),
             p.capped() ? std::to_string(p.free_slots()) : "no cap",
             p.max_hours_per_month() > 0
                 ? absl::StrCat(p.max_hours_per_month(), " h a month")
                 : "-"});
    }
    t.Write(out);
    // The follow-up indicators, the same for every provider; never the
    // order (docs/choice.md).
    std::vector<std::string> headers = {"#", "PROVIDER"};
    for (auto& h : IndicatorHeaders()) headers.push_back(std::move(h));
    Table figures(std::move(headers));
    n = 0;
    for (const auto& p : resp.providers()) {
      std::vector<std::string> row = {std::to_string(++n), p.provider_id()};
      for (auto& cell : p.has_indicators() ? IndicatorCells(p.indicators())
                                           : NoIndicatorCells()) {
        row.push_back(std::move(cell));
      }
      figures.Add(std::move(row));
    }
    out << "comparable information (docs/followup.md):\n";
    figures.Write(out);
  });
  return absl::OkStatus();
}

absl::Status Choose(Context& ctx, Args& args) {
  v1::ChooseRequest r;
  r.set_request_id(RequestId(args));
  r.set_client_id(args.Required("id"));
  r.set_provider_id(args.Required("provider"));
  for (const auto& c : args.List("categories")) r.add_category_ids(c);
  r.set_effective_date(args.Get("effective-date"));
  r.set_list_seed(args.Uint64("seed", 0));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::ChooseResponse resp;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->Choose(c.get(), r, &resp), "choose");
      !s.ok())
    return s;
  Print(ctx, resp,
        [&](std::ostream& out) { AssignmentsTable(out, resp.started()); });
  return absl::OkStatus();
}

absl::Status Allocate(Context& ctx, Args& args) {
  v1::AllocateNonChoiceRequest r;
  r.set_request_id(RequestId(args));
  r.set_client_id(args.Required("id"));
  r.set_effective_date(args.Get("effective-date"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::AllocateNonChoiceResponse resp;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->AllocateNonChoice(c.get(), r, &resp), "allocate");
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    AssignmentsTable(out, resp.started());
    const auto& e = resp.explanation();
    out << "why: " << v1::AllocationPolicy_Name(e.policy()) << ", candidates "
        << absl::StrJoin(e.candidates_in_order(), " > ") << "\n";
    for (const auto& s : e.skipped())
      out << "  skipped " << s.provider_id() << ": " << s.reason() << "\n";
  });
  return absl::OkStatus();
}

absl::Status SetPolicy(Context& ctx, Args& args) {
  v1::ConfigurePolicyRequest r;
  r.set_request_id(RequestId(args));
  auto* p = r.mutable_policy();
  std::string allocation = args.Required("allocation");
  p->set_in_house_provider_id(args.Get("in-house"));
  std::vector<std::string> designated = args.List("designated");
  std::string rechoice = args.Get("rechoice", "notice-days:14");
  p->set_max_rechoices_per_12_months(
      static_cast<int32_t>(args.Int("max-rechoices", 0)));
  p->set_one_provider_for_all_categories(!args.Bool("per-category"));
  p->set_rechoice_deadline_lead_days(
      static_cast<int32_t>(args.Int("deadline-lead-days", 14)));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (allocation == "in-house")
    p->set_allocation_policy(v1::ALLOCATION_POLICY_IN_HOUSE);
  else if (allocation == "rotation")
    p->set_allocation_policy(v1::ALLOCATION_POLICY_ROTATION);
  else if (allocation == "proximity")
    p->set_allocation_policy(v1::ALLOCATION_POLICY_PROXIMITY);
  else
    return absl::InvalidArgumentError(
        absl::StrCat("--allocation: '", allocation,
                     "' is not in-house, rotation or proximity"));
  for (const auto& d : designated) {
    std::vector<std::string> kv = absl::StrSplit(d, ':');
    if (kv.size() != 2)
      return absl::InvalidArgumentError(
          absl::StrCat("--designated: '", d, "' is not ZONE:PROVIDER"));
    auto* z = p->add_designated_providers();
    z->set_zone_id(kv[0]);
    z->set_provider_id(kv[1]);
  }
  std::vector<std::string> kv = absl::StrSplit(rechoice, ':');
  int n = 0;
  if (kv[0] == "notice-days" && kv.size() == 2 && absl::SimpleAtoi(kv[1], &n)) {
    p->set_rechoice_timing(v1::RECHOICE_TIMING_NOTICE_DAYS);
    p->set_rechoice_notice_days(n);
  } else if (kv[0] == "one-month" && kv.size() == 1) {
    p->set_rechoice_timing(v1::RECHOICE_TIMING_ONE_MONTH);
  } else if (kv[0] == "cutoff" && kv.size() == 2 &&
             absl::SimpleAtoi(kv[1], &n)) {
    p->set_rechoice_timing(v1::RECHOICE_TIMING_CUTOFF);
    p->set_rechoice_cutoff_day(n);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--rechoice: '", rechoice,
                     "' is not notice-days:N, one-month or cutoff:DAY"));
  }
  auto stub = Choice(ctx);
  v1::ChoicePolicy out;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->ConfigurePolicy(c.get(), r, &out), "policy");
      !s.ok())
    return s;
  Print(ctx, out, [&](std::ostream& o) {
    o << "policy version " << out.version() << " set\n";
  });
  return absl::OkStatus();
}

absl::Status ShowPolicy(Context& ctx, Args& args) {
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::ChoicePolicy p;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->GetPolicy(c.get(), {}, &p), "policy");
      !s.ok())
    return s;
  Print(ctx, p, [&](std::ostream& out) {
    out << "non-choice: " << v1::AllocationPolicy_Name(p.allocation_policy())
        << "\n"
        << "re-choice: " << v1::RechoiceTiming_Name(p.rechoice_timing())
        << " (notice " << p.rechoice_notice_days() << " days, cut-off day "
        << p.rechoice_cutoff_day() << ")\n"
        << "re-choice cap per 12 months: "
        << (p.max_rechoices_per_12_months() == 0
                ? std::string("none")
                : std::to_string(p.max_rechoices_per_12_months()))
        << "\none provider for all categories: "
        << (p.one_provider_for_all_categories() ? "yes" : "no") << "\n";
  });
  return absl::OkStatus();
}

absl::Status RunDue(Context& ctx, Args& args) {
  v1::RunDueAllocationsRequest r;
  r.set_as_of(args.Get("as-of"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::RunDueAllocationsResponse resp;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->RunDueAllocations(c.get(), r, &resp), "run-due");
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    out << resp.allocated_size() << " allocated, " << resp.failed_size()
        << " failed\n";
    for (const auto& a : resp.allocated()) {
      out << "  " << a.client_id() << " -> " << a.assignment().provider_id()
          << " from " << a.assignment().valid_from() << "\n";
    }
    for (const auto& f : resp.failed())
      out << "  " << f.client_id() << ": " << f.error() << "\n";
  });
  return absl::OkStatus();
}

absl::Status ListAssignments(Context& ctx, Args& args) {
  v1::ListAssignmentsRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_zone_id(args.Get("zone"));
  r.set_as_of(args.Get("as-of"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::ListAssignmentsResponse resp;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListAssignments(c, q, page);
          },
          "assignments", &resp);
      !s.ok())
    return s;
  Print(ctx, resp,
        [&](std::ostream& out) { AssignmentsTable(out, resp.assignments()); });
  return absl::OkStatus();
}

absl::Status ListCases(Context& ctx, Args& args) {
  v1::ListRechoiceCasesRequest r;
  r.set_provider_id(args.Get("provider"));
  r.set_client_id(args.Get("client"));
  r.set_open_only(args.Bool("open"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::ListRechoiceCasesResponse resp;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListRechoiceCases(c, q, page);
          },
          "cases", &resp);
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    Table t({"CLIENT", "CASE", "LEAVING", "DEADLINE", "EFFECTIVE", "STATUS"});
    for (const auto& e : resp.cases()) {
      const auto& rc = e.rechoice_case();
      t.Add({e.client_id(), rc.case_id(), rc.provider_id(), rc.deadline(),
             rc.effective_date(),
             rc.status() == v1::CASE_STATUS_OPEN ? "open" : rc.outcome()});
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

absl::Status ZoneHealth(Context& ctx, Args& args) {
  v1::GetZoneHealthRequest r;
  r.set_zone_id(args.Get("zone"));
  r.set_as_of(args.Get("as-of"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Choice(ctx);
  v1::GetZoneHealthResponse resp;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->GetZoneHealth(c.get(), r, &resp), "zone health");
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    Table t({"ZONE", "CATEGORY", "SELECTABLE", ""});
    for (const auto& z : resp.zones()) {
      t.Add({z.zone_id(), z.category_id(),
             std::to_string(z.selectable_providers()),
             z.no_real_choice() ? "NO REAL CHOICE" : ""});
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

constexpr char kDecisionFlags[] =
    "  --id CLIENT_ID  --decision DECISION_ID  --from YYYY-MM-DD  [--to "
    "YYYY-MM-DD]\n"
    "  --granted CATEGORY:MINUTES_PER_MONTH[:SUPPORT_LEVEL][,...]\n"
    "  [--decided-on YYYY-MM-DD (default --from)]\n"
    "  SUPPORT_LEVEL: the client's level in the category (e.g. niva-2), for "
    "rates paid\n  per day by support level";

const Registrar registrar({
    {"client", "register", "register a client by personnummer",
     "  --zone ZONE  [--personnummer-stdin]\n"
     "  the personnummer (YYYYMMDD-NNNN) on standard input, or at a prompt "
     "that\n  does not echo; never as a flag (argv shows in `ps`)",
     RegisterClient},
    {"client", "show", "a client with decisions, assignments and cases",
     "  --id CLIENT_ID | [--personnummer-stdin] (the personnummer as for "
     "'client register')",
     ShowClient},
    {"client", "decision", "register a needs-assessment decision",
     kDecisionFlags, [](Context& c, Args& a) { return Decision(c, a, false); }},
    {"client", "change-decision", "change (or end, with --to) a decision",
     kDecisionFlags, [](Context& c, Args& a) { return Decision(c, a, true); }},
    {"client", "revise-decision",
     "a new decision from a date; the client keeps the provider",
     "  --id CLIENT_ID  --decision DECISION_ID (the one in force)  --from "
     "YYYY-MM-DD\n"
     "  --new-decision DECISION_ID  --granted "
     "CATEGORY:MINUTES_PER_MONTH[:SUPPORT_LEVEL][,...]\n"
     "  [--to YYYY-MM-DD (default: the old decision's)]  [--decided-on "
     "YYYY-MM-DD (default --from)]\n"
     "  the decision in force ends the day before --from; the assignments "
     "run on",
     ReviseDecision},
    {"client", "move", "the client moves to another zone",
     "  --id CLIENT_ID  --zone ZONE  --effective-date YYYY-MM-DD", Move},
    {"client", "end", "the client died or moved away",
     "  --id CLIENT_ID  --reason deceased|moved-away  --last-day YYYY-MM-DD",
     End},
    {"client", "eligible",
     "the neutral list of providers the client may choose",
     "  --id CLIENT_ID  [--as-of YYYY-MM-DD]  [--categories a,b]  [--seed N to "
     "reproduce]\n"
     "  [--language CODE (ISO 639-1/-3, e.g. fi, fit, sme: only providers "
     "offering it)]",
     Eligible},
    {"client", "choose", "the client chooses (or re-chooses) a provider",
     "  --id CLIENT_ID  --provider PROVIDER_ID  [--effective-date YYYY-MM-DD]\n"
     "  [--categories a,b]  [--seed N of the list shown]",
     Choose},
    {"client", "allocate", "allocate by the non-choice policy",
     "  --id CLIENT_ID  [--effective-date YYYY-MM-DD]", Allocate},
    {"policy", "set", "the municipality's choice policy",
     "  --allocation in-house|rotation|proximity  [--in-house PROVIDER_ID]\n"
     "  [--designated ZONE:PROVIDER,...]  [--rechoice "
     "notice-days:N|one-month|cutoff:DAY]\n"
     "  [--max-rechoices N (0 = no limit)]  [--per-category]  "
     "[--deadline-lead-days N]",
     SetPolicy},
    {"policy", "show", "the municipality's choice policy", "", ShowPolicy},
    {"allocations", "run-due",
     "allocate every re-choice case past its deadline",
     "  [--as-of YYYY-MM-DD]", RunDue},
    {"assignments", "list", "a provider's clients",
     "  --provider PROVIDER_ID  [--zone ZONE]  [--as-of YYYY-MM-DD]",
     ListAssignments},
    {"rechoice", "list", "re-choice cases",
     "  --provider PROVIDER_ID | --client CLIENT_ID  [--open]", ListCases},
    {"zone", "health", "selectable providers per zone and category",
     "  [--zone ZONE]  [--as-of YYYY-MM-DD]", ZoneHealth},
});

}  // namespace

absl::Status ClientCall(Context& ctx, const std::string& what,
                        const ClientRpc& call) {
  auto stub = Choice(ctx);
  v1::Client c;
  auto cc = ctx.Call();
  if (absl::Status s = FromGrpc(call(*stub, cc.get(), &c), what); !s.ok())
    return s;
  Print(ctx, c, [&](std::ostream& out) { ClientTable(out, c); });
  return absl::OkStatus();
}

}  // namespace lov::cli
