// lovctl municipality ... / provider ...: the registry's API.
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "lov/platform/identity_numbers.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "pages.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::registry::v1;

std::unique_ptr<v1::RegistryService::Stub> Registry(Context& ctx) {
  return v1::RegistryService::NewStub(ctx.Channel("registry"));
}

std::string KindName(v1::ProviderKind k) {
  return k == v1::PROVIDER_KIND_IN_HOUSE ? "in-house" : "private";
}

// "40 clients", "400 h a month", "40 clients, 400 h a month" or `none`.
std::string CapText(bool capped, int max_clients, int max_hours,
                    const std::string& none) {
  std::vector<std::string> parts;
  if (capped) parts.push_back(absl::StrCat(max_clients, " clients"));
  if (max_hours > 0) parts.push_back(absl::StrCat(max_hours, " h a month"));
  return parts.empty() ? none : absl::StrJoin(parts, ", ");
}

// A sole trader's organisation number is the owner's personnummer: the
// registry keeps none (docs/security.md, "Sole traders").
std::string OrganisationNumberText(const v1::Provider& p) {
  return p.organisation_number().empty() ? "sole trader (number withheld)"
                                         : p.organisation_number();
}

void ProviderTable(std::ostream& out, const v1::Provider& p) {
  out << p.name() << " (" << p.provider_id() << ", "
      << OrganisationNumberText(p) << ", " << KindName(p.kind()) << ")\n";
  if (!p.profile().languages().empty()) {
    out << "languages: " << absl::StrJoin(p.profile().languages(), ", ")
        << "\n";
  }
  if (!p.profile().specialisations().empty()) {
    out << "specialisations: "
        << absl::StrJoin(p.profile().specialisations(), ", ") << "\n";
  }
  Table apps({"APPLICATION", "ZONES", "CATEGORIES", "STATUS", "EFFECTIVE"});
  for (const auto& a : p.applications()) {
    apps.Add({a.application_id(), absl::StrJoin(a.zone_ids(), ","),
              absl::StrJoin(a.category_ids(), ","),
              v1::ApplicationStatus_Name(a.status()).substr(19),
              a.effective_date()});
  }
  if (!p.applications().empty()) apps.Write(out);
  for (const auto& c : p.capacity()) {
    out << "cap " << c.zone_id() << ": "
        << CapText(c.capped(), c.max_clients(), c.max_hours_per_month(), "none")
        << (c.effective_date().empty() ? "" : " from " + c.effective_date())
        << "\n";
  }
  for (const auto& n : p.notices()) {
    out << "notice: leaves "
        << (n.zone_id().empty() ? "everything" : n.zone_id()) << " on "
        << n.effective_date()
        << (n.withdrawn() ? " (withdrawn " + n.withdrawn_on() + ")" : "")
        << "\n";
  }
  for (const auto& s : p.sanctions()) {
    out << "sanction " << s.sanction_id() << ": "
        << v1::SanctionKind_Name(s.kind()).substr(14) << " - " << s.reason()
        << (s.lifted() ? " (lifted)" : "")
        << (s.finding_id().empty() ? "" : " (finding " + s.finding_id() + ")")
        << "\n";
  }
}

void StatusTable(std::ostream& out, const v1::ProviderStatus& s) {
  Table t({"ZONE", "CATEGORY", "ACCEPTING", "CAP", "LEAVES", "WHY NOT"});
  for (const auto& z : s.statuses()) {
    t.Add({z.zone_id(), z.category_id(),
           z.accepting_new_clients() ? "yes" : "no",
           CapText(z.capped(), z.max_clients(), z.max_hours_per_month(), "-"),
           z.leaving_date().empty() ? "-" : z.leaving_date(),
           absl::StrJoin(z.reasons(), "; ")});
  }
  t.Write(out);
}

absl::Status ProviderCall(
    Context& ctx, const std::string& what,
    const std::function<grpc::Status(v1::RegistryService::Stub&,
                                     grpc::ClientContext*, v1::Provider*)>&
        call) {
  auto stub = Registry(ctx);
  v1::Provider p;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(call(*stub, c.get(), &p), what); !s.ok()) {
    return s;
  }
  Print(ctx, p, [&](std::ostream& out) { ProviderTable(out, p); });
  return absl::OkStatus();
}

absl::StatusOr<v1::ProviderKind> ParseKind(const std::string& kind) {
  if (kind == "private") return v1::PROVIDER_KIND_PRIVATE;
  if (kind == "in-house") return v1::PROVIDER_KIND_IN_HOUSE;
  return absl::InvalidArgumentError(
      absl::StrCat("--kind: '", kind, "' is not private or in-house"));
}

