#ifndef LOV_SERVICES_CHOICE_DOMAIN_NEUTRALITY_H_
#define LOV_SERVICES_CHOICE_DOMAIN_NEUTRALITY_H_

// The allocation-neutrality audit (issue 19, docs/choice.md "Neutrality
// audit"): did the neutral lists put each provider first as often as a fair
// random order would, and did non-choice allocation give each provider the
// share its rules give? Pearson's chi-square goodness-of-fit test, with the
// p-value from the regularized incomplete gamma function.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lov/choice/v1/events.pb.h"

namespace lov::choice {

// One draw the audit looks at: a list shown (who came first) or a
// non-choice allocation (who got the client), and the providers the rule
// treats alike for it: each of them had the same chance.
struct NeutralityTrial {
  std::string outcome_provider_id;
  std::vector<std::string> entitled_provider_ids;
};

struct NeutralityCell {
  int64_t observed = 0;
  double expected = 0;
};

enum class NeutralityVerdict { kConsistent, kDeviates, kTooFew };

struct NeutralityResult {
  // Per provider entitled in any trial (or seen as an outcome).
  std::map<std::string, NeutralityCell> cells;
  int64_t trials = 0;
  double chi_square = 0;
  int degrees_of_freedom = 0;
  double p_value = 1;
  double min_expected = 0;
  NeutralityVerdict verdict = NeutralityVerdict::kTooFew;
};

// The expected count of a cell below which the chi-square approximation is
// not trusted ("too few to judge").
inline constexpr double kMinExpectedPerCell = 5;
inline constexpr double kDefaultNeutralityAlpha = 0.01;

// Counts the trials: observed outcomes, and expected = the sum over trials
// of 1/n for each of its n entitled providers. Then the test: kDeviates
// when p < alpha and every expected count is at least kMinExpectedPerCell;
// kTooFew when some is below, or fewer than two providers were entitled.
// Degrees of freedom: cells - 1 (with n varying between trials this is the
// usual approximation).
NeutralityResult TestNeutrality(const std::vector<NeutralityTrial>& trials,
                                double alpha = kDefaultNeutralityAlpha);

// The regularized upper incomplete gamma function Q(a, x) (series below
// a + 1, continued fraction above). a > 0, x >= 0.
double RegularizedGammaQ(double a, double x);
// P(X >= x) for X chi-square distributed with `df` degrees of freedom.
double ChiSquarePValue(double x, int df);

// The trial of a list shown; nothing for a reproduction or an empty list.
std::vector<NeutralityTrial> TrialOfList(const v1::EligibleListShown& list);

// The trial of a non-choice allocation: the share the rules give. Under
// ROTATION every rotation member that could take the client is treated
// alike (the rotation gives each its turn): the candidates in rotation
// order less those passed over (the members after the chosen one were not
// tried and count as able). Under IN_HOUSE and PROXIMITY the policy's own
// candidate gets the client whenever it can (a share of 1); passed over,
// the rotation of the others applies as above. Nothing when no provider
// was chosen or no policy decided (the provider continuing after the
// client's move: not an allocation).
std::vector<NeutralityTrial> TrialOfAllocation(
    const v1::AllocationExplanation& explanation);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_DOMAIN_NEUTRALITY_H_
