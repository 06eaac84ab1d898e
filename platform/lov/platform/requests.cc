#include "lov/platform/requests.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"

namespace lov {

absl::Status RequireRequestId(const std::string& request_id) {
  if (request_id.empty()) {
    return absl::InvalidArgumentError(
        "request_id: is required (a unique id per change, reused on retry)");
  }
  return RefusePersonnummer("request_id", request_id);
}

absl::Status RefusePersonnummerIn(
    const google::protobuf::Message& request,
    std::initializer_list<std::string_view> fields) {
  const google::protobuf::Reflection* reflection = request.GetReflection();
  for (std::string_view name : fields) {
    const google::protobuf::FieldDescriptor* field =
        request.GetDescriptor()->FindFieldByName(std::string(name));
    if (field == nullptr || field->is_repeated() ||
        field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
      continue;
    }
    if (absl::Status s =
            RefusePersonnummer(name, reflection->GetString(request, field));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* field =
          copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  return absl::StrCat(copy->GetDescriptor()->full_name(), ":",
                      Fingerprint(*copy));
}

absl::StatusOr<std::string> MatchPreviousRequest(
    const std::optional<RequestRecord>& seen, const std::string& request_id,
    const std::string& fingerprint) {
  if (!seen.has_value()) return absl::NotFoundError("new request");
  if (seen->fingerprint != fingerprint) {
    return absl::AlreadyExistsError(
        absl::StrCat("request_id '", request_id,
                     "' was already used for a different request"));
  }
  return seen->aggregate_id;
}

absl::Status NotStoredError(const absl::Status& cause, bool has_request_id) {
  return absl::UnavailableError(absl::StrCat(
      "the change was not stored (event log unavailable: ", cause.message(),
      "); nothing was changed, retry",
      has_request_id ? " with the same request_id" : ""));
}

absl::Status OutcomeUnknownError(const absl::Status& cause,
                                 bool has_request_id) {
  return absl::DeadlineExceededError(absl::StrCat(
      "the outcome is unknown: the change may have reached the event log (",
      cause.message(), "); ",
      has_request_id ? "retry with the same request_id to learn its outcome"
                     : "send it again with the same id to learn its outcome"));
}

std::string EventIdOf(const std::string& request_id,
                      const std::string& fingerprint, size_t index) {
  return NameUuid(absl::StrCat(request_id, "\n", fingerprint, "\n", index));
}

}  // namespace lov
