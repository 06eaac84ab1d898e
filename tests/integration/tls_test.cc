// TLS on the gRPC port through real handshakes: a ServiceHost with the test
// stack's certificates (deploy/local/certs.sh), clients opened with
// OpenChannel, and a second CA made for the test (a stranger's).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/config.h"
#include "lov/platform/grpc_channel.h"
#include "lov/platform/peer_identity.h"
#include "lov/platform/service_host.h"
#include "lov/testing/v1/peer.grpc.pb.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::Stack;
using ::lov::testing::v1::PeerReply;
using ::lov::testing::v1::PeerService;
using ::lov::testing::v1::WhoAmIRequest;

// `text` contains `part` (the failure shows both).
::testing::AssertionResult Contains(absl::string_view text,
                                    absl::string_view part) {
  if (absl::StrContains(text, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\" lacks \"" << part << "\"";
}

// Answers with what the server read from the caller's certificate.
class PeerEcho final : public PeerService::CallbackService {
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const WhoAmIRequest*,
                                   PeerReply* reply) override {
    if (std::optional<PeerIdentity> peer = PeerCertificateIdentity(*context)) {
      reply->set_has_certificate(true);
      reply->set_common_name(peer->common_name);
      for (const auto& uri : peer->uris) reply->add_uris(uri);
      for (const auto& dns : peer->dns_names) reply->add_dns_names(dns);
      reply->set_name(peer->name());
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// The services' certificate, key and client CA from the test stack.
ServerTls StackServerTls() {
  const std::string dir = Stack().certs_dir;
  return {.cert_file = dir + "/server.crt",
          .key_file = dir + "/server.key",
          .client_ca_file = dir + "/ca.crt"};
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CommonSettings settings;
    settings.service_name = "tls-test";
    settings.grpc_listen_address = "127.0.0.1";
    settings.tls = StackServerTls();
    host_ = std::make_unique<ServiceHost>(settings);
    host_->Register(&echo_, PeerService::service_full_name());
    absl::Status started = host_->Start();
    ASSERT_TRUE(started.ok()) << started;
    host_->SetServing(true);
  }
  void TearDown() override {
    if (!stranger_dir_.empty()) std::filesystem::remove_all(stranger_dir_);
  }

  std::string Target(const std::string& host = "127.0.0.1") const {
    return absl::StrCat(host, ":", host_->grpc_port());
  }

  grpc::Status WhoAmI(const ClientTls& tls, PeerReply* reply,
                      const std::string& host = "127.0.0.1") {
    auto stub = PeerService::NewStub(OpenChannel(Target(host), tls));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    return stub->WhoAmI(&context, WhoAmIRequest(), reply);
  }

  // The stack's CA with a client certificate of another CA, made the way
  // make run makes its own (as a stranger could).
  ClientTls StrangerClient() {
    stranger_dir_ = std::filesystem::temp_directory_path() /
                    absl::StrCat("lov-stranger-ca-", getpid());
    const std::string make = absl::StrCat(
        LOV_SOURCE_DIR, "/deploy/local/certs.sh ", stranger_dir_, " 2>&1");
    EXPECT_EQ(std::system(make.c_str()), 0) << make;
    ClientTls tls = Stack().Client();
    tls.cert_file = stranger_dir_ + "/clients/system-test.crt";
    tls.key_file = stranger_dir_ + "/clients/system-test.key";
    return tls;
  }

  PeerEcho echo_;
  std::unique_ptr<ServiceHost> host_;
  std::string stranger_dir_;
};

TEST_F(TlsTest, APlaintextClientGetsNoAnswer) {
  PeerReply reply;
  grpc::Status s = WhoAmI({.plaintext = true}, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(TlsTest, AClientTrustingTheCaIsServedWithoutACertificate) {
  ClientTls tls;
  tls.ca_file = Stack().certs_dir + "/ca.crt";
  PeerReply reply;
  grpc::Status s = WhoAmI(tls, &reply);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(reply.has_certificate());
}

TEST_F(TlsTest, AClientThatDoesNotTrustTheCaGetsNoAnswer) {
  ClientTls system_roots;  // no ca_file: the system's roots
  PeerReply reply;
  grpc::Status s = WhoAmI(system_roots, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(TlsTest, AVerifiedClientCertificatesIdentityIsReadBack) {
  PeerReply reply;
  grpc::Status s = WhoAmI(Stack().Client("provider:prv-5565541645"), &reply);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(reply.has_certificate());
  EXPECT_EQ(reply.common_name(), "provider:prv-5565541645");
  ASSERT_EQ(reply.uris_size(), 1);
  EXPECT_EQ(reply.uris(0), "urn:lov:provider:prv-5565541645");
  EXPECT_EQ(reply.dns_names_size(), 0);
  EXPECT_EQ(reply.name(), "provider:prv-5565541645");
}

TEST_F(TlsTest, AClientCertificateFromAnotherCaIsRefused) {
  ClientTls stranger = StrangerClient();
  absl::Status valid = stranger.Validate();  // well-formed, only not ours
  ASSERT_TRUE(valid.ok()) << valid;
  PeerReply reply;
  grpc::Status s = WhoAmI(stranger, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_FALSE(reply.has_certificate());
}

TEST_F(TlsTest, TheServerNameIsCheckedAgainstTheCertificate) {
  PeerReply reply;
  // The certificate names localhost and the services, not other names.
  grpc::Status by_name = WhoAmI(Stack().Client(), &reply, "localhost");
  EXPECT_TRUE(by_name.ok()) << by_name.error_message();
  ClientTls as_registry = Stack().Client();
  as_registry.server_name = "registry";
  grpc::Status overridden = WhoAmI(as_registry, &reply);
  EXPECT_TRUE(overridden.ok()) << overridden.error_message();
  ClientTls elsewhere = Stack().Client();
  elsewhere.server_name = "elsewhere.example";
  EXPECT_EQ(WhoAmI(elsewhere, &reply).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ClientFilesThatCannotBeUsedAreNamedAndNeverConnect) {
  ClientTls missing_ca = Stack().Client();
  missing_ca.ca_file = "/nonexistent/ca.crt";
  EXPECT_TRUE(Contains(missing_ca.Validate().message(),
                       "LOV_TLS_CA (lovctl --ca): cannot read "
                       "/nonexistent/ca.crt"));
  PeerReply reply;
  EXPECT_EQ(WhoAmI(missing_ca, &reply).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  ClientTls wrong_key = Stack().Client("system:test");
  wrong_key.key_file = Stack().Client("system:lovctl").key_file;
  EXPECT_TRUE(Contains(wrong_key.Validate().message(),
                       "does not belong to the certificate"));
  EXPECT_FALSE(WhoAmI(wrong_key, &reply).ok());

  ClientTls half = Stack().Client();
  half.key_file.clear();
  EXPECT_TRUE(Contains(half.Validate().message(),
                       "a client certificate needs its key"));
}

TEST(TlsServerTest, WithoutCertificateOrPlaintextAHostDoesNotStart) {
  CommonSettings settings;
  settings.service_name = "no-tls";
  ServiceHost host(settings);
  absl::Status s = host.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(Contains(s.message(),
                       "no TLS certificate for the gRPC port: set --tls-cert "
                       "and --tls-key (LOV_TLS_CERT, LOV_TLS_KEY)"));
  EXPECT_TRUE(Contains(s.message(),
                       "--insecure-plaintext (LOV_INSECURE_PLAINTEXT=true)"));
}

TEST(TlsServerTest, AKeyOfAnotherCertificateIsNamed) {
  ServerTls tls = StackServerTls();
  tls.key_file = Stack().Client("system:test").key_file;
  EXPECT_TRUE(Contains(tls.Validate().message(),
                       "--tls-key (LOV_TLS_KEY): the key in " + tls.key_file +
                           " does not belong to the certificate in " +
                           tls.cert_file));
  tls = StackServerTls();
  tls.client_ca_file = tls.key_file;  // no certificate in it
  EXPECT_TRUE(Contains(tls.Validate().message(),
                       "--tls-client-ca (LOV_TLS_CLIENT_CA): " + tls.key_file +
                           " holds no PEM certificate"));
  tls = StackServerTls();
  tls.insecure_plaintext = true;
  EXPECT_TRUE(Contains(tls.Validate().message(), "choose TLS or plaintext"));
}

TEST(TlsServerTest, SettingsComeFromTheEnvironmentAsAPodGetsThem) {
  const ServerTls want = StackServerTls();
  Config config({}, {{"LOV_TLS_CERT", want.cert_file},
                     {"LOV_TLS_KEY", want.key_file},
                     {"LOV_TLS_CLIENT_CA", want.client_ca_file},
                     {"LOV_GRPC_LISTEN_ADDRESS", "127.0.0.1"}});
  CommonSettings s = ReadCommonSettings(config, "svc", 50051, 9100);
  absl::Status valid = config.Validate();
  ASSERT_TRUE(valid.ok()) << valid;
  EXPECT_EQ(s.tls.cert_file, want.cert_file);
  EXPECT_EQ(s.tls.key_file, want.key_file);
  EXPECT_EQ(s.tls.client_ca_file, want.client_ca_file);
  EXPECT_FALSE(s.tls.insecure_plaintext);
  EXPECT_EQ(s.grpc_listen_address, "127.0.0.1");

  Config unset({}, {});
  CommonSettings defaults = ReadCommonSettings(unset, "svc", 50051, 9100);
  EXPECT_EQ(defaults.grpc_listen_address, "0.0.0.0");
  EXPECT_TRUE(Contains(unset.Validate().message(),
                       "no TLS certificate for the gRPC port"));
}

TEST(TlsServerTest, PlaintextOnlyWhenAskedForAndWithAWarning) {
  CommonSettings settings;
  settings.service_name = "plain";
  settings.grpc_listen_address = "127.0.0.1";
  settings.tls.insecure_plaintext = true;
  ServiceHost host(settings);
  // What the host writes to stderr while it starts.
  const std::string log = std::filesystem::temp_directory_path() /
                          absl::StrCat("lov-plain-", getpid(), ".log");
  const int saved = dup(STDERR_FILENO);
  const int file = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(file, STDERR_FILENO);
  absl::Status started = host.Start();
  dup2(saved, STDERR_FILENO);
  close(file);
  close(saved);
  ASSERT_TRUE(started.ok()) << started;
  const std::string written = ReadWhole(log);
  std::filesystem::remove(log);
  EXPECT_TRUE(Contains(written, "gRPC WITHOUT TLS (--insecure-plaintext)"));
  EXPECT_TRUE(Contains(written, "\"level\":\"warn\""));

  auto stub = PeerService::NewStub(OpenChannel(
      absl::StrCat("127.0.0.1:", host.grpc_port()), {.plaintext = true}));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  PeerReply reply;
  // Not registered here: the plaintext port answers, with UNIMPLEMENTED.
  EXPECT_EQ(stub->WhoAmI(&context, WhoAmIRequest(), &reply).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST(TlsServerTest, AServiceWithoutCertificateEndsStartUpWithTheSettingsToSet) {
  RunResult r = RunToCompletion("services/registry/registry",
                                {"--kafka-brokers=" + Stack().kafka_brokers,
                                 "--redis-addr=" + Stack().redis_addr});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r.output,
                       "registry: bad configuration: no TLS certificate for "
                       "the gRPC port: set --tls-cert and --tls-key "
                       "(LOV_TLS_CERT, LOV_TLS_KEY)"));
  EXPECT_TRUE(Contains(r.output, "--insecure-plaintext"));
}

}  // namespace
}  // namespace lov
