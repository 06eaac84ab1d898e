#include "lov/console/api/dashboard_http.h"

#include "lov/console/api/dashboard_page.h"

namespace lov::console {

http::Handler DashboardHandler(const ConsoleApp* app) {
  return [app](const http::Request& request) {
    http::Response response;
    if (request.path == "/" || request.path == "/index.html") {
      response.content_type = "text/html; charset=utf-8";
      response.body = DashboardPage();
    } else if (request.path == "/api/dashboard") {
      response.content_type = "application/json; charset=utf-8";
      // Replace, not throw, should an event carry bad UTF-8.
      response.body = app->Snapshot().dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else if (request.path == "/healthz") {
      response.body = "ok\n";
    } else {
      response.status = 404;
      response.body = "not found; the dashboard is at /\n";
    }
    return response;
  };
}

}  // namespace lov::console
