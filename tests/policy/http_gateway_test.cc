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
#include <set>
#include <string>
#include <vector>

#include "all_services.h"
#include "lov/platform/call_guard.h"
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
    // The trace the call runs in, as the services' handlers take it.
    const TraceContext trace = TraceOfCall(*context);
    response->set_detail(trace.tracestate);
    response->set_error_message(trace.trace_id);
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

// The protos' google.api.http rules use GET and POST only (so the
// gateway serves no PUT, PATCH or DELETE binding): every other method on a
// bound path is 405 with the Allow header naming what is served there, over
// the real listener; OPTIONS says the same with 204, HEAD is a GET.
TEST_F(HttpGatewayTest, OtherMethodsAre405WithAllow) {
  std::set<std::string> verbs;
  for (const auto* service : ::lov::testing::AllServices()) {
    absl::StatusOr<std::vector<Route>> routes = RoutesOf(*service);
    ASSERT_TRUE(routes.ok()) << routes.status();
    for (const Route& r : *routes) verbs.insert(r.http_method);
  }
  EXPECT_EQ(verbs, (std::set<std::string>{"GET", "POST"}));

  const std::string at = absl::StrCat("127.0.0.1:", gateway_->port());
  auto call = [&](const std::string& method, const std::string& path) {
    const bool body = method != "HEAD" && method != "OPTIONS";
    absl::StatusOr<ClientResponse> answer =
        Fetch({.host_port = at,
               .method = method,
               .path = path,
               .body = body ? "{}" : "",
               .content_type = body ? "application/json" : ""});
    EXPECT_TRUE(answer.ok())
        << method << " " << path << ": " << answer.status();
    return answer.ok() ? *answer : ClientResponse{};
  };
  const std::string visit = "/v1/providers/prv-1/visits/r-9";
  for (const char* method : {"PUT", "PATCH", "DELETE", "POST"}) {
    ClientResponse refused = call(method, visit);
    EXPECT_EQ(refused.status, 405) << method << " " << refused.body;
    EXPECT_EQ(refused.headers["allow"], "GET, HEAD") << method;
    EXPECT_EQ(nlohmann::json::parse(refused.body)["code"], 12) << method;
  }
  ClientResponse deleted = call("DELETE", "/v1/providers/prv-1/visits");
  EXPECT_EQ(deleted.status, 405) << deleted.body;
  EXPECT_EQ(deleted.headers["allow"], "POST");
  ClientResponse options = call("OPTIONS", visit);
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers["allow"], "GET, HEAD");
  // Nothing is bound at an unknown path, whatever the method.
  ClientResponse nowhere = call("PUT", "/v1/nowhere");
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_EQ(nowhere.headers.count("allow"), 0u);
  ClientResponse head = call("HEAD", visit);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
}

// The W3C trace context of an HTTP caller reaches the call as gRPC
// metadata: the handler's trace continues the traceparent and carries the
// tracestate unchanged; without a valid traceparent the tracestate is not
// carried (it belongs to the trace it came with).
TEST_F(HttpGatewayTest, TraceparentAndTracestateReachTheCall) {
  const std::string state = "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE";
  Request r;
  r.method = "POST";
  r.path = "/v1/providers/prv-1/visits";
  r.headers["content-type"] = "application/json";
  r.headers["traceparent"] =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  r.headers["tracestate"] = state;
  r.body = R"({"reportId":"r-1"})";
  Response answer = gateway_->Handle(r);
  ASSERT_EQ(answer.status, 200) << answer.body;
  nlohmann::json body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(body["detail"], state);
  EXPECT_EQ(body["errorMessage"], "4bf92f3577b34da6a3ce929d0e0e4736");

  r.headers["traceparent"] = "not a traceparent";
  answer = gateway_->Handle(r);
  ASSERT_EQ(answer.status, 200) << answer.body;
  body = nlohmann::json::parse(answer.body);
  EXPECT_FALSE(body.contains("detail")) << answer.body;
  EXPECT_EQ(body["errorMessage"].get<std::string>().size(), 32u);
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
