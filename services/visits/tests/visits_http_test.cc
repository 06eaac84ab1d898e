// The visits service over HTTP/JSON (docs/http.md), with the binary as a
// process against the real Kafka and Redis and `curl` as the client, the
// way a provider's time-reporting system that does not speak gRPC calls
// it: a visit reported and read back, and the same authentication, roles
// and limits as over gRPC (401 without a credential, 403 for another
// provider's visit, 400 naming an unknown JSON field, 413 over the body
// limit), the distance travelled (travelMetres) reported, read back and
// refused out of range naming the field, a provider's client certificate
// verified by the HTTPS listener,
// and the gateway's internal identity key ignored when sent from outside.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "lov/platform/gateway_identity.h"
#include "lov/visits/tests/visits_test_support.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;
using ::lov::testing::Stack;

struct CurlAnswer {
  int status = 0;
  nlohmann::json body;
  std::string raw;
};

std::string Quoted(const std::string& arg) {
  return "'" + absl::StrReplaceAll(arg, {{"'", "'\\''"}}) + "'";
}

class VisitsHttpTest : public VisitsServiceTest {
 protected:
  std::vector<std::string> ExtraFlags() const override {
    return {absl::StrCat("--http-port=", http_port_),
            "--grpc-max-receive-bytes=65536"};
  }

  // curl over HTTPS to the service's HTTP port, the server's certificate
  // checked against the stack's CA; `args` add the method, headers, body.
  CurlAnswer Curl(const std::string& path, std::vector<std::string> args) {
    std::string command = absl::StrCat("curl -sS --max-time 30 --cacert ",
                                       Quoted(Stack().certs_dir + "/ca.crt"),
                                       " -w '\\n%{http_code}'");
    for (const std::string& a : args) absl::StrAppend(&command, " ", Quoted(a));
    absl::StrAppend(
        &command, " ",
        Quoted(absl::StrCat("https://127.0.0.1:", http_port_, path)), " 2>&1");
    CurlAnswer answer;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return answer;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
      answer.raw.append(buffer, n);
    }
    pclose(pipe);
    const size_t last = answer.raw.rfind('\n');
    if (last == std::string::npos ||
        !absl::SimpleAtoi(answer.raw.substr(last + 1), &answer.status)) {
      return answer;
    }
    answer.body =
        nlohmann::json::parse(answer.raw.substr(0, last), nullptr, false);
    return answer;
  }

  static std::string Bearer(const std::string& provider) {
    return "Authorization: Bearer " +
           ::lov::testing::TokenOf(auth::v1::ROLE_PROVIDER, provider);
  }

  // The client certificate of `identity` for curl.
  static std::vector<std::string> CertificateOf(const std::string& identity) {
    ClientTls tls = Stack().Client(identity);
    return {"--cert", tls.cert_file, "--key", tls.key_file};
  }

  const int http_port_ = ::lov::testing::FreePort();
};

constexpr char kReport[] = R"({
  "reportId": "r-http-1", "clientId": "c1", "categoryId": "home-help",
  "staffId": "s-http", "start": "2025-03-18T08:00:00Z",
  "end": "2025-03-18T08:30:00Z", "evidence": "EVIDENCE_NFC_TAG",
  "activities": ["shower"]})";

