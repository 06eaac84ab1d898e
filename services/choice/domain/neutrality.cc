#include "lov/choice/domain/neutrality.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace lov::choice {
namespace {

constexpr double kEpsilon = 1e-15;
constexpr int kMaxIterations = 1000;
constexpr double kTiny = std::numeric_limits<double>::min() / kEpsilon;

// x^a e^-x / Gamma(a), the factor both expansions share.
double Prefactor(double a, double x) {
  return std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// P(a, x) by its series; converges fast for x < a + 1.
double LowerBySeries(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  for (int n = 1; n <= kMaxIterations; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEpsilon) break;
  }
  return sum * Prefactor(a, x);
}

// Q(a, x) by its continued fraction (modified Lentz); for x >= a + 1.
double UpperByContinuedFraction(double a, double x) {
  double b = x + 1 - a;
  double c = 1 / kTiny;
  double d = 1 / b;
  double h = d;
  for (int i = 1; i <= kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  return Prefactor(a, x) * h;
}

}  // namespace

double RegularizedGammaQ(double a, double x) {
  if (x <= 0) return 1;
  if (x < a + 1) return std::clamp(1 - LowerBySeries(a, x), 0.0, 1.0);
  return std::clamp(UpperByContinuedFraction(a, x), 0.0, 1.0);
}

double ChiSquarePValue(double x, int df) {
  if (df <= 0) return 1;
  return RegularizedGammaQ(df / 2.0, x / 2.0);
}

NeutralityResult TestNeutrality(const std::vector<NeutralityTrial>& trials,
                                double alpha) {
  NeutralityResult r;
  for (const auto& t : trials) {
    if (t.entitled_provider_ids.empty()) continue;
    ++r.trials;
    const double share = 1.0 / t.entitled_provider_ids.size();
    for (const auto& id : t.entitled_provider_ids)
      r.cells[id].expected += share;
    ++r.cells[t.outcome_provider_id].observed;
  }
  if (r.cells.empty()) return r;
  r.min_expected = std::numeric_limits<double>::infinity();
  for (const auto& [id, cell] : r.cells) {
    r.min_expected = std::min(r.min_expected, cell.expected);
    if (cell.expected > 0) {
      const double diff = cell.observed - cell.expected;
      r.chi_square += diff * diff / cell.expected;
    }
  }
  r.degrees_of_freedom = static_cast<int>(r.cells.size()) - 1;
  r.p_value = ChiSquarePValue(r.chi_square, r.degrees_of_freedom);
  if (r.degrees_of_freedom < 1 || r.min_expected < kMinExpectedPerCell) {
    r.verdict = NeutralityVerdict::kTooFew;
  } else {
    r.verdict = r.p_value < alpha ? NeutralityVerdict::kDeviates
                                  : NeutralityVerdict::kConsistent;
  }
  return r;
}

std::vector<NeutralityTrial> TrialOfList(const v1::EligibleListShown& list) {
  if (list.reproduction() || list.provider_ids().empty()) return {};
  NeutralityTrial t;
  t.outcome_provider_id = list.provider_ids(0);
  t.entitled_provider_ids.assign(list.eligible_provider_ids().begin(),
                                 list.eligible_provider_ids().end());
  if (t.entitled_provider_ids.empty()) {
    t.entitled_provider_ids.push_back(t.outcome_provider_id);
  }
  return {t};
}

std::vector<NeutralityTrial> TrialOfAllocation(
    const v1::AllocationExplanation& explanation) {
  const std::string& chosen = explanation.chosen_provider_id();
  if (chosen.empty() ||
      explanation.policy() == v1::ALLOCATION_POLICY_UNSPECIFIED) {
    return {};
  }
  NeutralityTrial t;
  t.outcome_provider_id = chosen;
  const auto& candidates = explanation.candidates_in_order();
  if (explanation.policy() != v1::ALLOCATION_POLICY_ROTATION &&
      !candidates.empty() && candidates[0] == chosen) {
    t.entitled_provider_ids.push_back(chosen);
    return {t};
  }
  std::set<std::string> passed_over;
  for (const auto& s : explanation.skipped())
    passed_over.insert(s.provider_id());
  for (const auto& id : candidates) {
    if (passed_over.count(id) == 0) t.entitled_provider_ids.push_back(id);
  }
  if (std::find(t.entitled_provider_ids.begin(), t.entitled_provider_ids.end(),
                chosen) == t.entitled_provider_ids.end()) {
    t.entitled_provider_ids.push_back(chosen);
  }
  return {t};
}

}  // namespace lov::choice
