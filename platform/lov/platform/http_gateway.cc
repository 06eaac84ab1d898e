#include "lov/platform/http_gateway.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <chrono>
#include <future>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/rpc/status.pb.h"
#include "lov/platform/gateway_identity.h"
#include "lov/platform/log.h"

namespace lov::http {
namespace {

// The error body of every refusal: google.rpc.Status in JSON
// ({"code": <gRPC code>, "message": ..., "details": [...]}).
Response ErrorResponse(int http_status, const grpc::Status& status) {
  google::rpc::Status body;
  if (status.error_details().empty() ||
      !body.ParseFromString(status.error_details())) {
    body.Clear();
    body.set_code(status.error_code());
    body.set_message(status.error_message());
  }
  Response response;
  response.status = http_status;
  response.content_type = "application/json";
  if (!google::protobuf::util::MessageToJsonString(body, &response.body).ok()) {
    body.clear_details();
    (void)google::protobuf::util::MessageToJsonString(body, &response.body);
  }
  return response;
}

Response ErrorResponse(const grpc::Status& status) {
  return ErrorResponse(HttpStatusOf(status.error_code()), status);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one name or value.
std::string Decoded(absl::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && HexDigit(in[i + 1]) >= 0 &&
               HexDigit(in[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(HexDigit(in[i + 1]) * 16 + HexDigit(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> QueryParameters(
    const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    out.emplace_back(Decoded(kv.first), Decoded(kv.second));
  }
  return out;
}

}  // namespace

Gateway::Gateway(std::shared_ptr<grpc::ChannelInterface> channel,
                 std::vector<Route> routes)
    : channel_(std::move(channel)),
      routes_(std::move(routes)),
      server_([this](const Request& r) { return Handle(r); }) {}

absl::StatusOr<std::vector<Route>> Gateway::RoutesOfServices(
    const std::vector<std::string>& services) {
  std::vector<Route> routes;
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name);
    if (service == nullptr) continue;  // e.g. one without generated code
    absl::StatusOr<std::vector<Route>> more = RoutesOf(*service);
    if (!more.ok()) return more.status();
    for (Route& r : *more) routes.push_back(std::move(r));
  }
  // Verb templates first across services too (FindRoute tries in order).
  std::stable_sort(routes.begin(), routes.end(),
                   [](const Route& a, const Route& b) {
                     return !a.verb.empty() && b.verb.empty();
                   });
  return routes;
}

absl::Status Gateway::Start(const GatewayOptions& o) {
  call_deadline_ = o.call_deadline;
  ServerOptions options;
  options.listen_address = o.listen_address;
  options.port = o.port;
  options.settings =
      "--http-port (LOV_HTTP_PORT) and --grpc-listen-address "
      "(LOV_GRPC_LISTEN_ADDRESS)";
  options.threads = o.threads;
  options.max_body_bytes = o.max_body_bytes;
  options.accept_post = true;
  options.any_method = true;  // answered 405 with Allow (Handle)
  options.tls_cert_file = o.tls_cert_file;
  options.tls_key_file = o.tls_key_file;
  options.tls_client_ca_file = o.tls_client_ca_file;
  return server_.Start(options);
}

void Gateway::Stop() { server_.Stop(); }

Response Gateway::Handle(const Request& request) {
  // The protos bind GET and POST only (RoutesOf refuses any other verb), so
  // PUT, PATCH and DELETE are always another method than the path's: 405
  // with Allow. OPTIONS answers which are served; HEAD is a GET whose body
  // the listener leaves out.
  const std::vector<std::string> allowed = MethodsAt(routes_, request.path);
  if (request.method == "OPTIONS" && !allowed.empty()) {
    Response response;
    response.status = 204;
    response.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return response;
  }
  absl::StatusOr<Match> match = FindRoute(
      routes_, request.method == "HEAD" ? "GET" : request.method, request.path);
  if (!match.ok()) {
    const bool other_method =
        match.status().code() == absl::StatusCode::kFailedPrecondition ||
        !allowed.empty();
    Response refused = ErrorResponse(
        other_method ? 405 : 404,
        grpc::Status(other_method ? grpc::StatusCode::UNIMPLEMENTED
                                  : grpc::StatusCode::NOT_FOUND,
                     std::string(match.status().message())));
    if (other_method) {
      refused.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    }
    return refused;
  }
  const std::string content_type = request.Header("content-type");
  if (!request.body.empty() && !content_type.empty() &&
      !absl::StrContains(absl::AsciiStrToLower(content_type), "json")) {
    return ErrorResponse(
        415, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "the request body must be application/json, not " +
                              content_type));
  }
  const google::protobuf::MethodDescriptor& method = *match->route->method;
  std::unique_ptr<google::protobuf::Message> in(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method.input_type())
          ->New());
  if (absl::Status s = BuildRequest(*match, request.body,
                                    QueryParameters(request.query), in.get());
      !s.ok()) {
    return ErrorResponse(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                      std::string(s.message())));
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(call_deadline_));
  // The caller's credential, checked by the call guard as over gRPC; no
  // other header is passed on (the gateway's own key least of all).
  if (std::string bearer = request.Header("authorization"); !bearer.empty()) {
    context.AddMetadata("authorization", bearer);
  }
  if (!request.client_certificate_name.empty()) {
    AddGatewayIdentity(&context, request.client_certificate_name);
  }
  for (const char* trace : {"traceparent", "tracestate"}) {
    if (std::string v = request.Header(trace); !v.empty()) {
      context.AddMetadata(trace, v);
    }
  }
  const std::string serialized = in->SerializeAsString();
  grpc::Slice slice(serialized);
  grpc::ByteBuffer send(&slice, 1);
  grpc::ByteBuffer received;
  std::promise<grpc::Status> done;
  grpc::GenericStub stub(channel_);
  stub.UnaryCall(
      &context,
      absl::StrCat("/", method.service()->full_name(), "/", method.name()),
      grpc::StubOptions(), &send, &received,
      [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return ErrorResponse(status);
  std::unique_ptr<google::protobuf::Message> out(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method.output_type())
          ->New());
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (received.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  Response response;
  response.content_type = "application/json";
  if (!out->ParseFromString(bytes) ||
      !google::protobuf::util::MessageToJsonString(*out, &response.body).ok()) {
    log::Error("HTTP/JSON: the answer could not be written as JSON",
               {{"method", method.full_name()}});
    return ErrorResponse(grpc::Status(grpc::StatusCode::INTERNAL,
                                      "the answer could not be written"));
  }
  return response;
}

absl::StatusOr<std::unique_ptr<Gateway>> StartGateway(
    grpc::Server& server, const std::vector<std::string>& services,
    const GatewayOptions& options, int64_t max_answer_bytes) {
  absl::StatusOr<std::vector<Route>> routes =
      Gateway::RoutesOfServices(services);
  if (!routes.ok()) return routes.status();
  // No bindings (registry, console: whose --http-port is its dashboard's).
  if (routes->empty()) return std::unique_ptr<Gateway>();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(max_answer_bytes));
  auto gateway = std::make_unique<Gateway>(server.InProcessChannel(args),
                                           *std::move(routes));
  if (absl::Status s = gateway->Start(options); !s.ok()) return s;
  return gateway;
}

}  // namespace lov::http