TEST_F(VisitsHttpTest, AVisitReportedWithCurlIsReadBackWithTheSameRules) {
  SetUpUpstreams({"c1"});
  const std::string visits =
      absl::StrCat("/v1/providers/", kProvider, "/visits");

  CurlAnswer reported =
      Curl(visits, {"-H", Bearer(kProvider), "-H",
                    "Content-Type: application/json", "--data-raw", kReport});
  ASSERT_EQ(reported.status, 200) << reported.raw;
  EXPECT_EQ(reported.body.value("reportId", ""), "r-http-1") << reported.raw;
  EXPECT_EQ(reported.body.value("outcome", ""), "OUTCOME_ACCEPTED")
      << reported.raw;

  // Read back over HTTP, and over gRPC: the same visit.
  CurlAnswer read = Curl(visits + "/r-http-1", {"-H", Bearer(kProvider)});
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.body["current"].value("clientId", ""), "c1") << read.raw;
  EXPECT_EQ(read.body["current"].value("staffId", ""), "s-http") << read.raw;
  v1::GetVisitRequest get;
  get.set_provider_id(kProvider);
  get.set_report_id("r-http-1");
  v1::GetVisitResponse visit;
  ASSERT_TRUE(Call(&v1::VisitsService::Stub::GetVisit, get, &visit).ok());
  EXPECT_EQ(visit.current().staff_id(), "s-http");
  EXPECT_EQ(read.body.value("visitId", ""), visit.visit_id());

  // No credential: 401, the body a google.rpc.Status.
  CurlAnswer anonymous = Curl(visits + "/r-http-1", {});
  EXPECT_EQ(anonymous.status, 401) << anonymous.raw;
  EXPECT_EQ(anonymous.body.value("code", 0), 16) << anonymous.raw;
  EXPECT_FALSE(anonymous.body.value("message", "").empty()) << anonymous.raw;

  // Another provider's credential on this provider's visit: 403.
  CurlAnswer other = Curl(visits + "/r-http-1", {"-H", Bearer(kOtherProvider)});
  EXPECT_EQ(other.status, 403) << other.raw;
  EXPECT_EQ(other.body.value("code", 0), 7) << other.raw;

  // A misspelt field: 400 naming it; nothing reported.
  CurlAnswer misspelt = Curl(
      visits, {"-H", Bearer(kProvider), "-H", "Content-Type: application/json",
               "--data-raw", R"({"reportId":"r-http-2","staffNmae":"s"})"});
  EXPECT_EQ(misspelt.status, 400) << misspelt.raw;
  EXPECT_EQ(misspelt.body.value("code", 0), 3) << misspelt.raw;
  EXPECT_NE(misspelt.body.value("message", "").find("staffNmae"),
            std::string::npos)
      << misspelt.raw;
  EXPECT_EQ(Curl(visits + "/r-http-2", {"-H", Bearer(kProvider)}).status, 404);

  // A body over the limit (the gRPC receive limit, 64 KiB here): 413.
  const std::string big = absl::StrCat(R"({"reportId":"r-big","staffId":")",
                                       std::string(70 * 1024, 'x'), R"("})");
  CurlAnswer too_big =
      Curl(visits, {"-H", Bearer(kProvider), "-H",
                    "Content-Type: application/json", "--data-raw", big});
  EXPECT_EQ(too_big.status, 413) << too_big.raw.substr(0, 300);
}

