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

// A command's flags as parsed (parser.cc parses the command line with CLI11
// and hands each command the flags given). Parse is the plain form for tests:
// --name=value / --name value / --name (no value follows).
class Args {
 public:
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv);
  void Set(const std::string& name, std::string value) {
    flags_[name] = std::move(value);
  }
  // The flags the command declares (its usage, the global ones): reading
  // any other is a bug that Check reports, so a flag missing from a usage
  // shows in the first test that reaches it. None declared: no such check.
  void Declare(const std::string& name) { declared_.insert(name); }

  bool Has(const std::string& name) const;
  // The flag's value; records an error if it is required and missing.
  std::string Get(const std::string& name, const std::string& fallback = "");
  std::string Required(const std::string& name);
  std::vector<std::string> List(const std::string& name);  // comma-separated
  // Every value of a flag the command lets repeat (Command::repeated), in
  // command-line order; empty if not given.
  std::vector<std::string> All(const std::string& name);
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
  std::set<std::string> declared_;
  std::vector<std::string> errors_;
};

// Where the services are, how to reach them and how to print.
struct Context {
  std::map<std::string, std::string> targets;  // service -> host:port
  ClientTls tls;  // --ca, --cert, --key or LOV_TLS_* (ClientTls::FromEnv)
  // The sign-in token (SignInToken); empty: calls go without one. Renewed
  // by SignIn during a long command.
  mutable std::string token;
  // Set for a sign-in at the identity provider (LOV_TOKEN_FILE with a
  // refresh token): renews it when it is about to expire, before each call
  // and stream; `token` is then read again.
  std::function<absl::Status()> renew;
  bool json = false;
  std::ostream* out = nullptr;
  std::shared_ptr<grpc::Channel> Channel(const std::string& service);
  // A context with a deadline for one call, signed in.
  std::unique_ptr<grpc::ClientContext> Call() const;
  // Adds `token` to the call (a stream without Call's deadline), renewed
  // first if it is about to expire (`renew`). A failed renewal sends the
  // token as it is: the service then says whether it still takes it.
  void SignIn(grpc::ClientContext* call) const;
};

struct Command {
  std::string group;    // e.g. "provider"
  std::string name;     // e.g. "register"; empty: the group's only command
  std::string summary;  // one line
  // The flags, as the help shows them. It declares them too (FlagsOf): each
  // "--name VALUE" (one space, then a value that starts with a capital or
  // names choices with | , or :) takes a value; any other "--name" is a
  // switch. The first mention of a flag counts. A flag the usage does not
  // name is refused as unknown.
  std::string usage;
  std::function<absl::Status(Context&, Args&)> run;
  // The flag a positional argument fills (e.g. "file": `visit upload FILE`);
  // empty: none taken.
  std::string positional = "";
  // Flags that may be given more than once (e.g. `--finding` per finding):
  // every value counts, not only the last (Args::All).
  std::set<std::string> repeated = {};
};

// One flag of a command as its usage declares it.
struct FlagSpec {
  std::string name;   // without the dashes
  std::string value;  // e.g. "PROVIDER_ID"; empty: a switch
};
std::vector<FlagSpec> FlagsOf(const std::string& usage);

// The flags every command takes (targets, TLS, --json, --request-id).
const std::vector<FlagSpec>& GlobalFlags();

// The project version (CMake's PROJECT_VERSION).
std::string Version();

std::vector<Command>& Commands();
// Adds commands at static initialisation; each *_commands.cc file has one.
struct Registrar {
  explicit Registrar(std::vector<Command> commands);
};

// The bearer token every call carries: LOV_TOKEN, else the token (first
// line) of the file LOV_TOKEN_FILE (what `lovctl login` writes, token_file.h),
// trimmed; empty if neither is there.
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
  // `header`: false for the rows only (a table printed in parts).
  void Write(std::ostream& out, bool header = true) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Request ids for writes: --request-id, or a fresh one (printed with
// --json so scripts can retry with it).
std::string RequestId(Args& args);

// Exit codes: 0 done; 1 the service refused or failed or was not reached;
// 2 wrong usage (unknown command or flag, a missing or malformed value,
// also the service's INVALID_ARGUMENT). Help and errors as parser.cc says.
int Main(int argc, char** argv, std::ostream& out, std::ostream& err);

// A bash completion script for every command and flag.
std::string BashCompletion();

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_CLI_H_
