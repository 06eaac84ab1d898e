// RedisSettlementStore keeps a provider's name and numbers and its payment
// details as one record pair on the real Redis of the ctest stack: written
// in one transaction and read in one, so an export never names a provider
// with one version and pays it with another (a torn read once put the old
// organisation number beside a sole trader's new GLN in a Peppol invoice).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "lov/settlement/adapters/redis_settlement_store.h"
#include "test_stack.h"

namespace lov::settlement {
namespace {

using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

constexpr char kProvider[] = "prv-finance";

// Version `n` of the provider: its name and bankgiro both carry n.
registry::v1::Provider Party(int n) {
  registry::v1::Provider p;
  p.set_provider_id(kProvider);
  p.set_name("Omsorg " + std::to_string(n));
  p.set_organisation_number("556554-1645");
  return p;
}

registry::v1::PaymentDetails Details(int n) {
  registry::v1::PaymentDetails d;
  d.set_bankgiro("5050-" + std::to_string(1000 + n));
  return d;
}

class SettlementStoreFinanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    store_ = std::make_unique<RedisSettlementStore>(
        redis_.get(), UniqueName("it:settlement-finance"));
  }

  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<RedisSettlementStore> store_;
};

TEST_F(SettlementStoreFinanceTest, NothingKnownThenBothThenANameChangeKeeps) {
  absl::StatusOr<ProviderFinance> none = store_->ProviderFinanceOf(kProvider);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->party.has_value());
  EXPECT_FALSE(none->payment.has_value());

  const registry::v1::PaymentDetails details = Details(1);
  ASSERT_TRUE(store_->PutProviderParty(Party(1), &details).ok());
  absl::StatusOr<ProviderFinance> both = store_->ProviderFinanceOf(kProvider);
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_TRUE(both->party.has_value());
  ASSERT_TRUE(both->payment.has_value());
  EXPECT_EQ(both->party->name(), "Omsorg 1");
  EXPECT_EQ(both->payment->bankgiro(), "5050-1001");

  // Another provider event (no payment details in it) renames the provider
  // and leaves the payment details as they were.
  ASSERT_TRUE(store_->PutProviderParty(Party(2), nullptr).ok());
  absl::StatusOr<ProviderFinance> renamed =
      store_->ProviderFinanceOf(kProvider);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->party->name(), "Omsorg 2");
  EXPECT_EQ(renamed->payment->bankgiro(), "5050-1001");
}

TEST_F(SettlementStoreFinanceTest, AReaderNeverSeesHalfAChange) {
  // One writer keeps changing both; readers on other connections must always
  // see the name and the bankgiro of the same version.
  std::atomic<bool> done{false};
  std::atomic<int> writes{0};
  std::thread writer([&] {
    for (int n = 0; n < 2000 && !done; ++n) {
      const registry::v1::PaymentDetails details = Details(n % 2);
      if (!store_->PutProviderParty(Party(n % 2), &details).ok()) break;
      ++writes;
    }
    done = true;
  });
  int reads = 0;
  int torn = 0;
  std::string first_torn;
  while (!done) {
    absl::StatusOr<ProviderFinance> f = store_->ProviderFinanceOf(kProvider);
    ASSERT_TRUE(f.ok()) << f.status();
    if (!f->party.has_value() || !f->payment.has_value()) continue;
    ++reads;
    const std::string n = f->party->name().substr(7);
    if (f->payment->bankgiro() != "5050-100" + n) {
      if (torn++ == 0) {
        first_torn = f->party->name() + " / " + f->payment->bankgiro();
      }
    }
  }
  writer.join();
  EXPECT_EQ(writes.load(), 2000);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(torn, 0) << "first: " << first_torn;
}

}  // namespace
}  // namespace lov::settlement