absl::StatusOr<v1::SanctionKind> ParseSanction(const std::string& kind) {
  if (kind == "warning") return v1::SANCTION_KIND_WARNING;
  if (kind == "action-plan") return v1::SANCTION_KIND_ACTION_PLAN;
  if (kind == "suspension") return v1::SANCTION_KIND_SUSPENSION;
  if (kind == "termination") return v1::SANCTION_KIND_TERMINATION;
  return absl::InvalidArgumentError(
      absl::StrCat("--kind: '", kind,
                   "' is not warning, action-plan, suspension or termination"));
}

absl::Status Setup(Context& ctx, Args& args) {
  std::string file = args.Required("file");
  v1::ConfigureMunicipalityRequest req;
  req.set_request_id(RequestId(args));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  std::ifstream in(file);
  if (!in)
    return absl::NotFoundError(absl::StrCat("--file: cannot read ", file));
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = google::protobuf::util::JsonStringToMessage(
      text.str(), req.mutable_municipality());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--file: ", file,
        " is not a Municipality in JSON: ", std::string(parsed.message())));
  }
  auto stub = Registry(ctx);
  v1::Municipality m;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->ConfigureMunicipality(c.get(), req, &m), "setup");
      !s.ok()) {
    return s;
  }
  Print(ctx, m, [&](std::ostream& out) {
    out << m.name() << " (" << m.municipality_id() << ") set up, version "
        << m.version() << ": " << m.zones_size() << " zones, "
        << m.categories_size() << " categories\n";
  });
  return absl::OkStatus();
}

absl::Status ShowMunicipality(Context& ctx, Args& args) {
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Registry(ctx);
  v1::Municipality m;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->GetMunicipality(c.get(), {}, &m), "show");
      !s.ok()) {
    return s;
  }
  Print(ctx, m, [&](std::ostream& out) {
    out << m.name() << " (" << m.municipality_id() << "), notice period "
        << m.provider_notice_days() << " days, in-house provider "
        << (m.in_house_provider_id().empty() ? "-" : m.in_house_provider_id())
        << "\n";
    Table zones({"ZONE", "NAME", "AREA"});
    for (const auto& z : m.zones()) {
      zones.Add({z.zone_id(), z.name(),
                 z.area_type() == v1::AREA_TYPE_RURAL ? "rural" : "urban"});
    }
    zones.Write(out);
    Table cats({"CATEGORY", "NAME", "HOURS"});
    for (const auto& c : m.categories()) {
      static constexpr const char* kDays[] = {"",    "Mon", "Tue", "Wed",
                                              "Thu", "Fri", "Sat", "Sun"};
      std::vector<std::string> hours;
      for (const auto& h : c.hours()) {
        std::vector<std::string> days;
        for (int d : h.weekdays())
          days.push_back(d >= 1 && d <= 7 ? kDays[d] : "?");
        hours.push_back(
            absl::StrFormat("%s%02d:%02d-%02d:%02d",
                            days.empty() ? "" : absl::StrJoin(days, ",") + " ",
                            h.start_minute() / 60, h.start_minute() % 60,
                            h.end_minute() / 60, h.end_minute() % 60));
      }
      std::string text =
          hours.empty() ? "around the clock" : absl::StrJoin(hours, "; ");
      if (c.public_holidays_as_sunday()) text += " (public holidays: Sun)";
      cats.Add({c.category_id(), c.name(), text});
    }
    cats.Write(out);
  });
  return absl::OkStatus();
}

// Whether an organisation number given on the command line may be a sole
// trader's (enskild näringsidkare), i.e. the owner's personnummer: one that
// reads as a personnummer, or 10 digits whose third is 0 or 1 (a legal
// person's is 2 or more), or 12 digits without the "16" of a legal person.
bool MayBeSoleTradersNumber(const std::string& org) {
  if (ContainsPersonnummer(org)) return true;
  std::string digits;
  for (char c : org) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != '-' && c != '+') {
      return false;
    }
  }
  if (digits.size() == 12) {
    if (digits.rfind("16", 0) != 0) return true;
    digits.erase(0, 2);
  }
  return digits.size() == 10 && digits[2] < '2';
}

