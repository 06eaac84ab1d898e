#include "lov/platform/http_transcoding.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"

namespace lov::http {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

// The fields of `path` ("report.provider_id") from `type`, each but the
// last a singular message; empty if a name is no field.
std::vector<const FieldDescriptor*> FieldPath(const Descriptor* type,
                                              const std::string& path) {
  std::vector<const FieldDescriptor*> out;
  for (absl::string_view name : absl::StrSplit(path, '.')) {
    if (type == nullptr) return {};
    const FieldDescriptor* field = type->FindFieldByName(std::string(name));
    if (field == nullptr) {
      for (int i = 0; i < type->field_count(); ++i) {
        if (type->field(i)->json_name() == name) field = type->field(i);
      }
    }
    if (field == nullptr) return {};
    out.push_back(field);
    type = field->is_repeated() ? nullptr : field->message_type();
  }
  return out;
}

// A field a path variable or query parameter may set: a scalar, an enum,
// or a well-known type written as a string (a Timestamp).
bool TakesText(const FieldDescriptor& field) {
  return field.message_type() == nullptr ||
         absl::StartsWith(field.message_type()->full_name(),
                          "google.protobuf.");
}

std::string FieldNames(const Descriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) {
    names.push_back(type.field(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<Route> RouteOf(const MethodDescriptor& method,
                              const google::api::HttpRule& rule) {
  const std::string where =
      absl::StrCat(method.full_name(), " google.api.http");
  Route route;
  route.method = &method;
  route.body = rule.body();
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET";
      route.pattern = rule.get();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST";
      route.pattern = rule.post();
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": only get and post bindings are served (docs/http.md)"));
  }
  if (method.client_streaming() || method.server_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": a streaming method is served over gRPC only"));
  }
  if (route.http_method == "GET" && !route.body.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": a get binding takes no body"));
  }
  if (!route.body.empty() && route.body != "*" &&
      FieldPath(method.input_type(), route.body).size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": body \"", route.body, "\" is no field of ",
                     method.input_type()->full_name()));
  }
  std::string pattern = route.pattern;
  if (!absl::StartsWith(pattern, "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": the path \"", pattern, "\" must start with /"));
  }
  const size_t last = pattern.rfind('/');
  if (const size_t colon = pattern.rfind(':');
      colon != std::string::npos && colon > last &&
      pattern.find('}', colon) == std::string::npos) {
    route.verb = pattern.substr(colon + 1);
    pattern.resize(colon);
  }
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(pattern).substr(1), '/')) {
    Route::Segment segment;
    if (absl::StartsWith(part, "{") && absl::EndsWith(part, "}")) {
      std::string field(part.substr(1, part.size() - 2));
      if (absl::EndsWith(field, "=*")) field.resize(field.size() - 2);
      std::vector<const FieldDescriptor*> path =
          FieldPath(method.input_type(), field);
      if (field.find('=') != std::string::npos || path.empty() ||
          path.back()->is_repeated() || !TakesText(*path.back())) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": the variable {", field,
            "} must name a single-valued field of ",
            method.input_type()->full_name(), " and match one segment"));
      }
      segment.text = field;
      segment.variable = true;
    } else if (part.empty() || absl::StrContains(part, "{") ||
               absl::StrContains(part, "*")) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": the path \"", route.pattern,
                       "\" has a segment that is not served: \"", part, "\""));
    } else {
      segment.text = std::string(part);
    }
    route.segments.push_back(std::move(segment));
  }
  return route;
}

bool Matches(const Route& route, const std::vector<std::string>& parts,
             std::vector<std::pair<std::string, std::string>>* bindings) {
  if (parts.size() != route.segments.size()) return false;
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part = parts[i];
    if (i + 1 == parts.size() && !route.verb.empty()) {
      if (!absl::EndsWith(part, ":" + route.verb)) return false;
      part.resize(part.size() - route.verb.size() - 1);
    }
    const Route::Segment& segment = route.segments[i];
    if (segment.variable) {
      if (part.empty()) return false;
      out.emplace_back(segment.text, part);
    } else if (part != segment.text) {
      return false;
    }
  }
  *bindings = std::move(out);
  return true;
}

// `value` (the text of a path variable or query parameter) as the JSON
// value protobuf's JSON mapping reads for `field`: numbers and 64-bit
// integers may be strings there, booleans may not.
absl::StatusOr<nlohmann::json> JsonValue(const FieldDescriptor& field,
                                         const std::string& name,
                                         const std::string& value) {
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
    if (value == "true") return nlohmann::json(true);
    if (value == "false") return nlohmann::json(false);
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": \"", value, "\" is not true or false"));
  }
  return nlohmann::json(value);
}

// Sets `value` at the field path `path` of the JSON object `root` (a
// repeated field gets one more element).
void SetAt(nlohmann::json& root,
           const std::vector<const FieldDescriptor*>& path,
           nlohmann::json value) {
  nlohmann::json* node = &root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    nlohmann::json& next = (*node)[path[i]->name()];
    if (!next.is_object()) next = nlohmann::json::object();
    node = &next;
  }
  nlohmann::json& leaf = (*node)[path.back()->name()];
  if (path.back()->is_repeated()) {
    if (!leaf.is_array()) leaf = nlohmann::json::array();
    leaf.push_back(std::move(value));
  } else {
    leaf = std::move(value);
  }
}

}  // namespace

