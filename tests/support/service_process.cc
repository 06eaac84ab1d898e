#include "service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "lov/platform/config.h"
#include "lov/platform/grpc_channel.h"
#include "lov/platform/ids.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace lov::testing {
namespace {

// The test's environment with `extra` ("NAME=value") added or replacing.
std::vector<std::string> ChildEnvironment(
    const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (const std::string& add : extra) {
    const size_t eq = add.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = add.substr(0, eq + 1);
    std::erase_if(env, [&](const std::string& e) {
      return e.compare(0, name.size(), name) == 0;
    });
    env.push_back(add);
  }
  return env;
}

// Everything the child needs is built before fork(): the test has threads,
// and the child may only exec.
pid_t Spawn(const std::string& path, const std::vector<std::string>& flags,
            const std::string& log_path,
            const std::vector<std::string>& extra_env = {},
            const std::string& stdin_path = "") {
  std::vector<std::string> env_strings = ChildEnvironment(extra_env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& f : flags) argv.push_back(const_cast<char*>(f.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (!stdin_path.empty()) {
      dup2(open(stdin_path.c_str(), O_RDONLY), STDIN_FILENO);
    }
    // Nothing else the test holds goes to the service: an inherited lock
    // file (flock in the test scripts) would outlive a crashed test.
    close_range(3, ~0U, 0);
    execve(path.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

namespace {

// The value of the last `--name=` flag ("" if none): a later flag wins.
std::string LastFlag(const std::vector<std::string>& flags,
                     const std::string& name) {
  std::string value;
  for (const std::string& f : flags) {
    if (f.rfind(name + "=", 0) == 0) value = f.substr(name.size() + 1);
  }
  return value;
}

// Whether the test configures a service's sign-in itself: an identity
// provider of its own (--oidc-...). Otherwise it trusts the test binary's
// issuer.
bool OwnSignIn(const std::vector<std::string>& flags) {
  return std::any_of(flags.begin(), flags.end(), [](const std::string& f) {
    return f.rfind("--oidc-", 0) == 0;
  });
}

}  // namespace

ServiceProcess::ServiceProcess(std::string binary,
                               std::vector<std::string> flags)
    : binary_(std::move(binary)), flags_(std::move(flags)) {
  if (!OwnSignIn(flags_)) {
    std::vector<std::string> with = SignInFlags();
    with.insert(with.end(), flags_.begin(), flags_.end());
    flags_ = std::move(with);
  }
  signs_in_ = LastFlag(flags_, "--oidc-jwks-file") == Issuer().jwks_path();
}

ServiceProcess::~ServiceProcess() {
  if (Running()) Kill();
}

std::string ServiceProcess::target() const {
  return absl::StrCat("127.0.0.1:", grpc_port_);
}

std::shared_ptr<grpc::Channel> ServiceProcess::Channel(
    const std::string& identity) const {
  const bool own_identity =
      identity.rfind("service:", 0) == 0 || identity.rfind("provider:", 0) == 0;
  if (signs_in_ && !own_identity) {
    return SignedInChannel(target(), Stack().Client(identity));
  }
  return BareChannel(identity);
}

std::shared_ptr<grpc::Channel> ServiceProcess::BareChannel(
    const std::string& identity) const {
  return OpenChannel(target(), Stack().Client(identity));
}

bool ServiceProcess::Running() const {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

namespace {

// Whether something listens on 127.0.0.1:`port`.
bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok =
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// The file of kTestKeyEncryptionKeyHex, written once per test binary.
std::string KeyEncryptionKeyFile() {
  static const std::string path = [] {
    const std::string p = (std::filesystem::temp_directory_path() /
                           absl::StrCat("lov-test-kek-", getpid(), ".key"))
                              .string();
    std::ofstream(p) << kTestKeyEncryptionKeyHex << "\n";
    return p;
  }();
  return path;
}

// choice's and registry's secret keys, as a deployment's Secrets give them:
// a service refuses to start without them.
std::vector<std::string> SecretKeyEnv() {
  return {absl::StrCat("LOV_PNR_HMAC_KEY=", kTestServiceKey),
          absl::StrCat("LOV_PNR_ENCRYPTION_KEY_FILE=", KeyEncryptionKeyFile()),
          absl::StrCat("LOV_PROVIDER_ID_KEY=", kTestServiceKey)};
}

}  // namespace

absl::Status ServiceProcess::Start(absl::Duration timeout) {
  // FreePort releases the port it found, so another process (a test beside
  // this one) may take it before the service listens. A first start that
  // ends for that reason is tried again on new ports; a restart keeps its
  // ports, as clients reconnect to the same address.
  const bool new_ports = grpc_port_ == 0 && metrics_port_ == 0;
  for (int attempt = 1;; ++attempt) {
    absl::Status started = StartOnce(timeout);
    if (started.ok() || !new_ports || attempt == 3 || Running() ||
        Log().find("cannot listen") == std::string::npos) {
      return started;
    }
    std::cerr << "port taken before " << binary_
              << " listened; starting it again on new ports\n";
    grpc_port_ = 0;
    metrics_port_ = 0;
  }
}

absl::Status ServiceProcess::StartOnce(absl::Duration timeout) {
  // A restart keeps the ports: clients reconnect to the same address, as
  // to a restarted pod behind its service.
  if (grpc_port_ == 0) grpc_port_ = FreePort();
  if (metrics_port_ == 0) metrics_port_ = FreePort();
  std::vector<std::string> flags = {
      absl::StrCat("--grpc-port=", grpc_port_),
      absl::StrCat("--metrics-port=", metrics_port_),
      "--kafka-brokers=" + Stack().kafka_brokers,
      "--redis-addr=" + Stack().redis_addr, "--grpc-listen-address=127.0.0.1"};
  for (std::string& tls : Stack().ServiceTlsFlags()) {
    flags.push_back(std::move(tls));
  }
  // The test's own flags last: a later flag wins (e.g. a Redis of its own).
  flags.insert(flags.end(), flags_.begin(), flags_.end());
  std::string name = std::filesystem::path(binary_).filename();
  log_path_ = std::filesystem::temp_directory_path() /
              absl::StrCat("lov-", name, "-", NewUuid().substr(0, 8), ".log");
  // Credentials and secret keys through the environment, so that a test's
  // own flags win.
  std::vector<std::string> env = Stack().CredentialEnv(name);
  for (std::string& key : SecretKeyEnv()) env.push_back(std::move(key));
  // The services here serve their metrics over plain HTTP (no
  // --metrics-tls): a console reads them so, as a development setting.
  env.push_back("LOV_INSECURE_METRICS_PLAINTEXT=true");
  pid_ =
      Spawn(absl::StrCat(LOV_BINARY_DIR, "/", binary_), flags, log_path_, env);
  absl::Time until = absl::Now() + timeout;
  // Only once the port accepts connections does a channel open: a gRPC
  // channel whose first attempts were refused (the service connects to
  // Kafka and Redis before it listens) reconnects only after seconds of
  // backoff and a stalled handshake, which made every start take 15-20 s.
  while (absl::Now() < until && Running() && !Accepts(grpc_port_)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto stub = grpc::health::v1::Health::NewStub(Channel());
  while (absl::Now() < until) {
    if (!Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat(name, " exited during start-up; log:\n", Log()));
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(500));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    if (stub->Check(&ctx, req, &resp).ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(name, " did not become SERVING; log:\n", Log()));
}

int ServiceProcess::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServiceProcess::Log() const { return ReadFile(log_path_); }

RunResult RunToCompletion(const std::string& binary,
                          const std::vector<std::string>& flags,
                          absl::Duration timeout,
                          const std::vector<std::string>& env,
                          const std::string& input) {
  std::string log = std::filesystem::temp_directory_path() /
                    absl::StrCat("lov-run-", NewUuid().substr(0, 8), ".log");
  const std::string stdin_path = log + ".in";
  std::ofstream(stdin_path) << input;
  std::vector<std::string> child_env = Stack().ClientEnv();
  for (std::string& credential :
       Stack().CredentialEnv(std::filesystem::path(binary).filename())) {
    child_env.push_back(std::move(credential));
  }
  // A service binary gets the secret keys and signs in as under
  // ServiceProcess, through the environment (a test's flags win).
  if (binary.rfind("services/", 0) == 0) {
    for (std::string& key : SecretKeyEnv()) child_env.push_back(std::move(key));
    if (!OwnSignIn(flags)) {
      for (const std::string& flag : SignInFlags()) {
        const size_t eq = flag.find('=');
        child_env.push_back(absl::StrCat(
            Config::EnvName(flag.substr(2, eq - 2)), "=", flag.substr(eq + 1)));
      }
    }
  }
  child_env.insert(child_env.end(), env.begin(), env.end());
  pid_t pid = Spawn(absl::StrCat(LOV_BINARY_DIR, "/", binary), flags, log,
                    child_env, stdin_path);
  RunResult result;
  absl::Time until = absl::Now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > until) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.output = ReadFile(log) + "\n[killed: did not exit in time]";
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.output = ReadFile(log);
  std::filesystem::remove(log);
  std::filesystem::remove(stdin_path);
  return result;
}

}  // namespace lov::testing