// The organisation number. A sole trader's is the owner's personnummer, so
// like one it never comes from argv (others read argv in `ps`, and the
// shell keeps it in its history) but from a file (--org-file PATH) or
// standard input (--org -); a company's may be given as --org NUMBER.
// Read after the other flags are checked, so a typo does not cost it.
struct OrgFlags {
  bool on_line = false;  // --org given
  std::string org;       // its value ("-": standard input)
  std::string file;      // --org-file
  explicit OrgFlags(Args& args)
      : on_line(args.Has("org")),
        org(args.Get("org")),
        file(args.Get("org-file")) {}
};
absl::StatusOr<std::string> ReadOrganisationNumber(const OrgFlags& flags) {
  const std::string& org = flags.org;
  const std::string& file = flags.file;
  if (flags.on_line == !file.empty()) {
    return absl::InvalidArgumentError(
        "give the organisation number once: --org NUMBER (a company's), "
        "--org-file PATH or --org - (standard input)");
  }
  std::string line;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return absl::InvalidArgumentError("--org-file: cannot read " + file);
    }
    std::getline(in, line);
  } else if (org == "-") {
    std::getline(std::cin, line);
  } else if (MayBeSoleTradersNumber(org)) {
    return absl::InvalidArgumentError(
        "--org: a sole trader's organisation number is the owner's "
        "personnummer and is not taken from the command line (others can "
        "read it in `ps` and it stays in the shell history); give it with "
        "--org-file PATH or on standard input with --org -");
  } else {
    return org;
  }
  std::string number(absl::StripAsciiWhitespace(line));
  if (number.empty()) {
    return absl::InvalidArgumentError(
        file.empty() ? "--org -: no organisation number on standard input"
                     : "--org-file: no organisation number in " + file);
  }
  return number;
}

absl::Status Register(Context& ctx, Args& args) {
  v1::RegisterProviderRequest req;
  req.set_request_id(RequestId(args));
  req.set_name(args.Required("name"));
  auto kind = ParseKind(args.Get("kind", "private"));
  if (!kind.ok()) return kind.status();
  req.set_kind(*kind);
  req.mutable_contact()->set_email(args.Get("email"));
  req.mutable_contact()->set_phone(args.Get("phone"));
  for (const auto& l : args.List("languages"))
    req.mutable_profile()->add_languages(l);
  for (const auto& s : args.List("specialisations")) {
    req.mutable_profile()->add_specialisations(s);
  }
  req.mutable_profile()->set_description(args.Get("description"));
  for (const auto& q : args.List("qualifications"))
    req.add_manager_qualifications(q);
  req.set_permit_reference(args.Get("permit"));
  const OrgFlags org_flags(args);
  if (absl::Status s = args.Check(); !s.ok()) return s;
  absl::StatusOr<std::string> org = ReadOrganisationNumber(org_flags);
  if (!org.ok()) return org.status();
  req.set_organisation_number(*org);
  return ProviderCall(ctx, "register", [&](auto& stub, auto* c, auto* p) {
    return stub.RegisterProvider(c, req, p);
  });
}

absl::Status ShowProvider(Context& ctx, Args& args) {
  v1::GetProviderRequest req;
  req.set_provider_id(args.Required("id"));
  req.set_as_of(args.Get("as-of"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Registry(ctx);
  v1::ProviderStatus st;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->GetProvider(c.get(), req, &st), "show");
      !s.ok()) {
    return s;
  }
  Print(ctx, st, [&](std::ostream& out) {
    ProviderTable(out, st.provider());
    out << "status on " << st.as_of() << ": "
        << (st.active() ? "active" : "not active") << "\n";
    StatusTable(out, st);
  });
  return absl::OkStatus();
}

