#ifndef LOV_CONSOLE_API_DASHBOARD_PAGE_H_
#define LOV_CONSOLE_API_DASHBOARD_PAGE_H_

namespace lov::console {

// The single-page dashboard (HTML, CSS and vanilla JavaScript, no network
// but its own /api/dashboard), compiled in from api/dashboard_page.html.
const char* DashboardPage();

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_DASHBOARD_PAGE_H_
