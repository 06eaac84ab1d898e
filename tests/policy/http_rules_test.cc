// The HTTP/JSON bindings (google.api.http) of the services' protos, read and
// routed the way the HTTP listener does (lov/platform/http_transcoding.h):
// every binding is served, paths reach the right RPC with their variables,
// and the request message is built from path, body and query, refusing
// what does not fit with the name of the field.
#include <gtest/gtest.h>

#include <set>

#include "lov/choice/v1/choice.pb.h"
#include "lov/platform/http_transcoding.h"
#include "lov/settlement/v1/settlement.pb.h"
#include "lov/visits/v1/visits.pb.h"

namespace lov::http {
namespace {

std::vector<Route> RoutesOfAll() {
  std::vector<Route> all;
  // Linking the generated classes puts the services in the pool.
  (void)visits::v1::ReportVisitRequest::descriptor();
  (void)choice::v1::ListAssignmentsRequest::descriptor();
  (void)settlement::v1::GetStatementRequest::descriptor();
  for (const google::protobuf::ServiceDescriptor* service :
       {google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            "lov.visits.v1.VisitsService"),
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            "lov.choice.v1.ChoiceService"),
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            "lov.settlement.v1.SettlementService")}) {
    absl::StatusOr<std::vector<Route>> routes = RoutesOf(*service);
    EXPECT_TRUE(routes.ok()) << routes.status();
    if (routes.ok()) all.insert(all.end(), routes->begin(), routes->end());
  }
  // As the gateway orders them: verb templates first.
  std::stable_sort(all.begin(), all.end(), [](const Route& a, const Route& b) {
    return !a.verb.empty() && b.verb.empty();
  });
  return all;
}

TEST(HttpRulesTest, TheProviderAndRegionalMethodsAreBound) {
  std::set<std::string> bound;
  for (const Route& r : RoutesOfAll()) bound.insert(r.method->name());
  for (const char* m :
       {"ReportVisit", "GetVisit", "CorrectVisit", "VoidVisit", "ListRejected",
        "ListAssignments", "ListEligibleProviders", "GetStatement",
        "PreviewStatement", "ExportStatement"}) {
    EXPECT_TRUE(bound.count(m)) << m << " has no google.api.http binding";
  }
  // The upload stream stays gRPC-only.
  EXPECT_FALSE(bound.count("UploadVisits"));
}

TEST(HttpRulesTest, APathReachesItsMethodWithItsVariables) {
  const std::vector<Route> routes = RoutesOfAll();
  absl::StatusOr<Match> get =
      FindRoute(routes, "GET", "/v1/providers/prv-1/visits/r-9");
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->route->method->name(), "GetVisit");
  ASSERT_EQ(get->bindings.size(), 2u);
  EXPECT_EQ(get->bindings[0],
            std::make_pair(std::string("provider_id"), std::string("prv-1")));
  EXPECT_EQ(get->bindings[1],
            std::make_pair(std::string("report_id"), std::string("r-9")));

  absl::StatusOr<Match> preview = FindRoute(
      routes, "GET", "/v1/providers/prv-1/statements/2025-03:preview");
  ASSERT_TRUE(preview.ok()) << preview.status();
  EXPECT_EQ(preview->route->method->name(), "PreviewStatement");
  EXPECT_EQ(preview->bindings[1].second, "2025-03");
  absl::StatusOr<Match> statement =
      FindRoute(routes, "GET", "/v1/providers/prv-1/statements/2025-03");
  ASSERT_TRUE(statement.ok()) << statement.status();
  EXPECT_EQ(statement->route->method->name(), "GetStatement");

  absl::StatusOr<Match> report =
      FindRoute(routes, "POST", "/v1/providers/prv-1/visits");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->route->method->name(), "ReportVisit");
}

TEST(HttpRulesTest, AnotherMethodOrPathIsRefusedNamingIt) {
  const std::vector<Route> routes = RoutesOfAll();
  absl::StatusOr<Match> post =
      FindRoute(routes, "POST", "/v1/providers/prv-1/visits/r-9");
  EXPECT_EQ(post.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(post.status().message().find("use GET"), std::string::npos)
      << post.status();
  absl::StatusOr<Match> none = FindRoute(routes, "GET", "/v1/nothing/here");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<Match> empty =
      FindRoute(routes, "GET", "/v1/providers//visits/r-9");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kNotFound);
}

