#ifndef LOV_TOOLS_SIMULATOR_PAGES_H_
#define LOV_TOOLS_SIMULATOR_PAGES_H_

// Every list call pages (page_size at most 500, next_page_token); the
// simulator reads every page, so a long list is never cut at the first.

#include <grpcpp/grpcpp.h>

namespace lov::sim {

// Calls `call(request, &page)` for each page and merges the pages into
// `all` (repeated fields appended, the rest as the last page says).
template <typename Request, typename Response, typename Call>
grpc::Status AllPages(Request request, Response* all, Call call) {
  all->Clear();
  request.set_page_size(500);
  do {
    Response page;
    if (grpc::Status s = call(request, &page); !s.ok()) return s;
    all->MergeFrom(page);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return grpc::Status::OK;
}

}  // namespace lov::sim

#endif  // LOV_TOOLS_SIMULATOR_PAGES_H_
