#ifndef LOV_TOOLS_LOVCTL_PAGES_H_
#define LOV_TOOLS_LOVCTL_PAGES_H_

// Every list call pages (page_size at most 500, next_page_token); lovctl
// follows the pages and prints them as one list, so nothing past the first
// page is silently left out.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "cli.h"

namespace lov::cli {

// The largest page a list call gives.
inline constexpr int kListPageSize = 500;

// Calls `rpc(context, request, &page)` for each page and merges the pages
// into `all` (repeated fields appended, the rest as the last page says).
template <typename Request, typename Response, typename Rpc>
absl::Status AllPages(Context& ctx, Request request, Rpc rpc,
                      const std::string& what, Response* all) {
  request.set_page_size(kListPageSize);
  do {
    Response page;
    std::unique_ptr<grpc::ClientContext> c = ctx.Call();
    if (absl::Status s = FromGrpc(rpc(c.get(), request, &page), what);
        !s.ok()) {
      return s;
    }
    all->MergeFrom(page);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_PAGES_H_
