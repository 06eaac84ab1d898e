// The console reads the services' /metrics over HTTPS when their metrics
// ports speak it (--metrics-tls), given the CA of their certificates
// (--tls-client-ca): each pod's certificate must chain to it and name the
// service.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "lov/console/adapters/live_pipeline_probe.h"
#include "lov/platform/metrics.h"

namespace lov::console {
namespace {

// A self-signed certificate (its own CA) naming DNS:NAME, in DIR/NAME.crt
// and DIR/NAME.key.
void SelfSigned(const std::string& dir, const std::string& name) {
  const std::string cmd = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-subj /CN=",
      name, " -addext subjectAltName=DNS:", name, " -days 1 -keyout ", dir, "/",
      name, ".key -out ", dir, "/", name, ".crt 2>/dev/null");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

class LivePipelineProbeTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lov-console-metrics-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    SelfSigned(dir_, "visits");
    SelfSigned(dir_, "choice");
    registry_.GetGauge("lov_serving", "serving").Set(1);
  }
  void TearDown() override {
    visits_.Stop();
    choice_.Stop();
    std::system(absl::StrCat("rm -rf ", dir_).c_str());
  }
  // The metrics port of `server` on 127.0.0.1 over HTTPS with NAME's
  // certificate; its host:port.
  std::string Serve(metrics::MetricsServer& server, const std::string& name) {
    EXPECT_TRUE(server
                    .Start(0, "127.0.0.1", dir_ + "/" + name + ".crt",
                           dir_ + "/" + name + ".key")
                    .ok());
    return absl::StrCat("127.0.0.1:", server.port());
  }
  // A probe of `watched`, with Kafka and Redis where nothing listens.
  PipelineHealth Check(std::vector<std::pair<std::string, std::string>> watched,
                       const std::string& ca_file) {
    LivePipelineProbe probe(std::move(watched),
                            KafkaSettings{.brokers = "127.0.0.1:1"},
                            "127.0.0.1:1");
    if (!ca_file.empty()) probe.ReadMetricsOverHttps(ca_file);
    return probe.Check();
  }

  std::string dir_;
  metrics::Registry registry_;
  metrics::MetricsServer visits_{&registry_};
  metrics::MetricsServer choice_{&registry_};
};

// Given visits' CA: visits is read (up, serving). The same port watched as
// registry is not (its certificate names visits), nor is choice, whose
// certificate does not chain to the CA, whatever its /metrics would say.
TEST_F(LivePipelineProbeTlsTest, ReadsMetricsOverHttpsCheckingTheCertificate) {
  const std::string visits = Serve(visits_, "visits");
  const std::string choice = Serve(choice_, "choice");
  PipelineHealth health =
      Check({{"visits", visits}, {"registry", visits}, {"choice", choice}},
            dir_ + "/visits.crt");
  ASSERT_EQ(health.services.size(), 3u);
  EXPECT_TRUE(health.services[0].up) << health.services[0].error;
  EXPECT_TRUE(health.services[0].serving);
  EXPECT_FALSE(health.services[1].up);
  EXPECT_FALSE(health.services[1].serving);
  EXPECT_FALSE(health.services[2].up);
  EXPECT_FALSE(health.services[2].serving);
}

// Without the CA the console speaks plain HTTP, which a metrics port that
// serves HTTPS does not answer.
TEST_F(LivePipelineProbeTlsTest, WithoutTheCaAnHttpsMetricsPortIsNotRead) {
  PipelineHealth health = Check({{"visits", Serve(visits_, "visits")}}, "");
  ASSERT_EQ(health.services.size(), 1u);
  EXPECT_FALSE(health.services[0].up);
  EXPECT_FALSE(health.services[0].serving);
}

}  // namespace
}  // namespace lov::console