// The distance travelled (docs/visits.md, settlement's travel per km) as a
// time-reporting system sends it in JSON: `travelMetres`, whole metres,
// read back as sent and kept in the visit; over 500 km the report is
// rejected as MALFORMED naming the field, and a negative or fractional
// distance does not fit the field's type: 400 naming it, nothing stored.
TEST_F(VisitsHttpTest, TravelMetresAreReportedAndReadBackOverHttp) {
  SetUpUpstreams({"c1"});
  const std::string visits =
      absl::StrCat("/v1/providers/", kProvider, "/visits");
  // Each at an hour of its own (from 10:00Z), so none overlaps another.
  int reports = 0;
  const auto report = [&](const std::string& id, const std::string& metres) {
    const std::string hour = absl::StrCat(10 + reports++);
    const std::string body = absl::StrCat(
        R"({"reportId": ")", id,
        R"(", "clientId": "c1", "categoryId": "home-help", "staffId": "s-)", id,
        R"(", "start": "2025-03-19T)", hour, R"(:00:00Z",)",
        R"( "end": "2025-03-19T)", hour,
        R"(:30:00Z", "evidence": "EVIDENCE_NFC_TAG",)", R"( "travelMetres": )",
        metres, "}");
    return Curl(visits, {"-H", Bearer(kProvider), "-H",
                         "Content-Type: application/json", "--data-raw", body});
  };

  // 12.345 km: accepted, and read back over HTTP and gRPC as sent.
  CurlAnswer reported = report("r-km-1", "12345");
  ASSERT_EQ(reported.status, 200) << reported.raw;
  EXPECT_EQ(reported.body.value("outcome", ""), "OUTCOME_ACCEPTED")
      << reported.raw;
  CurlAnswer read = Curl(visits + "/r-km-1", {"-H", Bearer(kProvider)});
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.body["current"].value("travelMetres", 0), 12345) << read.raw;
  v1::GetVisitRequest get;
  get.set_provider_id(kProvider);
  get.set_report_id("r-km-1");
  v1::GetVisitResponse visit;
  ASSERT_TRUE(Call(&v1::VisitsService::Stub::GetVisit, get, &visit).ok());
  EXPECT_EQ(visit.current().travel_metres(), 12345u);

  // Exactly 500 km is the limit and allowed; one metre more is rejected,
  // the detail naming the field, and read back as rejected, no visit.
  CurlAnswer limit = report("r-km-2", "500000");
  ASSERT_EQ(limit.status, 200) << limit.raw;
  EXPECT_EQ(limit.body.value("outcome", ""), "OUTCOME_ACCEPTED") << limit.raw;
  CurlAnswer too_far = report("r-km-3", "500001");
  ASSERT_EQ(too_far.status, 200) << too_far.raw;
  EXPECT_EQ(too_far.body.value("outcome", ""), "OUTCOME_REJECTED")
      << too_far.raw;
  EXPECT_EQ(too_far.body.value("reasonCode", ""), "REASON_CODE_MALFORMED")
      << too_far.raw;
  EXPECT_NE(too_far.body.value("detail", "").find("travel_metres"),
            std::string::npos)
      << too_far.raw;
  CurlAnswer rejected = Curl(visits + "/r-km-3", {"-H", Bearer(kProvider)});
  ASSERT_EQ(rejected.status, 200) << rejected.raw;
  EXPECT_EQ(rejected.body["firstOutcome"].value("outcome", ""),
            "OUTCOME_REJECTED")
      << rejected.raw;
  EXPECT_FALSE(rejected.body.contains("current")) << rejected.raw;

  // Negative and fractional: not a uint32, 400 naming the field
  // ("(report.travel_metres): invalid value -5 for type TYPE_UINT32").
  for (const char* bad : {"-5", "12.5"}) {
    CurlAnswer refused = report(std::string("r-km-bad") + bad, bad);
    EXPECT_EQ(refused.status, 400) << bad << " " << refused.raw;
    EXPECT_EQ(refused.body.value("code", 0), 3) << bad << " " << refused.raw;
    EXPECT_NE(refused.body.value("message", "").find("travel_metres"),
              std::string::npos)
        << bad << " " << refused.raw;
  }
  EXPECT_EQ(Curl(visits + "/r-km-bad-5", {"-H", Bearer(kProvider)}).status,
            404);
}

TEST_F(VisitsHttpTest, AProvidersClientCertificateIsItsCredential) {
  SetUpUpstreams({"c1"});
  const std::string visits =
      absl::StrCat("/v1/providers/", kProvider, "/visits");
  std::vector<std::string> report =
      CertificateOf(std::string("provider:") + kProvider);
  for (const char* a : {"-H", "Content-Type: application/json", "--data-raw"}) {
    report.push_back(a);
  }
  report.push_back(kReport);
  CurlAnswer reported = Curl(visits, report);
  ASSERT_EQ(reported.status, 200) << reported.raw;
  EXPECT_EQ(reported.body.value("outcome", ""), "OUTCOME_ACCEPTED")
      << reported.raw;
  CurlAnswer read = Curl(visits + "/r-http-1",
                         CertificateOf(std::string("provider:") + kProvider));
  EXPECT_EQ(read.status, 200) << read.raw;
  // Another provider's certificate: 403.
  CurlAnswer other =
      Curl(visits + "/r-http-1", CertificateOf("provider:prv-2120000209"));
  EXPECT_EQ(other.status, 403) << other.raw;

  // Over the network the gateway's key is nobody's credential: a gRPC call
  // that names a provider in it is still unauthenticated.
  auto bare = v1::VisitsService::NewStub(service_->BareChannel());
  grpc::ClientContext ctx;
  ctx.AddMetadata(kGatewayCertificateKey, std::string("provider:") + kProvider);
  v1::GetVisitRequest get;
  get.set_provider_id(kProvider);
  get.set_report_id("r-http-1");
  v1::GetVisitResponse visit;
  EXPECT_EQ(bare->GetVisit(&ctx, get, &visit).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace lov::visits
