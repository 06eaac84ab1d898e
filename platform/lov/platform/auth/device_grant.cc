#include "lov/platform/auth/device_grant.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace lov::auth {
namespace {

std::string Text(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::Duration Seconds(const nlohmann::json& doc, const char* name,
                       absl::Duration fallback) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
    return fallback;
  }
  return absl::Seconds(it->get<int64_t>());
}

nlohmann::json Object(const HttpAnswer& answer) {
  nlohmann::json doc = nlohmann::json::parse(answer.body, nullptr, false);
  return doc.is_object() ? doc : nlohmann::json::object();
}

}  // namespace

absl::StatusOr<DeviceAuthorization> ParseDeviceAuthorization(
    const HttpAnswer& answer) {
  const nlohmann::json doc = Object(answer);
  if (answer.status != 200) {
    const std::string error = Text(doc, "error");
    return absl::FailedPreconditionError(absl::StrCat(
        "the identity provider refused to start a device sign-in (HTTP ",
        answer.status, error.empty() ? "" : ", " + error, ")"));
  }
  DeviceAuthorization grant{Text(doc, "device_code"),
                            Text(doc, "user_code"),
                            Text(doc, "verification_uri"),
                            Text(doc, "verification_uri_complete"),
                            Seconds(doc, "expires_in", absl::ZeroDuration()),
                            Seconds(doc, "interval", absl::Seconds(5))};
  for (const auto& [name, missing] :
       {std::pair{"device_code", grant.device_code.empty()},
        std::pair{"user_code", grant.user_code.empty()},
        std::pair{"verification_uri", grant.verification_uri.empty()},
        std::pair{"expires_in", grant.expires_in == absl::ZeroDuration()}}) {
    if (missing) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the identity provider's device authorization has no ", name));
    }
  }
  return grant;
}

absl::StatusOr<PollAnswer> ReadPollAnswer(const HttpAnswer& answer) {
  const nlohmann::json doc = Object(answer);
  if (answer.status == 200) {
    TokenSet tokens{Text(doc, "access_token"), Text(doc, "id_token"),
                    Seconds(doc, "expires_in", absl::ZeroDuration()),
                    Text(doc, "refresh_token")};
    if (tokens.access_token.empty()) {
      return absl::FailedPreconditionError(
          "the identity provider's token answer has no access_token");
    }
    return PollAnswer{PollOutcome::kTokens, std::move(tokens)};
  }
  const std::string error = Text(doc, "error");
  if (error == "authorization_pending")
    return PollAnswer{PollOutcome::kPending};
  if (error == "slow_down") return PollAnswer{PollOutcome::kSlowDown};
  if (error == "access_denied") {
    return absl::PermissionDeniedError(
        "sign-in was denied at the identity provider; nothing was stored");
  }
  if (error == "expired_token") {
    return absl::DeadlineExceededError(
        "the code expired before sign-in was approved; run lovctl login "
        "again for a new code");
  }
  return absl::FailedPreconditionError(
      absl::StrCat("the identity provider's token endpoint refused (HTTP ",
                   answer.status, error.empty() ? "" : ", " + error, ")"));
}

absl::StatusOr<TokenSet> PollForTokens(const DeviceAuthorization& grant,
                                       const std::string& client_id,
                                       const DeviceGrantPorts& ports) {
  const absl::Time deadline = ports.clock->Now() + grant.expires_in;
  const FormFields form = {{"grant_type", kDeviceCodeGrantType},
                           {"device_code", grant.device_code},
                           {"client_id", client_id}};
  absl::Duration interval = grant.interval;
  for (;;) {
    ports.sleep(interval);
    if (ports.clock->Now() >= deadline) {
      return absl::DeadlineExceededError(
          "the code expired before sign-in was approved; run lovctl login "
          "again for a new code");
    }
    absl::StatusOr<HttpAnswer> answer = ports.post_token(form);
    if (!answer.ok()) {
      if (!absl::IsUnavailable(answer.status())) return answer.status();
      interval *= 2;
      continue;
    }
    absl::StatusOr<PollAnswer> read = ReadPollAnswer(*answer);
    if (!read.ok()) return read.status();
    switch (read->outcome) {
      case PollOutcome::kTokens:
        return std::move(read->tokens);
      case PollOutcome::kSlowDown:
        interval += absl::Seconds(5);
        break;
      case PollOutcome::kPending:
        break;
    }
  }
}

}  // namespace lov::auth
