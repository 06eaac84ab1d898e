#include "cli.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lov/platform/ids.h"
#include "token_file.h"

namespace lov::cli {
namespace {

constexpr char kSignInHint[] =
    " (sign in: with make run, `. .run/lovctl.env` and `lovctl login --role "
    "ROLE [--provider ID]`; otherwise a token from the municipality's "
    "identity provider in LOV_TOKEN or the file LOV_TOKEN_FILE)";

}  // namespace

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& argv) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      std::string body = a.substr(2);
      auto eq = body.find('=');
      if (eq != std::string::npos) {
        args.flags_[body.substr(0, eq)] = body.substr(eq + 1);
      } else if (i + 1 < argv.size() && argv[i + 1].rfind("--", 0) != 0) {
        args.flags_[body] = argv[++i];
      } else {
        args.flags_[body] = "true";
      }
    } else {
      args.positionals_.push_back(a);
    }
  }
  return args;
}

bool Args::Has(const std::string& name) const {
  used_.insert(name);
  return flags_.count(name) > 0;
}

std::string Args::Get(const std::string& name, const std::string& fallback) {
  used_.insert(name);
  auto it = flags_.find(name);
  return it == flags_.end() ? fallback : it->second;
}

std::string Args::Required(const std::string& name) {
  used_.insert(name);
  auto it = flags_.find(name);
  if (it == flags_.end() || it->second.empty() || it->second == "true") {
    errors_.push_back(absl::StrCat("--", name, " is required"));
    return "";
  }
  return it->second;
}

std::vector<std::string> Args::List(const std::string& name) {
  std::string v = Get(name);
  std::vector<std::string> out;
  if (v.empty()) return out;
  for (absl::string_view part : absl::StrSplit(v, ',')) {
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

std::vector<std::string> Args::All(const std::string& name) {
  std::string v = Get(name);
  std::vector<std::string> out;
  if (!Has(name)) return out;
  // parser.cc joins a repeated flag's values with NUL, which no argument
  // can hold.
  for (absl::string_view part : absl::StrSplit(v, '\0')) {
    out.emplace_back(part);
  }
  return out;
}

int64_t Args::Int(const std::string& name, int64_t fallback) {
  std::string v = Get(name);
  if (v.empty()) return fallback;
  int64_t out = 0;
  if (!absl::SimpleAtoi(v, &out)) {
    errors_.push_back(absl::StrCat("--", name, ": '", v, "' is not a number"));
    return fallback;
  }
  return out;
}

uint64_t Args::Uint64(const std::string& name, uint64_t fallback) {
  std::string v = Get(name);
  if (v.empty()) return fallback;
  uint64_t out = 0;
  if (!absl::SimpleAtoi(v, &out)) {
    errors_.push_back(absl::StrCat("--", name, ": '", v, "' is not a number"));
    return fallback;
  }
  return out;
}

bool Args::Bool(const std::string& name) {
  std::string v = Get(name, "false");
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v != "false" && v != "0" && v != "no") {
    errors_.push_back(
        absl::StrCat("--", name, ": '", v, "' is not true/false"));
  }
  return false;
}

absl::Status Args::Check() const {
  if (!declared_.empty()) {
    for (const std::string& name : used_) {
      if (!declared_.count(name)) {
        return absl::InternalError(absl::StrCat(
            "lovctl bug: the command reads --", name,
            ", which its usage does not declare (Command::usage)"));
      }
    }
  }
  if (!errors_.empty()) return absl::InvalidArgumentError(errors_.front());
  for (const auto& [name, value] : flags_) {
    if (!used_.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see --help)"));
    }
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> Context::Channel(const std::string& service) {
  return OpenChannel(targets[service], tls);
}

std::unique_ptr<grpc::ClientContext> Context::Call() const {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  SignIn(c.get());
  return c;
}

void Context::SignIn(grpc::ClientContext* call) const {
  if (renew && renew().ok()) token = SignInToken();
  if (!token.empty()) call->AddMetadata("authorization", "Bearer " + token);
}

std::vector<Command>& Commands() {
  static auto* commands = new std::vector<Command>();
  return *commands;
}

Registrar::Registrar(std::vector<Command> commands) {
  for (auto& c : commands) Commands().push_back(std::move(c));
}

std::string SignInToken() {
  if (const char* token = std::getenv("LOV_TOKEN"); token && *token) {
    return std::string(absl::StripAsciiWhitespace(token));
  }
  const char* file = std::getenv("LOV_TOKEN_FILE");
  if (file == nullptr || *file == '\0') return "";
  absl::StatusOr<StoredSignIn> saved = ReadTokenFile(file);
  return saved.ok() ? saved->token : "";
}

absl::Status FromGrpc(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return absl::OkStatus();
  // Named, so a refused sign-in or a refusal by the access rules is told
  // apart from a refusal of the request itself.
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return absl::UnauthenticatedError(
        absl::StrCat("UNAUTHENTICATED: ", status.error_message(), kSignInHint));
  }
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return absl::PermissionDeniedError(
        absl::StrCat("PERMISSION_DENIED: ", status.error_message()));
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      status.error_message().find("failed to connect") != std::string::npos) {
    // A refused certificate shows as a failed handshake.
    const bool tls = absl::StrContains(
        absl::AsciiStrToLower(status.error_message()), "handshake");
    return absl::UnavailableError(absl::StrCat(
        "cannot reach the service for ", what, ": ", status.error_message(),
        tls ? " (check the TLS settings: --ca, --cert, --key or LOV_TLS_CA, "
              "LOV_TLS_CLIENT_CERT, LOV_TLS_CLIENT_KEY)"
            : ""));
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

void Print(Context& ctx, const google::protobuf::Message& message,
           const std::function<void(std::ostream&)>& table) {
  if (ctx.json) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(message, &json, options);
    *ctx.out << json;
    if (json.empty() || json.back() != '\n') *ctx.out << "\n";
    return;
  }
  table(*ctx.out);
}

void Table::Write(std::ostream& out, bool header) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (size_t r = header ? 0 : 1; r < rows_.size(); ++r) {
    const auto& row = rows_[r];
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
  if (header && rows_.size() == 1) out << "(none)\n";
}

std::string RequestId(Args& args) {
  std::string id = args.Get("request-id");
  return id.empty() ? NewUuid() : id;
}

}  // namespace lov::cli
