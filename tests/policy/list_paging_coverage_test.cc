// Every list RPC of every service pages (issue 16): its request has
// `page_size` and `page_token`, its answer `next_page_token`, so no caller
// can ask for an unbounded answer (the maximum is PageRequest's, tested in
// tests/unit/paging_test.cc and each service's list paging tests).
#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/strings/match.h"
#include "all_services.h"
#include "gtest/gtest.h"

namespace lov {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

bool HasField(const google::protobuf::Descriptor& type, const std::string& name,
              FieldDescriptor::Type kind) {
  const FieldDescriptor* f = type.FindFieldByName(name);
  return f != nullptr && !f->is_repeated() && f->type() == kind;
}

TEST(ListPagingCoverageTest, EveryListRpcTakesAPageAndAnswersTheNext) {
  int lists = 0;
  for (const auto* service : ::lov::testing::AllServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor& m = *service->method(i);
      if (!absl::StartsWith(m.name(), "List")) continue;
      ++lists;
      EXPECT_TRUE(
          HasField(*m.input_type(), "page_size", FieldDescriptor::TYPE_INT32))
          << m.full_name() << " has no int32 page_size";
      EXPECT_TRUE(
          HasField(*m.input_type(), "page_token", FieldDescriptor::TYPE_STRING))
          << m.full_name() << " has no page_token";
      EXPECT_TRUE(HasField(*m.output_type(), "next_page_token",
                           FieldDescriptor::TYPE_STRING))
          << m.full_name() << " answers no next_page_token";
      EXPECT_FALSE(m.server_streaming()) << m.full_name();
    }
  }
  // Registry 1, choice 3, visits 3, settlement 1, audit 2, followup 5.
  EXPECT_GE(lists, 15);
}

}  // namespace
}  // namespace lov
