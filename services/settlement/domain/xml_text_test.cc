#include "lov/settlement/domain/xml_text.h"

#include <gtest/gtest.h>

namespace lov::settlement {
namespace {

TEST(XmlTextTest, EscapesTheFiveEntities) {
  EXPECT_EQ(XmlText("A & B <c> \"d\" 'e'"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;");
}

TEST(XmlTextTest, LeavesOutControlCharacters) {
  EXPECT_EQ(XmlText("Omsorg\nAB\t\x01\x7f"), "OmsorgAB");
}

// Lengths count code points, as XSD does: "Åsa Öberg" is 9 characters in
// 11 bytes; a cut never splits one.
TEST(XmlTextTest, CutsAtCodePointsNotBytes) {
  EXPECT_EQ(XmlText("Åsa Öberg", 9), "Åsa Öberg");
  EXPECT_EQ(XmlText("Åsa Öberg", 5), "Åsa Ö");
  EXPECT_EQ(XmlText("a\nb<c", 2), "ab");
  EXPECT_EQ(XmlText("a<b", 2), "a&lt;");
}

}  // namespace
}  // namespace lov::settlement
