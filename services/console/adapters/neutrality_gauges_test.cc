#include "lov/console/adapters/neutrality_gauges.h"

#include <gtest/gtest.h>

#include "lov/console/app/testing/neutrality_fakes.h"

namespace lov::console {
namespace {

using ::lov::console::neutrality_fakes::FakeNeutrality;
using ::lov::console::neutrality_fakes::FixedClock;

std::string Sample(const std::string& zone, const std::string& test,
                   int value) {
  return "lov_neutrality_deviation_flagged{category=\"service\",test=\"" +
         test + "\",zone=\"" + zone + "\"} " + std::to_string(value) + "\n";
}

class NeutralityGaugesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    neutrality_fakes::ConfigureTwoZones(&app_);
    AddNeutralityGauges(&app_, &registry_);
  }

  FixedClock clock_;
  metrics::Registry registry_;
  ConsoleApp app_{&clock_};
  FakeNeutrality choice_;
};

// North's lists came first for one provider 30 of 40 times (DEVIATES),
// its allocations are too few to test; south is fair: only north's
// lists test is 1.
TEST_F(NeutralityGaugesTest, OneForTheFlaggedTestZeroForTheFairOnes) {
  app_.RefreshNeutrality(&choice_);
  const std::string text = registry_.Render();
  EXPECT_NE(text.find("# TYPE lov_neutrality_deviation_flagged gauge"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(Sample("north", "lists", 1)), std::string::npos) << text;
  EXPECT_NE(text.find(Sample("north", "allocations", 0)), std::string::npos)
      << text;
  EXPECT_NE(text.find(Sample("south", "lists", 0)), std::string::npos) << text;
  EXPECT_NE(text.find(Sample("south", "allocations", 0)), std::string::npos)
      << text;
}

// Before the first round there is no sample: an unknown is not a fair
// table. When choice stops answering, the verdict of the last scrape stays.
TEST_F(NeutralityGaugesTest, NoSampleBeforeTheFirstAnswerThenTheLastVerdict) {
  EXPECT_EQ(registry_.Render().find("lov_neutrality_deviation_flagged{"),
            std::string::npos);
  app_.RefreshNeutrality(&choice_);
  ASSERT_NE(registry_.Render().find(Sample("north", "lists", 1)),
            std::string::npos);
  choice_.answer = absl::UnavailableError("connection refused");
  app_.RefreshNeutrality(&choice_);
  const std::string text = registry_.Render();
  EXPECT_NE(text.find(Sample("north", "lists", 1)), std::string::npos) << text;
  EXPECT_NE(text.find(Sample("south", "lists", 0)), std::string::npos) << text;
}

}  // namespace
}  // namespace lov::console
