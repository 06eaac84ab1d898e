// The HTTP/JSON listener (lov/platform/http_gateway.h) in front of a gRPC
// server with a stand-in VisitsService, no infrastructure: a request is
// transcoded by the proto's google.api.http rule, called through the
// server's in-process channel with the caller's credential, and answered
// in protobuf's JSON mapping; a gRPC refusal comes back as its HTTP status
// with a google.rpc.Status body. The gateway's identity key counts on the
// in-process channel only: sent over the network it is ignored.
#include "lov/platform/http_gateway.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lov/platform/gateway_identity.h"
#include "lov/visits/v1/visits.grpc.pb.h"

namespace lov::http {
namespace {

namespace v1 = ::lov::visits::v1;

std::string MetadataOf(const grpc::CallbackServerContext& context,
                       const std::string& key) {
  auto it = context.client_metadata().find(key);
  return it == context.client_metadata().end()
             ? ""
             : std::string(it->second.data(), it->second.size());
}

// Answers what it was called with: the request's ids, the bearer header and
// the certificate name the gateway passed on (GatewayCertificateName).
class EchoVisits : public v1::VisitsService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetVisit(grpc::CallbackServerContext* context,
                                     const v1::GetVisitRequest* request,
                                     v1::GetVisitResponse* response) override {
    auto* reactor = context->DefaultReactor();
    if (request->report_id() == "denied") {
      reactor->Finish(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                   "provider_id: not yours"));
      return reactor;
    }
    response->set_visit_id(
        absl::StrCat(request->provider_id(), "/", request->report_id()));
    response->mutable_first_outcome()->set_detail(
        GatewayCertificateName(*context).value_or("none"));
    response->mutable_first_outcome()->set_error_message(
        MetadataOf(*context, "authorization"));
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* ReportVisit(grpc::CallbackServerContext* context,
                                        const v1::ReportVisitRequest* request,
                                        v1::ReportOutcome* response) override {
    response->set_visit_id(absl::StrCat(request->report().provider_id(), "/",
                                        request->report().report_id()));
    response->set_report_id(request->report().report_id());
    response->set_outcome(v1::OUTCOME_ACCEPTED);
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

class HttpGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &grpc_port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr);
    GatewayOptions options;
    options.listen_address = "127.0.0.1";
    options.max_body_bytes = 1024;
    absl::StatusOr<std::unique_ptr<Gateway>> gateway = StartGateway(
        *server_, {"lov.visits.v1.VisitsService"}, options, 1 << 20);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    ASSERT_TRUE(*gateway != nullptr);
    gateway_ = *std::move(gateway);
  }
  void TearDown() override {
    if (gateway_) gateway_->Stop();
    if (server_) server_->Shutdown();
  }

  Request Get(const std::string& path) {
    Request r;
    r.method = "GET";
    r.path = path;
    return r;
  }

  EchoVisits service_;
  int grpc_port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(HttpGatewayTest, ACallGoesInProcessWithTheCallersCredential) {
  Request r = Get("/v1/providers/prv-1/visits/r-9");
  r.headers["authorization"] = "Bearer abc";
  r.client_certificate_name = "provider:prv-1";
  Response answer = gateway_->Handle(r);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.content_type, "application/json");
  nlohmann::json body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(body["visitId"], "prv-1/r-9");
  EXPECT_EQ(body["firstOutcome"]["detail"], "provider:prv-1");
  EXPECT_EQ(body["firstOutcome"]["errorMessage"], "Bearer abc");
}

TEST_F(HttpGatewayTest, TheListenerAnswersOverHttp) {
  absl::StatusOr<ClientResponse> answer =
      Fetch({.host_port = absl::StrCat("127.0.0.1:", gateway_->port()),
             .path = "/v1/providers/prv-1/visits/r-9"});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 200) << answer->body;
  // Without a verified certificate no identity is passed on.
  EXPECT_EQ(nlohmann::json::parse(answer->body)["firstOutcome"]["detail"],
            "none");
}

TEST_F(HttpGatewayTest, ABodyIsTheBoundFieldAndAnUnknownFieldIsNamed) {
  Request r;
  r.method = "POST";
  r.path = "/v1/providers/prv-1/visits";
  r.headers["content-type"] = "application/json";
  r.body = R"({"reportId":"r-1"})";
  Response answer = gateway_->Handle(r);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(nlohmann::json::parse(answer.body)["visitId"], "prv-1/r-1");

  r.body = R"({"reportId":"r-1","staffNmae":"s"})";
  answer = gateway_->Handle(r);
  EXPECT_EQ(answer.status, 400);
  nlohmann::json error = nlohmann::json::parse(answer.body);
  EXPECT_EQ(error["code"], 3);
  EXPECT_NE(error["message"].get<std::string>().find("staffNmae"),
            std::string::npos)
      << answer.body;

  r.headers["content-type"] = "text/plain";
  r.body = "r-1";
  EXPECT_EQ(gateway_->Handle(r).status, 415);
}

TEST_F(HttpGatewayTest, RefusalsAreTheirHttpStatusWithAGoogleRpcStatus) {
  Response denied = gateway_->Handle(Get("/v1/providers/prv-1/visits/denied"));
  EXPECT_EQ(denied.status, 403);
  nlohmann::json body = nlohmann::json::parse(denied.body);
  EXPECT_EQ(body["code"], 7);
  EXPECT_EQ(body["message"], "provider_id: not yours");

  Response nowhere = gateway_->Handle(Get("/v1/nowhere"));
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_EQ(nlohmann::json::parse(nowhere.body)["code"], 5);
  Request post = Get("/v1/providers/prv-1/visits/r-9");
  post.method = "POST";
  EXPECT_EQ(gateway_->Handle(post).status, 405);
}

TEST_F(HttpGatewayTest, TheIdentityKeyFromTheNetworkIsIgnored) {
  auto stub = v1::VisitsService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port_),
                          grpc::InsecureChannelCredentials()));
  // Even with this process's own secret (which a remote caller cannot
  // know), a call that comes over a socket is no gateway call.
  grpc::ClientContext context;
  AddGatewayIdentity(&context, "provider:prv-1");
  v1::GetVisitRequest request;
  request.set_provider_id("prv-1");
  request.set_report_id("r-9");
  v1::GetVisitResponse response;
  ASSERT_TRUE(stub->GetVisit(&context, request, &response).ok());
  EXPECT_EQ(response.first_outcome().detail(), "none");
}

}  // namespace
}  // namespace lov::http
