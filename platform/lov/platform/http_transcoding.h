#ifndef LOV_PLATFORM_HTTP_TRANSCODING_H_
#define LOV_PLATFORM_HTTP_TRANSCODING_H_

// HTTP/JSON to gRPC, the rules of google.api.http (google/api/http.proto):
// each RPC with the option is reachable as an HTTP method and a path
// template ("/v1/providers/{provider_id}/visits/{report_id}"); the request
// message is built from the path's variables, the body (`body: "*"`: the
// whole message; `body: "report"`: that field) and, for the fields neither
// binds, the query parameters. The JSON is protobuf's JSON mapping; a field
// the message does not have is an error naming it. docs/http.md.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace lov::http {

// One google.api.http binding of an RPC.
struct Route {
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string http_method;  // "GET" or "POST"
  std::string pattern;      // as written, for messages and docs
  // The template's segments: a literal, or a variable ("{provider_id}")
  // held as its field path with `variable` set.
  struct Segment {
    std::string text;
    bool variable = false;
  };
  std::vector<Segment> segments;
  std::string verb;  // after ':' in the last segment ("preview"), or ""
  std::string body;  // "", "*" or a field of the request
};

// The routes of `service`'s methods that carry google.api.http (their
// additional_bindings too). An error names the method and what is not
// served: a streaming method, a verb other than get and post, a template
// with a multi-segment variable, or a variable or body that is no field of
// the request.
absl::StatusOr<std::vector<Route>> RoutesOf(
    const google::protobuf::ServiceDescriptor& service);

// The route `http_method` and `path` (decoded, without the query) reach,
// with its variables' values as field path and value; routes with a verb
// are tried first, so "/statements/2025-03:preview" is not a period.
struct Match {
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> bindings;
};
// NotFound when no route's template fits the path; FailedPrecondition
// (HTTP 405) when one does for another HTTP method, naming it.
absl::StatusOr<Match> FindRoute(const std::vector<Route>& routes,
                                const std::string& http_method,
                                const std::string& path);

// The HTTP methods served at `path` (sorted, each once; HEAD beside GET,
// which answers it), e.g. {"GET", "HEAD"}: the Allow header of a 405.
// Empty when no route's template fits the path.
std::vector<std::string> MethodsAt(const std::vector<Route>& routes,
                                   const std::string& path);

// The request message of `match`, from `body` (JSON or empty) and `query`
// (the decoded query parameters, in order). InvalidArgument naming what
// does not fit: a body that is no JSON object, a body on a route without
// one, a query parameter or JSON field the message does not have.
absl::Status BuildRequest(
    const Match& match, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& query,
    google::protobuf::Message* request);

// The HTTP status of a gRPC status code, as google.rpc.Code documents it
// (INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, ...).
int HttpStatusOf(int grpc_code);

}  // namespace lov::http

#endif  // LOV_PLATFORM_HTTP_TRANSCODING_H_
