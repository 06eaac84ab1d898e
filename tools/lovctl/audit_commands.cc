// lovctl audit ...: the audit log (auditors): who has looked at a client,
// what a user accessed in a period.
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "cli.h"
#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/platform/actor.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::audit::v1;

// The service's largest page: fewest round trips for the whole log.
constexpr int kPageSize = 500;

// --from / --to: a Stockholm calendar date (--from from its start, --to to
// its end: both days included) or an RFC 3339 instant (--to excluded).
absl::StatusOr<std::optional<google::protobuf::Timestamp>> Bound(
    Args& args, const std::string& flag) {
  const std::string text = args.Get(flag);
  if (text.empty()) return std::optional<google::protobuf::Timestamp>();
  if (absl::StatusOr<absl::CivilDay> day = ParseDate(text); day.ok()) {
    const absl::CivilDay start = flag == "to" ? *day + 1 : *day;
    return std::optional(ToProtoTime(StartOfDay(start)));
  }
  absl::StatusOr<absl::Time> t = ParseRfc3339(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", text,
                     "' is not YYYY-MM-DD (Stockholm) or an RFC 3339 time"));
  }
  return std::optional(ToProtoTime(*t));
}

// Sets the request's window from --from / --to.
template <typename Request>
absl::Status Window(Args& args, Request* request) {
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> from =
      Bound(args, "from");
  if (!from.ok()) return from.status();
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> to =
      Bound(args, "to");
  if (!to.ok()) return to.status();
  if (from->has_value()) *request->mutable_from_time() = **from;
  if (to->has_value()) *request->mutable_to_time() = **to;
  return absl::OkStatus();
}

std::string KindName(auth::v1::AuditKind kind) {
  std::string name(
      absl::StripPrefix(auth::v1::AuditKind_Name(kind), "AUDIT_KIND_"));
  absl::AsciiStrToLower(&name);
  return name;
}

// One line per record: when (Stockholm), who, what, which clients, outcome.
void AccessTable(std::ostream& out, const v1::ListAccessResponse& log) {
  Table t({"TIME (STOCKHOLM)", "WHO", "ROLE", "ORGANISATION", "METHOD", "KIND",
           "CLIENTS", "OUTCOME"});
  for (const auto& r : log.records()) {
    t.Add({absl::StrReplaceAll(
               absl::FormatCivilTime(ToStockholm(FromProtoTime(r.at()))),
               {{"T", " "}}),
           r.actor().subject(), RoleName(r.actor().role()),
           r.actor().organisation().empty() ? "-" : r.actor().organisation(),
           r.method(), KindName(r.kind()),
           r.client_ids().empty() ? "-" : absl::StrJoin(r.client_ids(), ","),
           r.outcome()});
  }
  t.Write(out);
}

template <typename Request>
using AuditCall = grpc::Status (v1::AuditService::Stub::*)(
    grpc::ClientContext*, const Request&, v1::ListAccessResponse*);

// The query in the window of --from / --to: every page, newest first,
// printed as one list.
template <typename Request>
absl::Status ListAll(Context& ctx, Args& args, Request request,
                     const std::string& what, AuditCall<Request> call) {
  if (absl::Status s = Window(args, &request); !s.ok()) return s;
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = v1::AuditService::NewStub(ctx.Channel("audit"));
  request.set_page_size(kPageSize);
  v1::ListAccessResponse all;
  do {
    v1::ListAccessResponse page;
    auto c = ctx.Call();
    if (absl::Status s =
            FromGrpc(((*stub).*call)(c.get(), request, &page), what);
        !s.ok()) {
      return s;
    }
    for (auto& r : *page.mutable_records()) *all.add_records() = std::move(r);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  Print(ctx, all, [&](std::ostream& out) { AccessTable(out, all); });
  return absl::OkStatus();
}

absl::Status ClientAccess(Context& ctx, Args& args) {
  v1::ListClientAccessRequest req;
  req.set_client_id(args.Required("id"));
  return ListAll(ctx, args, req, "audit client",
                 &v1::AuditService::Stub::ListClientAccess);
}

absl::Status UserAccess(Context& ctx, Args& args) {
  v1::ListActorAccessRequest req;
  req.set_subject(args.Required("subject"));
  return ListAll(ctx, args, req, "audit user",
                 &v1::AuditService::Stub::ListActorAccess);
}

constexpr char kWindowUsage[] =
    "  [--from DATE]  [--to DATE]  YYYY-MM-DD (Stockholm; both days "
    "included)\n"
    "                              or an RFC 3339 time (--to excluded)";

const Registrar registrar({
    {"audit", "client",
     "who has looked at or changed a client's data (newest first)",
     absl::StrCat("  --id CLIENT_ID  the client id, never a personnummer\n",
                  kWindowUsage),
     ClientAccess},
    {"audit", "user", "what a user or system accessed in a period",
     absl::StrCat("  --subject HSA_ID  an HSA-id, or a system identity "
                  "(service:choice, provider:PROVIDER_ID)\n",
                  kWindowUsage),
     UserAccess},
});

}  // namespace
}  // namespace lov::cli
