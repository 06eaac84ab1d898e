#include "lov/choice/app/personnummer_key.h"

#include <gtest/gtest.h>

namespace lov::choice {
namespace {

TEST(PersonnummerKey, IsHmacSha256) {
  // RFC 4231, test case 2.
  EXPECT_EQ(PersonnummerKey("Jefe").Hmac("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(PersonnummerKey, DependsOnTheKeyAndNeverContainsTheNumber) {
  const std::string pnr = "194512243456";
  const std::string a = PersonnummerKey("key-a").Hmac(pnr);
  EXPECT_EQ(a, PersonnummerKey("key-a").Hmac(pnr));
  EXPECT_NE(a, PersonnummerKey("key-b").Hmac(pnr));
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find(pnr), std::string::npos);
}

}  // namespace
}  // namespace lov::choice
