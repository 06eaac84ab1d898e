// Every string, bytes, repeated and Timestamp field of every request of
// every service, nested messages included, has an input limit that the API
// edge enforces: for each one a request just over it is refused naming the
// field's path, and a request exactly at it passes.
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "all_services.h"
#include "gtest/gtest.h"
#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/input_limits.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"

namespace lov {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const absl::Time kNow = absl::FromUnixSeconds(1772366400);  // 2026-03-01

using ::lov::testing::AllServices;

bool IsTimestamp(const FieldDescriptor& f) {
  return f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         f.message_type()->full_name() == "google.protobuf.Timestamp";
}

using Chain = std::vector<const FieldDescriptor*>;

// Every field reachable from `type`, as the chain of fields leading to it.
void Walk(const Descriptor& type, Chain& chain, std::set<std::string>& open,
          const std::function<void(const Chain&)>& visit) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    chain.push_back(f);
    visit(chain);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !IsTimestamp(*f) &&
        open.insert(f->message_type()->full_name()).second) {
      Walk(*f->message_type(), chain, open, visit);
      open.erase(f->message_type()->full_name());
    }
    chain.pop_back();
  }
}

void AddDefault(Message& m, const FieldDescriptor& f) {
  const Reflection& r = *m.GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      r.AddInt32(&m, &f, 0);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      r.AddInt64(&m, &f, 0);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      r.AddUInt32(&m, &f, 0);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      r.AddUInt64(&m, &f, 0);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r.AddDouble(&m, &f, 0);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      r.AddFloat(&m, &f, 0);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      r.AddBool(&m, &f, false);
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      r.AddEnumValue(&m, &f, 0);
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      r.AddString(&m, &f, "");
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      r.AddMessage(&m, &f);
      break;
  }
}

// A request of `root` with one entry along `chain` up to its last field;
// `parent` is the message holding that field, `path` its path.
struct Probe {
  std::unique_ptr<Message> request;
  Message* parent = nullptr;
  std::string path;
};

Probe Build(const Descriptor& root, const Chain& chain) {
  Probe p;
  p.request.reset(google::protobuf::MessageFactory::generated_factory()
                      ->GetPrototype(&root)
                      ->New());
  p.parent = p.request.get();
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    const FieldDescriptor* f = chain[i];
    const Reflection& r = *p.parent->GetReflection();
    absl::StrAppend(&p.path, f->name(), f->is_repeated() ? "[0]." : ".");
    p.parent = f->is_repeated() ? r.AddMessage(p.parent, f)
                                : r.MutableMessage(p.parent, f);
  }
  absl::StrAppend(&p.path, chain.back()->name());
  return p;
}

// Sets the last field of the probe to a value `over` its limit (or at it).
void SetText(Probe& p, const FieldDescriptor& f, size_t length) {
  const std::string value(length, 'x');
  const Reflection& r = *p.parent->GetReflection();
  if (f.is_repeated()) {
    r.AddString(p.parent, &f, value);
    p.path += "[0]";
  } else {
    r.SetString(p.parent, &f, value);
  }
}

void SetTime(Probe& p, const FieldDescriptor& f, absl::Time t) {
  const Reflection& r = *p.parent->GetReflection();
  Message* ts = nullptr;
  if (f.is_repeated()) {
    ts = r.AddMessage(p.parent, &f);
    p.path += "[0]";
  } else {
    ts = r.MutableMessage(p.parent, &f);
  }
  ts->GetReflection()->SetInt64(ts,
                                ts->GetDescriptor()->FindFieldByName("seconds"),
                                absl::ToUnixSeconds(t));
}

// Refused with INVALID_ARGUMENT whose message starts with the path.
void ExpectRefused(const Probe& p, const std::string& what) {
  const absl::Status s = CheckInputLimits(*p.request, kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << what << ": " << s;
  EXPECT_EQ(std::string(s.message()).rfind(p.path + " ", 0), 0u)
      << what << ": \"" << s.message() << "\" does not start with " << p.path;
}

void ExpectAccepted(const Probe& p, const std::string& what) {
  const absl::Status s = CheckInputLimits(*p.request, kNow);
  EXPECT_TRUE(s.ok()) << what << " at its limit: " << s;
}

TEST(InputLimitsCoverageTest, EveryRequestFieldIsBoundedAtTheEdge) {
  int bounded = 0;
  std::set<std::string> requests;
  for (const auto* service : AllServices()) {
    for (int m = 0; m < service->method_count(); ++m) {
      const Descriptor& root = *service->method(m)->input_type();
      if (!requests.insert(root.full_name()).second) continue;
      Chain chain;
      std::set<std::string> open = {root.full_name()};
      Walk(root, chain, open, [&](const Chain& c) {
        const FieldDescriptor& f = *c.back();
        std::vector<std::string> names;
        for (const auto* step : c) names.push_back(step->name());
        const std::string what =
            absl::StrCat(root.full_name(), ".", absl::StrJoin(names, "."));
        absl::StatusOr<FieldLimitsInForce> limits = LimitsOf(f);
        ASSERT_TRUE(limits.ok()) << what << ": " << limits.status();
        const bool text = f.cpp_type() == FieldDescriptor::CPPTYPE_STRING;
        if (!text && !f.is_repeated() && !IsTimestamp(f)) return;
        ++bounded;
        if (f.is_repeated()) {
          for (uint32_t extra : {0u, 1u}) {
            Probe p = Build(root, c);
            for (uint32_t i = 0; i < limits->max_count + extra; ++i) {
              AddDefault(*p.parent, f);
            }
            extra ? ExpectRefused(p, what + " (count)")
                  : ExpectAccepted(p, what + " (count)");
          }
        }
        if (text) {
          Probe at = Build(root, c);
          SetText(at, f, limits->max_length);
          ExpectAccepted(at, what);
          Probe over = Build(root, c);
          SetText(over, f, limits->max_length + 1);
          ExpectRefused(over, what);
        }
        if (IsTimestamp(f)) {
          Probe first = Build(root, c);
          SetTime(first, f, limits->earliest);
          ExpectAccepted(first, what);
          Probe early = Build(root, c);
          SetTime(early, f, limits->earliest - absl::Seconds(1));
          ExpectRefused(early, what + " (early)");
          Probe late = Build(root, c);
          SetTime(late, f, kNow + limits->max_ahead + absl::Seconds(1));
          ExpectRefused(late, what + " (late)");
        }
      });
    }
  }
  // Each service's requests hold many such fields; far fewer would mean the
  // walk missed messages.
  EXPECT_GT(bounded, 150);
}

TEST(InputLimitsCoverageTest, FreeTextIsLongerAndPersonnummerShorter) {
  // The annotations that differ from the defaults, as the README lists them.
  auto length = [](const Descriptor* type, const char* field) {
    return LimitsOf(*type->FindFieldByName(field))->max_length;
  };
  EXPECT_EQ(length(visits::v1::VoidVisitRequest::descriptor(), "reason"),
            2000u);
  EXPECT_EQ(length(visits::v1::VisitReport::descriptor(), "status_reason"),
            2000u);
  EXPECT_EQ(length(registry::v1::ImposeSanctionRequest::descriptor(), "reason"),
            2000u);
  EXPECT_EQ(
      length(choice::v1::RegisterClientRequest::descriptor(), "personnummer"),
      32u);
  EXPECT_EQ(length(visits::v1::VisitReport::descriptor(), "staff_id"), 256u);
}

}  // namespace
}  // namespace lov
