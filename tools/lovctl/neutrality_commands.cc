// lovctl choice neutrality: the allocation-neutrality audit of a period,
// zone and category (docs/choice.md, "Neutrality audit"). Counts per
// provider only; no client data.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli.h"
#include "lov/choice/v1/choice.grpc.pb.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::choice::v1;

std::string VerdictName(v1::NeutralityVerdict v) {
  switch (v) {
    case v1::NEUTRALITY_VERDICT_CONSISTENT:
      return "consistent with the rule";
    case v1::NEUTRALITY_VERDICT_DEVIATES:
      return "DEVIATES";
    case v1::NEUTRALITY_VERDICT_TOO_FEW:
      return "too few to judge";
    default:
      return "-";
  }
}

void WriteSection(
    std::ostream& out, const std::string& title,
    const google::protobuf::RepeatedPtrField<v1::NeutralityCount>& counts,
    const v1::NeutralityTest& test, double alpha) {
  out << title << " (" << test.trials() << ")\n";
  Table t({"PROVIDER", "OBSERVED", "EXPECTED"});
  for (const auto& c : counts) {
    t.Add({c.provider_id(), std::to_string(c.observed()),
           absl::StrFormat("%.1f", c.expected())});
  }
  t.Write(out);
  out << absl::StrFormat(
      "chi-square %.2f, %d degrees of freedom, p = %.4g (alpha %.3g), "
      "smallest expected %.1f: %s\n",
      test.chi_square(), test.degrees_of_freedom(), test.p_value(), alpha,
      test.min_expected(), VerdictName(test.verdict()));
}

absl::Status Neutrality(Context& ctx, Args& args) {
  v1::GetNeutralityReportRequest r;
  r.set_from_date(args.Required("from"));
  r.set_to_date(args.Required("to"));
  r.set_zone_id(args.Required("zone"));
  r.set_category_id(args.Required("category"));
  const std::string alpha = args.Get("alpha");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (!alpha.empty()) {
    double value = 0;
    if (!absl::SimpleAtod(alpha, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--alpha: not a number: ", alpha));
    }
    r.set_alpha(value);
  }
  auto stub = v1::ChoiceService::NewStub(ctx.Channel("choice"));
  v1::GetNeutralityReportResponse resp;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->GetNeutralityReport(c.get(), r, &resp),
                                "neutrality report");
      !s.ok()) {
    return s;
  }
  Print(ctx, resp, [&](std::ostream& out) {
    out << "Zone " << resp.zone_id() << ", category " << resp.category_id()
        << ", " << resp.from_date() << " to " << resp.to_date() << "\n";
    WriteSection(out, "Shown first in fresh neutral lists", resp.shown_first(),
                 resp.shown_first_test(), resp.alpha());
    WriteSection(out, "Non-choice allocations", resp.allocated(),
                 resp.allocation_test(), resp.alpha());
  });
  return absl::OkStatus();
}

const Registrar registrar({
    {"choice", "neutrality",
     "how often each provider came first in the neutral lists, and its "
     "non-choice allocations, against the rules (chi-square test)",
     "  --from YYYY-MM-DD  --to YYYY-MM-DD  --zone ZONE  --category "
     "CATEGORY\n  [--alpha SIGNIFICANCE (default 0.01)]",
     Neutrality},
});

}  // namespace
}  // namespace lov::cli
