// The HTTP server of metrics, probes and the dashboard (cpp-httplib) on a
// real loopback socket.
#include "lov/platform/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/metrics.h"

namespace lov::http {
namespace {

Response Echo(const Request& r) {
  std::string form;
  for (const auto& [k, v] : r.form) absl::StrAppend(&form, k, "=", v, ";");
  return {200, "text/plain",
          absl::StrCat(r.method, " ", r.path, " q=", r.query, " form=", form,
                       " x=", r.Header("X-Probe"))};
}

// A client that connects, sends half a request line and then nothing.
int StalledClient(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const char partial[] = "GET /slow HT";
  EXPECT_GT(::send(fd, partial, sizeof(partial) - 1, 0), 0);
  return fd;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions o) {
    o.listen_address = "127.0.0.1";
    ASSERT_TRUE(server_.Start(o).ok());
    target_ = absl::StrCat("127.0.0.1:", server_.port());
  }
  Server server_{Echo};
  std::string target_;
};

TEST_F(HttpServerTest, AnswersOnTheConfiguredAddressAndAFreePort) {
  Start({});
  EXPECT_GT(server_.port(), 0);
  absl::StatusOr<ClientResponse> r = Fetch({.host_port = target_,
                                            .path = "/a/b?x=1",
                                            .headers = {{"X-Probe", "7"}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /a/b q=x=1 form= x=7");
  EXPECT_EQ(r->headers["cache-control"], "no-store");
}

TEST_F(HttpServerTest, StalledConnectionsDoNotBlockOthers) {
  ServerOptions o;
  o.threads = 4;
  Start(o);
  // Fewer stalled clients than workers: the next request is answered at
  // once, not after the 5 s read timeout.
  std::vector<int> stalled;
  for (int i = 0; i < 3; ++i) stalled.push_back(StalledClient(server_.port()));
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> body = Get(target_, "/quick", 4000);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "GET /quick q= form= x=");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  for (int fd : stalled) ::close(fd);
}

TEST_F(HttpServerTest, FormPostsOnlyWhenAcceptedAndOnlyFromTheBody) {
  ServerOptions o;
  o.accept_post = true;
  Start(o);
  absl::StatusOr<ClientResponse> r = Fetch({.host_port = target_,
                                            .method = "POST",
                                            .path = "/login?token=from-url",
                                            .form = {{"token", "a b&c"}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "POST /login q=token=from-url form=token=a b&c; x=");
}

TEST(HttpServerPostTest, PostIsRefusedUnlessAccepted) {
  Server server(Echo);
  ASSERT_TRUE(server.Start({.listen_address = "127.0.0.1"}).ok());
  absl::StatusOr<ClientResponse> r =
      Fetch({.host_port = absl::StrCat("127.0.0.1:", server.port()),
             .method = "POST",
             .form = {{"a", "b"}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE(r->status, 200);
}

TEST_F(HttpServerTest, ATooLargeBodyIs413) {
  ServerOptions o;
  o.accept_post = true;
  o.max_body_bytes = 100;
  Start(o);
  absl::StatusOr<ClientResponse> r =
      Fetch({.host_port = target_,
             .method = "POST",
             .form = {{"token", std::string(200, 'x')}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, ABusyPortIsAnErrorNamingTheSettings) {
  Start({});
  Server second(Echo);
  absl::Status s = second.Start({.listen_address = "127.0.0.1",
                                 .port = server_.port(),
                                 .settings = "--metrics-port"});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(),
            absl::StrCat("cannot listen on 127.0.0.1 port ", server_.port(),
                         " (in use, or not an address of this host; check "
                         "--metrics-port)"));
}

TEST(HttpServerAddressTest, AnAddressThatIsNotThisHostsIsAnError) {
  Server server(Echo);
  absl::Status s = server.Start({.listen_address = "192.0.2.1"});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
}

TEST(HttpServerTlsTest, AnUnreadableCertificateIsAnErrorNamingTheFiles) {
  Server server(Echo);
  absl::Status s = server.Start({.listen_address = "127.0.0.1",
                                 .tls_cert_file = "/nonexistent/server.crt",
                                 .tls_key_file = "/nonexistent/server.key"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "cannot serve HTTPS with certificate /nonexistent/server.crt and "
            "key /nonexistent/server.key (check --tls-cert / --tls-key)");
}

// A self-signed certificate for 127.0.0.1 (its own CA) in `dir`/NAME.crt
// and NAME.key.
void SelfSigned(const std::string& dir, const std::string& name) {
  const std::string cmd = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-subj /CN=",
      name, " -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout ", dir, "/",
      name, ".key -out ", dir, "/", name, ".crt 2>/dev/null");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// Whether an HTTPS GET that trusts only `ca_file` gets an answer.
bool Trusted(int port, const std::string& ca_file) {
  return Fetch({.host_port = absl::StrCat("127.0.0.1:", port),
                .path = "/",
                .ca_file = ca_file})
      .ok();
}

TEST(HttpServerTlsTest, ARenewedCertificateIsServedWithoutARestart) {
  char tmpl[] = "/tmp/lov-https-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  SelfSigned(dir, "old");
  SelfSigned(dir, "new");
  ASSERT_EQ(
      std::system(absl::StrCat("cp ", dir, "/old.crt ", dir, "/tls.crt && cp ",
                               dir, "/old.key ", dir, "/tls.key")
                      .c_str()),
      0);
  Server server(Echo);
  ASSERT_TRUE(server
                  .Start({.listen_address = "127.0.0.1",
                          .tls_cert_file = dir + "/tls.crt",
                          .tls_key_file = dir + "/tls.key",
                          .tls_refresh = absl::ZeroDuration()})
                  .ok());
  EXPECT_TRUE(Trusted(server.port(), dir + "/old.crt"));
  EXPECT_FALSE(Trusted(server.port(), dir + "/new.crt"));

  // A key that does not belong to the certificate: the old pair stays.
  ASSERT_EQ(std::system(
                absl::StrCat("cp ", dir, "/new.crt ", dir, "/tls.crt").c_str()),
            0);
  EXPECT_TRUE(Trusted(server.port(), dir + "/old.crt"));

  ASSERT_EQ(std::system(
                absl::StrCat("cp ", dir, "/new.key ", dir, "/tls.key").c_str()),
            0);
  EXPECT_TRUE(Trusted(server.port(), dir + "/new.crt"));
  EXPECT_FALSE(Trusted(server.port(), dir + "/old.crt"));
  server.Stop();
  std::system(absl::StrCat("rm -rf ", dir).c_str());
}

// --metrics-tls: the metrics port speaks HTTPS with the service's
// certificate, and nothing in plain HTTP.
TEST(MetricsServerTlsTest, WithTheServicesCertificateOnlyHttpsAnswers) {
  char tmpl[] = "/tmp/lov-metrics-https-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  SelfSigned(dir, "svc");
  metrics::MetricsServer server(&metrics::Registry::Default());
  ASSERT_TRUE(
      server.Start(0, "127.0.0.1", dir + "/svc.crt", dir + "/svc.key").ok());
  server.SetReady(true);
  const std::string target = absl::StrCat("127.0.0.1:", server.port());

  absl::StatusOr<ClientResponse> https = Fetch(
      {.host_port = target, .path = "/readyz", .ca_file = dir + "/svc.crt"});
  ASSERT_TRUE(https.ok()) << https.status();
  EXPECT_EQ(https->status, 200);
  EXPECT_EQ(https->body, "serving\n");
  absl::StatusOr<ClientResponse> metrics = Fetch(
      {.host_port = target, .path = "/metrics", .ca_file = dir + "/svc.crt"});
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->status, 200);
  // Plain HTTP gets no answer at all.
  absl::StatusOr<ClientResponse> plain =
      Fetch({.host_port = target, .path = "/readyz"});
  EXPECT_FALSE(plain.ok() && plain->status == 200);
  server.Stop();
  std::system(absl::StrCat("rm -rf ", dir).c_str());
}

// A pod is reached by its IP, which its certificate does not name; the
// certificate is checked for its Service's name instead (tls_server_name).
TEST(HttpServerTlsTest, TheCertificateIsCheckedForTheNameGivenNotTheAddress) {
  char tmpl[] = "/tmp/lov-https-name-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string cmd = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-subj /CN=registry -addext subjectAltName=DNS:registry -days 1 "
      "-keyout ",
      dir, "/registry.key -out ", dir, "/registry.crt 2>/dev/null");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Server server(Echo);
  ASSERT_TRUE(server
                  .Start({.listen_address = "127.0.0.1",
                          .tls_cert_file = dir + "/registry.crt",
                          .tls_key_file = dir + "/registry.key"})
                  .ok());
  const std::string pod = absl::StrCat("127.0.0.1:", server.port());
  auto fetch = [&](const std::string& name) {
    return Fetch({.host_port = pod,
                  .path = "/x",
                  .ca_file = dir + "/registry.crt",
                  .tls_server_name = name});
  };

  absl::StatusOr<ClientResponse> named = fetch("registry");
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->status, 200);
  EXPECT_EQ(named->body, "GET /x q= form= x=");
  EXPECT_FALSE(fetch("choice").ok());  // not the name it carries
  EXPECT_FALSE(fetch("").ok());        // 127.0.0.1 is not in it either
  server.Stop();
  std::system(absl::StrCat("rm -rf ", dir).c_str());
}

TEST(HttpServerAddressTest, GetOfANon200IsAnError) {
  Server server([](const Request&) {
    return Response{503, "text/plain", "x"};
  });
  ASSERT_TRUE(server.Start({.listen_address = "127.0.0.1"}).ok());
  absl::StatusOr<std::string> body =
      Get(absl::StrCat("127.0.0.1:", server.port()), "/readyz", 2000);
  EXPECT_EQ(body.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace lov::http