absl::Status ListProviders(Context& ctx, Args& args) {
  v1::ListProvidersRequest req;
  req.set_zone_id(args.Get("zone"));
  req.set_category_id(args.Get("category"));
  req.set_as_of(args.Get("as-of"));
  req.set_accepting_only(args.Bool("accepting"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Registry(ctx);
  v1::ListProvidersResponse resp;
  if (absl::Status s = AllPages(
          ctx, req,
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListProviders(c, q, page);
          },
          "list", &resp);
      !s.ok()) {
    return s;
  }
  Print(ctx, resp, [&](std::ostream& out) {
    Table t({"PROVIDER", "NAME", "KIND", "ZONES", "ACCEPTING IN"});
    for (const auto& p : resp.providers()) {
      std::set<std::string> zones, accepting;
      for (const auto& s : p.statuses()) {
        zones.insert(s.zone_id());
        if (s.accepting_new_clients()) accepting.insert(s.zone_id());
      }
      t.Add({p.provider().provider_id(), p.provider().name(),
             KindName(p.provider().kind()), absl::StrJoin(zones, ","),
             accepting.empty() ? "-" : absl::StrJoin(accepting, ",")});
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

absl::Status History(Context& ctx, Args& args) {
  v1::GetProviderHistoryRequest req;
  req.set_provider_id(args.Required("id"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Registry(ctx);
  v1::GetProviderHistoryResponse resp;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->GetProviderHistory(c.get(), req, &resp), "history");
      !s.ok()) {
    return s;
  }
  Print(ctx, resp, [&](std::ostream& out) {
    Table t({"VERSION", "WHAT"});
    for (const auto& e : resp.entries()) {
      t.Add({std::to_string(e.version()), e.summary()});
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

absl::Status Apply(Context& ctx, Args& args) {
  v1::SubmitApplicationRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  for (const auto& z : args.List("zones")) req.add_zone_ids(z);
  for (const auto& c : args.List("categories")) req.add_category_ids(c);
  args.Required("zones");
  args.Required("categories");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ProviderCall(ctx, "apply", [&](auto& stub, auto* c, auto* p) {
    return stub.SubmitApplication(c, req, p);
  });
}

absl::Status Decide(Context& ctx, Args& args, bool approve) {
  v1::DecideApplicationRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  req.set_application_id(args.Required("application"));
  req.set_approve(approve);
  if (approve) {
    req.set_effective_date(args.Required("effective-date"));
    req.set_reason(args.Get("reason"));
  } else {
    req.set_reason(args.Required("reason"));
  }
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ProviderCall(ctx, approve ? "approve" : "reject",
                      [&](auto& stub, auto* c, auto* p) {
                        return stub.DecideApplication(c, req, p);
                      });
}

absl::Status Cap(Context& ctx, Args& args) {
  v1::SetCapacityRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  req.set_zone_id(args.Required("zone"));
  // --max-hours alone caps granted hours and not the number of clients.
  req.set_remove_cap(args.Bool("no-cap") ||
                     (!args.Has("max-clients") && args.Has("max-hours")));
  if (!req.remove_cap()) {
    req.set_max_clients(static_cast<int32_t>(args.Int("max-clients", -1)));
    args.Required("max-clients");
  }
  req.set_max_hours_per_month(static_cast<int32_t>(args.Int("max-hours", 0)));
  req.set_effective_date(args.Get("effective-date"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ProviderCall(ctx, "cap", [&](auto& stub, auto* c, auto* p) {
    return stub.SetCapacity(c, req, p);
  });
}

absl::Status Notice(Context& ctx, Args& args) {
  v1::GiveNoticeRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  req.set_zone_id(args.Get("zone"));
  req.set_effective_date(args.Required("effective-date"));
  req.set_reason(args.Get("reason"));
  req.set_given_on(args.Get("given-on"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ProviderCall(ctx, "notice", [&](auto& stub, auto* c, auto* p) {
    return stub.GiveNotice(c, req, p);
  });
}

absl::Status WithdrawNotice(Context& ctx, Args& args) {
  v1::WithdrawNoticeRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  req.set_zone_id(args.Get("zone"));
  req.set_reason(args.Get("reason"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ProviderCall(ctx, "withdraw-notice",
                      [&](auto& stub, auto* c, auto* p) {
                        return stub.WithdrawNotice(c, req, p);
                      });
}

absl::Status Pause(Context& ctx, Args& args, bool paused) {
  v1::SetIntakePausedRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  req.set_zone_id(args.Get("zone"));
  req.set_paused(paused);
  req.set_reason(paused ? args.Required("reason") : args.Get("reason"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ProviderCall(ctx, paused ? "pause" : "resume",
                      [&](auto& stub, auto* c, auto* p) {
                        return stub.SetIntakePaused(c, req, p);
                      });
}

absl::Status Sanction(Context& ctx, Args& args) {
  v1::ImposeSanctionRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  auto kind = ParseSanction(args.Required("kind"));
  req.set_reason(args.Required("reason"));
  req.set_deadline(args.Get("deadline"));
  req.set_effective_date(args.Get("effective-date"));
  // A finding id names its follow-up: "<follow_up_id>/f<n>".
  const std::string finding = args.Get("finding");
  const size_t slash = finding.rfind("/f");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (!finding.empty() && slash == std::string::npos) {
    return absl::InvalidArgumentError(
        "--finding: a finding id is <follow_up_id>/f<n> (lovctl followup "
        "list)");
  }
  if (!finding.empty()) {
    req.set_follow_up_id(finding.substr(0, slash));
    req.set_finding_id(finding);
  }
  if (!kind.ok()) return kind.status();
  req.set_kind(*kind);
  return ProviderCall(ctx, "sanction", [&](auto& stub, auto* c, auto* p) {
    return stub.ImposeSanction(c, req, p);
  });
}

absl::Status Lift(Context& ctx, Args& args) {
  v1::LiftSuspensionRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  req.set_sanction_id(args.Required("sanction"));
  req.set_reason(args.Required("reason"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return ProviderCall(ctx, "lift", [&](auto& stub, auto* c, auto* p) {
    return stub.LiftSuspension(c, req, p);
  });
}

const Registrar registrar({
    {"municipality", "setup",
     "set up zones, categories and rules from a JSON file",
     "  --file PATH   lov.registry.v1.Municipality as JSON", Setup},
    {"municipality", "show", "show zones, categories and rules", "",
     ShowMunicipality},
    {"provider", "register", "register a provider",
     "  --org NNNNNN-NNNN        a company's organisation number\n"
     "  --org-file PATH          the organisation number from a file; a sole\n"
     "                           trader's (the owner's personnummer) only so\n"
     "                           or with --org - (from standard input)\n"
     "  --name NAME\n"
     "  --kind private|in-house  (default private)\n"
     "  --email EMAIL, --phone PHONE  contact\n"
     "  --languages a,b          spoken languages (e.g. sv,fi)\n"
     "  --specialisations a,b    e.g. dementia,diabetes\n"
     "  --description TEXT\n"
     "  --qualifications a,b     the responsible manager's qualifications\n"
     "  --permit REF             IVO permit reference",
     Register},
    {"provider", "show", "a provider with its status per zone and category",
     "  --id PROVIDER_ID\n  --as-of YYYY-MM-DD  (default today)", ShowProvider},
    {"provider", "list", "providers, by zone and category as of a date",
     "  --zone ZONE  --category CATEGORY  --as-of YYYY-MM-DD\n"
     "  --accepting  only those taking new clients",
     ListProviders},
    {"provider", "history", "every change to a provider", "  --id PROVIDER_ID",
     History},
    {"provider", "apply", "apply for categories in zones",
     "  --id PROVIDER_ID  --zones a,b  --categories x,y", Apply},
    {"provider", "approve", "approve an application",
     "  --id PROVIDER_ID  --application APP_ID  --effective-date YYYY-MM-DD  "
     "[--reason TEXT]",
     [](Context& c, Args& a) { return Decide(c, a, true); }},
    {"provider", "reject", "reject an application",
     "  --id PROVIDER_ID  --application APP_ID  --reason TEXT",
     [](Context& c, Args& a) { return Decide(c, a, false); }},
    {"provider", "cap", "set or remove the capacity cap in a zone",
     "  --id PROVIDER_ID  --zone ZONE  (--max-clients N | --no-cap)\n"
     "  [--max-hours N (granted hours a month; alone: no cap on clients)]\n"
     "  [--effective-date YYYY-MM-DD]",
     Cap},
    {"provider", "notice", "give notice to leave a zone (or everything)",
     "  --id PROVIDER_ID  [--zone ZONE]  --effective-date YYYY-MM-DD\n"
     "  --reason TEXT  --given-on YYYY-MM-DD (default today)",
     Notice},
    {"provider", "withdraw-notice",
     "take back a notice before it takes effect (its clients' re-choice "
     "cases close)",
     "  --id PROVIDER_ID  [--zone ZONE (the notice's; none: the whole "
     "system)]  [--reason TEXT]",
     WithdrawNotice},
    {"provider", "pause", "stop taking new clients (in a zone or everywhere)",
     "  --id PROVIDER_ID  [--zone ZONE]  --reason TEXT",
     [](Context& c, Args& a) { return Pause(c, a, true); }},
    {"provider", "resume", "take new clients again",
     "  --id PROVIDER_ID  [--zone ZONE]  [--reason TEXT]",
     [](Context& c, Args& a) { return Pause(c, a, false); }},
    {"provider", "sanction", "warning, action plan, suspension or termination",
     "  --id PROVIDER_ID  --kind warning|action-plan|suspension|termination\n"
     "  --reason TEXT  --deadline YYYY-MM-DD (action plan)\n"
     "  --effective-date YYYY-MM-DD (suspension, termination)\n"
     "  [--finding FINDING_ID] (the follow-up finding it answers, as\n"
     "  `lovctl followup list` shows it: <follow_up_id>/f<n>)",
     Sanction},
    {"provider", "lift-suspension", "lift a suspension",
     "  --id PROVIDER_ID  --sanction SANCTION_ID  --reason TEXT", Lift},
});

}  // namespace
}  // namespace lov::cli