absl::StatusOr<std::vector<Route>> RoutesOf(
    const google::protobuf::ServiceDescriptor& service) {
  std::vector<Route> routes;
  for (int i = 0; i < service.method_count(); ++i) {
    const MethodDescriptor& method = *service.method(i);
    if (!method.options().HasExtension(google::api::http)) continue;
    const google::api::HttpRule& rule =
        method.options().GetExtension(google::api::http);
    std::vector<const google::api::HttpRule*> rules = {&rule};
    for (const auto& more : rule.additional_bindings()) rules.push_back(&more);
    for (const google::api::HttpRule* r : rules) {
      absl::StatusOr<Route> route = RouteOf(method, *r);
      if (!route.ok()) return route.status();
      routes.push_back(*std::move(route));
    }
  }
  // A template with a verb before the same one without.
  std::stable_sort(routes.begin(), routes.end(),
                   [](const Route& a, const Route& b) {
                     return !a.verb.empty() && b.verb.empty();
                   });
  return routes;
}

absl::StatusOr<Match> FindRoute(const std::vector<Route>& routes,
                                const std::string& http_method,
                                const std::string& path) {
  if (!absl::StartsWith(path, "/")) {
    return absl::NotFoundError(absl::StrCat("no method at ", path));
  }
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(path).substr(1), '/');
  std::vector<std::string> other_methods;
  for (const Route& route : routes) {
    std::vector<std::pair<std::string, std::string>> bindings;
    if (!Matches(route, parts, &bindings)) continue;
    if (route.http_method == http_method) {
      return Match{&route, std::move(bindings)};
    }
    other_methods.push_back(route.http_method);
  }
  if (!other_methods.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(http_method, " is not served at ", path, "; use ",
                     absl::StrJoin(other_methods, " or ")));
  }
  return absl::NotFoundError(absl::StrCat("no method at ", http_method, " ",
                                          path, " (docs/http.md lists them)"));
}

std::vector<std::string> MethodsAt(const std::vector<Route>& routes,
                                   const std::string& path) {
  std::set<std::string> methods;
  if (absl::StartsWith(path, "/")) {
    std::vector<std::string> parts =
        absl::StrSplit(absl::string_view(path).substr(1), '/');
    for (const Route& route : routes) {
      std::vector<std::pair<std::string, std::string>> bindings;
      if (!Matches(route, parts, &bindings)) continue;
      methods.insert(route.http_method);
      if (route.http_method == "GET") methods.insert("HEAD");
    }
  }
  return {methods.begin(), methods.end()};
}

absl::Status BuildRequest(
    const Match& match, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& query,
    google::protobuf::Message* request) {
  const Route& route = *match.route;
  const Descriptor* type = route.method->input_type();
  nlohmann::json root = nlohmann::json::object();
  if (!body.empty()) {
    if (route.body.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          route.http_method, " ", route.pattern, " takes no request body"));
    }
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
      return absl::InvalidArgumentError("the request body is not valid JSON");
    }
    if (!parsed.is_object()) {
      return absl::InvalidArgumentError(
          "the request body must be a JSON object");
    }
    if (route.body == "*") {
      root = std::move(parsed);
    } else {
      root[FieldPath(type, route.body).front()->name()] = std::move(parsed);
    }
  }
  for (const auto& [name, value] : query) {
    std::vector<const FieldDescriptor*> path = FieldPath(type, name);
    if (path.empty() || !TakesText(*path.back())) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown query parameter \"", name,
                       "\": ", type->full_name(), " has ", FieldNames(*type)));
    }
    if (route.body == "*" ||
        (!route.body.empty() &&
         path.front()->name() == FieldPath(type, route.body)[0]->name())) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter \"", name,
                       "\": the field is set by the request body"));
    }
    absl::StatusOr<nlohmann::json> json = JsonValue(*path.back(), name, value);
    if (!json.ok()) return json.status();
    SetAt(root, path, *std::move(json));
  }
  for (const auto& [field, value] : match.bindings) {
    std::vector<const FieldDescriptor*> path = FieldPath(type, field);
    absl::StatusOr<nlohmann::json> json = JsonValue(*path.back(), field, value);
    if (!json.ok()) return json.status();
    SetAt(root, path, *std::move(json));
  }
  std::string json;
  try {
    json = root.dump();
  } catch (const nlohmann::json::exception&) {
    return absl::InvalidArgumentError("the request is not valid UTF-8");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  request->Clear();
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(json, request, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request does not fit ", type->full_name(), ": ",
                     parsed.message().ToString()));
  }
  return absl::OkStatus();
}

int HttpStatusOf(int grpc_code) {
  switch (grpc_code) {
    case 0:
      return 200;
    case 1:  // CANCELLED: the client closed the request
      return 499;
    case 3:   // INVALID_ARGUMENT
    case 9:   // FAILED_PRECONDITION
    case 11:  // OUT_OF_RANGE
      return 400;
    case 4:  // DEADLINE_EXCEEDED
      return 504;
    case 5:  // NOT_FOUND
      return 404;
    case 6:   // ALREADY_EXISTS
    case 10:  // ABORTED
      return 409;
    case 7:  // PERMISSION_DENIED
      return 403;
    case 8:  // RESOURCE_EXHAUSTED
      return 429;
    case 12:  // UNIMPLEMENTED
      return 501;
    case 14:  // UNAVAILABLE
      return 503;
    case 16:  // UNAUTHENTICATED
      return 401;
    default:  // UNKNOWN, INTERNAL, DATA_LOSS
      return 500;
  }
}

}  // namespace lov::http
