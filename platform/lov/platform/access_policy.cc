#include "lov/platform/access_policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace lov {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void Collect(const Message& m, const std::vector<absl::string_view>& parts,
             size_t i, std::vector<std::string>* out) {
  const FieldDescriptor* f =
      m.GetDescriptor()->FindFieldByName(std::string(parts[i]));
  if (f == nullptr) return;
  const Reflection* r = m.GetReflection();
  const bool last = i + 1 == parts.size();
  if (last) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return;
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(m, f); ++k) {
        std::string v = r->GetRepeatedString(m, f, k);
        if (!v.empty()) out->push_back(std::move(v));
      }
    } else if (std::string v = r->GetString(m, f); !v.empty()) {
      out->push_back(std::move(v));
    }
    return;
  }
  if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return;
  if (f->is_repeated()) {
    for (int k = 0; k < r->FieldSize(m, f); ++k) {
      Collect(r->GetRepeatedMessage(m, f, k), parts, i + 1, out);
    }
  } else if (r->HasField(m, f)) {
    Collect(r->GetMessage(m, f), parts, i + 1, out);
  }
}

}  // namespace

const auth::v1::Policy* PolicyOf(
    const google::protobuf::MethodDescriptor& method) {
  if (!method.options().HasExtension(auth::v1::policy)) return nullptr;
  return &method.options().GetExtension(auth::v1::policy);
}

const auth::v1::Policy* PolicyOf(absl::string_view full_method_name) {
  std::string name(absl::StripPrefix(full_method_name, "/"));
  absl::StrReplaceAll({{"/", "."}}, &name);
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          name);
  return method == nullptr ? nullptr : PolicyOf(*method);
}

absl::Status Authorize(const auth::v1::Policy& policy, absl::string_view method,
                       auth::v1::Role role,
                       absl::string_view caller_provider_id,
                       const google::protobuf::Message& request) {
  const auto& roles = policy.roles();
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    std::vector<std::string> allowed;
    for (int r : roles) allowed.push_back(RoleName(auth::v1::Role(r)));
    return absl::PermissionDeniedError(absl::StrCat(
        "the role ", RoleName(role), " may not call ", method,
        allowed.empty()
            ? " (nobody may)"
            : absl::StrCat(" (allowed: ", absl::StrJoin(allowed, ", "), ")")));
  }
  if (role != auth::v1::ROLE_PROVIDER || policy.provider_field().empty()) {
    return absl::OkStatus();
  }
  if (caller_provider_id.empty()) {
    return absl::PermissionDeniedError(
        "the credential names no provider, so it may act for none");
  }
  const std::vector<std::string> named =
      FieldValues(request, policy.provider_field());
  if (named.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        policy.provider_field(),
        ": a provider must name its own provider (the one its credential "
        "names)"));
  }
  for (const std::string& p : named) {
    if (p != caller_provider_id) {
      return absl::PermissionDeniedError(absl::StrCat(
          policy.provider_field(),
          ": a provider may act only for its own provider (the one its "
          "credential names)"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> FieldValues(const google::protobuf::Message& message,
                                     absl::string_view path) {
  std::vector<std::string> out;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  if (!path.empty()) Collect(message, parts, 0, &out);
  return out;
}

bool IsStringFieldPath(const google::protobuf::Descriptor& type,
                       absl::string_view path) {
  const Descriptor* d = &type;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = d->FindFieldByName(std::string(parts[i]));
    if (f == nullptr) return false;
    if (i + 1 == parts.size()) {
      return f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return false;
    d = f->message_type();
  }
  return false;
}

}  // namespace lov
