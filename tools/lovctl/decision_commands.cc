// lovctl client decision / change-decision / revise-decision: a client's
// needs-assessment decisions on the choice service.
#include "client_commands.h"
#include "granted.h"

namespace lov::cli {

namespace v1 = ::lov::choice::v1;

absl::Status Decision(Context& ctx, Args& args, bool change) {
  v1::Decision d;
  d.set_decision_id(args.Required("decision"));
  d.set_valid_from(args.Required("from"));
  d.set_valid_to(args.Get("to"));
  d.set_decided_on(args.Get("decided-on", d.valid_from()));
  std::string granted = args.Required("granted");
  std::string id = args.Required("id");
  std::string rid = RequestId(args);
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (absl::Status s = ParseGranted(granted, &d); !s.ok()) return s;
  return ClientCall(ctx, "decision", [&](auto& stub, auto* c, auto* out) {
    if (change) {
      v1::ChangeDecisionRequest r;
      r.set_request_id(rid);
      r.set_client_id(id);
      *r.mutable_decision() = d;
      return stub.ChangeDecision(c, r, out);
    }
    v1::RegisterDecisionRequest r;
    r.set_request_id(rid);
    r.set_client_id(id);
    *r.mutable_decision() = d;
    return stub.RegisterDecision(c, r, out);
  });
}

// A new decision from a date for a client who keeps the provider: the
// decision in force then ends the day before (ReviseDecision).
absl::Status ReviseDecision(Context& ctx, Args& args) {
  v1::ReviseDecisionRequest r;
  r.set_client_id(args.Required("id"));
  r.set_decision_id(args.Required("decision"));
  r.set_effective_date(args.Required("from"));
  v1::Decision* d = r.mutable_decision();
  d->set_decision_id(args.Required("new-decision"));
  d->set_valid_to(args.Get("to"));
  d->set_decided_on(args.Get("decided-on", r.effective_date()));
  std::string granted = args.Required("granted");
  r.set_request_id(RequestId(args));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (absl::Status s = ParseGranted(granted, d); !s.ok()) return s;
  return ClientCall(ctx, "revise-decision",
                    [&](auto& stub, auto* c, auto* out) {
                      return stub.ReviseDecision(c, r, out);
                    });
}

}  // namespace lov::cli
