#ifndef LOV_CONSOLE_API_DASHBOARD_HTTP_H_
#define LOV_CONSOLE_API_DASHBOARD_HTTP_H_

#include "lov/console/app/console_app.h"
#include "lov/platform/http_server.h"

namespace lov::console {

// GET /               the dashboard page (polls /api/dashboard every 2 s)
// GET /api/dashboard  the snapshot as JSON
// GET /healthz        the process answers
http::Handler DashboardHandler(const ConsoleApp* app);

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_DASHBOARD_HTTP_H_
