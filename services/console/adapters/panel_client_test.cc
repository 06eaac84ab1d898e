// What the dashboard's two gRPC panel clients share (panel_client.h): their
// settings, the console's client TLS, and one call of at most 10 s with
// gRPC's error kept.
#include "lov/console/adapters/panel_client.h"

#include <gtest/gtest.h>

#include "lov/choice/v1/choice.pb.h"
#include "lov/console/adapters/choice_neutrality_client.h"
#include "lov/console/adapters/followup_indicators_client.h"

namespace lov::console {
namespace {

namespace cv1 = ::lov::choice::v1;

TEST(PanelSettingsTest, EachPanelHasItsDefaultsAndOneClientCertificate) {
  Config none({}, {});
  const PanelSettings choice = ReadNeutralitySettings(none);
  EXPECT_EQ(choice.target, "127.0.0.1:50052");
  EXPECT_EQ(choice.every, absl::Seconds(60));
  EXPECT_TRUE(choice.tls.cert_file.empty());
  const PanelSettings followup = ReadIndicatorsSettings(none);
  EXPECT_EQ(followup.target, "127.0.0.1:50057");
  EXPECT_EQ(followup.every, absl::Seconds(60));
  EXPECT_TRUE(none.Validate().ok()) << none.Validate();

  Config flags({{"choice-target", "choice:50052"},
                {"followup-target", "followup:50057"},
                {"neutrality-every-seconds", "30"},
                {"indicators-every-seconds", "120"},
                {"tls-ca", "/etc/lov/tls/ca.crt"},
                {"tls-client-cert", "/etc/lov/tls/console.crt"},
                {"tls-client-key", "/etc/lov/tls/console.key"}},
               {});
  const PanelSettings c = ReadNeutralitySettings(flags);
  const PanelSettings f = ReadIndicatorsSettings(flags);
  EXPECT_EQ(c.target, "choice:50052");
  EXPECT_EQ(c.every, absl::Seconds(30));
  EXPECT_EQ(f.target, "followup:50057");
  EXPECT_EQ(f.every, absl::Minutes(2));
  // Both panels dial with the console's one certificate.
  for (const PanelSettings* s : {&c, &f}) {
    EXPECT_EQ(s->tls.ca_file, "/etc/lov/tls/ca.crt");
    EXPECT_EQ(s->tls.cert_file, "/etc/lov/tls/console.crt");
    EXPECT_EQ(s->tls.key_file, "/etc/lov/tls/console.key");
  }
  EXPECT_TRUE(flags.Validate().ok()) << flags.Validate();

  Config zero({{"indicators-every-seconds", "0"}}, {});
  ReadIndicatorsSettings(zero);
  EXPECT_NE(zero.Validate().message().find("indicators-every-seconds"),
            std::string::npos)
      << zero.Validate();
}

TEST(PanelClientTlsTest, PlaintextWhenTheConsoleIsElseTheCertificateIsRead) {
  ClientTls missing;
  missing.cert_file = "/nonexistent/console.crt";
  missing.key_file = "/nonexistent/console.key";
  // A console without TLS dials without it, whatever the files.
  absl::StatusOr<ClientTls> plain =
      PanelClientTls(missing, /*console_plaintext=*/true, "choice");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->plaintext);
  EXPECT_TRUE(plain->cert_file.empty());
  // With TLS, an unreadable certificate ends start-up naming the service
  // and the settings.
  absl::StatusOr<ClientTls> refused =
      PanelClientTls(missing, /*console_plaintext=*/false, "follow-up");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find(
                "the console's client TLS for the follow-up service "
                "(--tls-ca, --tls-client-cert, --tls-client-key): "),
            std::string::npos)
      << refused.status();
  // Without files: the system's roots, no client certificate.
  absl::StatusOr<ClientTls> roots =
      PanelClientTls(ClientTls{}, /*console_plaintext=*/false, "choice");
  ASSERT_TRUE(roots.ok()) << roots.status();
  EXPECT_FALSE(roots->plaintext);
}

// A stub of one method, as the generated ones are called.
class FakeStub {
 public:
  grpc::Status GetNeutralityReport(grpc::ClientContext* context,
                                   const cv1::GetNeutralityReportRequest& req,
                                   cv1::GetNeutralityReportResponse* resp) {
    deadline_left_ = absl::FromChrono(context->deadline()) - absl::Now();
    asked_zone_ = req.zone_id();
    if (!answer_.ok()) return answer_;
    resp->set_zone_id(req.zone_id());
    return grpc::Status::OK;
  }

  grpc::Status answer_ = grpc::Status::OK;
  absl::Duration deadline_left_;
  std::string asked_zone_;
};

TEST(CallPanelServiceTest, OneCallOfAtMostTenSecondsWithGrpcsErrorKept) {
  FakeStub stub;
  cv1::GetNeutralityReportRequest request;
  request.set_zone_id("north");
  absl::StatusOr<cv1::GetNeutralityReportResponse> answered =
      CallPanelService(stub, &FakeStub::GetNeutralityReport, request);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->zone_id(), "north");
  EXPECT_EQ(stub.asked_zone_, "north");
  EXPECT_LE(stub.deadline_left_, absl::Seconds(10));
  EXPECT_GT(stub.deadline_left_, absl::Seconds(9));

  stub.answer_ = grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                              "service:console may not call this");
  absl::StatusOr<cv1::GetNeutralityReportResponse> denied =
      CallPanelService(stub, &FakeStub::GetNeutralityReport, request);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.status().message(), "service:console may not call this");
}

}  // namespace
}  // namespace lov::console