TEST(HttpRulesTest, TheBodyFieldAndThePathMakeTheRequest) {
  const std::vector<Route> routes = RoutesOfAll();
  absl::StatusOr<Match> m =
      FindRoute(routes, "POST", "/v1/providers/prv-1/visits");
  ASSERT_TRUE(m.ok());
  visits::v1::ReportVisitRequest request;
  absl::Status s = BuildRequest(
      *m,
      R"({"reportId":"r-1","client_id":"c-1","start":"2025-03-18T08:00:00Z",
          "evidence":"EVIDENCE_NFC_TAG","activities":["shower"]})",
      {}, &request);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(request.report().provider_id(), "prv-1");
  EXPECT_EQ(request.report().report_id(), "r-1");
  EXPECT_EQ(request.report().client_id(), "c-1");
  EXPECT_EQ(request.report().start().seconds(), 1742284800);
  EXPECT_EQ(request.report().evidence(), visits::v1::EVIDENCE_NFC_TAG);
  ASSERT_EQ(request.report().activities_size(), 1);

  // The path wins over a provider named in the body.
  s = BuildRequest(*m, R"({"providerId":"prv-2"})", {}, &request);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(request.report().provider_id(), "prv-1");
}

TEST(HttpRulesTest, AnUnknownJsonFieldIsRefusedNamingIt) {
  const std::vector<Route> routes = RoutesOfAll();
  absl::StatusOr<Match> m =
      FindRoute(routes, "POST", "/v1/providers/prv-1/visits");
  ASSERT_TRUE(m.ok());
  visits::v1::ReportVisitRequest request;
  absl::Status s =
      BuildRequest(*m, R"({"reportId":"r-1","staffNmae":"s-1"})", {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("staffNmae"), std::string::npos) << s;
  s = BuildRequest(*m, "not json", {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = BuildRequest(*m, "[1,2]", {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(HttpRulesTest, QueryParametersSetTheOtherFields) {
  const std::vector<Route> routes = RoutesOfAll();
  absl::StatusOr<Match> m =
      FindRoute(routes, "GET", "/v1/providers/prv-1/rejected-visits");
  ASSERT_TRUE(m.ok());
  visits::v1::ListRejectedRequest request;
  absl::Status s = BuildRequest(
      *m, "", {{"period", "2025-03"}, {"pageSize", "5"}, {"page_token", "t"}},
      &request);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(request.provider_id(), "prv-1");
  EXPECT_EQ(request.period(), "2025-03");
  EXPECT_EQ(request.page_size(), 5);
  EXPECT_EQ(request.page_token(), "t");

  s = BuildRequest(*m, "", {{"perod", "2025-03"}}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("\"perod\""), std::string::npos) << s;
  s = BuildRequest(*m, "", {{"page_size", "many"}}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  s = BuildRequest(*m, R"({"period":"2025-03"})", {}, &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("takes no request body"), std::string::npos) << s;

  absl::StatusOr<Match> eligible =
      FindRoute(routes, "GET", "/v1/clients/c-1/eligible-providers");
  ASSERT_TRUE(eligible.ok());
  choice::v1::ListEligibleProvidersRequest list;
  s = BuildRequest(*eligible, "",
                   {{"category_ids", "home-help"}, {"category_ids", "meals"}},
                   &list);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(list.client_id(), "c-1");
  ASSERT_EQ(list.category_ids_size(), 2);
  EXPECT_EQ(list.category_ids(1), "meals");
}

TEST(HttpRulesTest, GrpcCodesMapToHttpAsGoogleRpcDocumentsThem) {
  EXPECT_EQ(HttpStatusOf(0), 200);
  EXPECT_EQ(HttpStatusOf(3), 400);   // INVALID_ARGUMENT
  EXPECT_EQ(HttpStatusOf(5), 404);   // NOT_FOUND
  EXPECT_EQ(HttpStatusOf(6), 409);   // ALREADY_EXISTS
  EXPECT_EQ(HttpStatusOf(7), 403);   // PERMISSION_DENIED
  EXPECT_EQ(HttpStatusOf(8), 429);   // RESOURCE_EXHAUSTED
  EXPECT_EQ(HttpStatusOf(9), 400);   // FAILED_PRECONDITION
  EXPECT_EQ(HttpStatusOf(10), 409);  // ABORTED
  EXPECT_EQ(HttpStatusOf(13), 500);  // INTERNAL
  EXPECT_EQ(HttpStatusOf(14), 503);  // UNAVAILABLE
  EXPECT_EQ(HttpStatusOf(16), 401);  // UNAUTHENTICATED
}

}  // namespace
}  // namespace lov::http
