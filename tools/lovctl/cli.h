#ifndef LOV_TOOLS_LOVCTL_CLI_H_
#define LOV_TOOLS_LOVCTL_CLI_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lov/platform/grpc_channel.h"

namespace lov::cli {

// Parsed command line: --name=value / --name value / --flag, and positionals.
class Args {
 public:
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv);

  bool Has(const std::string& name) const;
  // The flag's value; records an error if it is required and missing.
  std::string Get(const std::string& name, const std::string& fallback = "");
  std::string Required(const std::string& name);
  std::vector<std::string> List(const std::string& name);  // comma-separated
  int64_t Int(const std::string& name, int64_t fallback);
  uint64_t Uint64(const std::string& name, uint64_t fallback);
  bool Bool(const std::string& name);
  const std::vector<std::string>& positionals() const { return positionals_; }
  // OK, or the first problem: a missing or malformed flag, or a flag the
  // command does not know.
  absl::Status Check() const;

 private:
  std::map<std::string, std::string> flags_;
  std::vector<std::string> positionals_;
  mutable std::set<std::string> used_;
  std::vector<std::string> errors_;
};

// Where the services are, how to reach them and how to print.
struct Context {
  std::map<std::string, std::string> targets;  // service -> host:port
  ClientTls tls;  // --ca, --cert, --key or LOV_TLS_* (ClientTls::FromEnv)
  // The sign-in token (SignInToken); empty: calls go without one.
  std::string token;
  bool json = false;
  std::ostream* out = nullptr;
  std::shared_ptr<grpc::Channel> Channel(const std::string& service);
  // A context with a deadline for one call, signed in.
  std::unique_ptr<grpc::ClientContext> Call() const;
  // Adds `token` to the call (a stream without Call's deadline).
  void SignIn(grpc::ClientContext* call) const;
};

struct Command {
  std::string group;    // e.g. "provider"
  std::string name;     // e.g. "register"
  std::string summary;  // one line
  std::string
      usage;  // flags, one per line: "--org NUMBER  organisation number"
  std::function<absl::Status(Context&, Args&)> run;
};

std::vector<Command>& Commands();
// Adds commands at static initialisation; each *_commands.cc file has one.
struct Registrar {
  explicit Registrar(std::vector<Command> commands);
};

// The bearer token every call carries: LOV_TOKEN, else the content of the
// file LOV_TOKEN_FILE (what `lovctl login` writes), trimmed; empty if
// neither is there.
std::string SignInToken();

// gRPC status -> absl::Status with the service's message; a refused
// sign-in gets a hint how to sign in.
absl::Status FromGrpc(const grpc::Status& status, const std::string& what);

// Prints a message as JSON (--json) or with `table` as a readable text.
void Print(Context& ctx, const google::protobuf::Message& message,
           const std::function<void(std::ostream&)>& table);

// A simple aligned text table.
class Table {
 public:
  explicit Table(std::vector<std::string> headers)
      : rows_({std::move(headers)}) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Write(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Request ids for writes: --request-id, or a fresh one (printed with
// --json so scripts can retry with it).
std::string RequestId(Args& args);

int Main(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_CLI_H_
