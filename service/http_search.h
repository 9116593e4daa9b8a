// The archive's search over HTTP, for the wire monitor and scripts:
//
//   GET /v1/search?q=QUERY&FILTER[&order=relevance|newest][&limit=N]
//                 [&page=TOKEN][&view=headline|full]
//
// answers application/json: the SearchArticlesResponse in the proto3
// JSON mapping (hits with article, score and snippet; next_page_token),
// as `newswire search --json` prints it. q and the filter parameters are
// those of the feeds (core/search/filter_query.h); limit is 1 to 100 (default
// 20). A bad parameter is 400 naming it.
#ifndef NEWSWIRE_SERVICE_HTTP_SEARCH_H_
#define NEWSWIRE_SERVICE_HTTP_SEARCH_H_

#include <vector>

#include "core/policy/gate.h"
#include "core/store/store.h"
#include "service/http_router.h"
#include "service/server_metrics.h"

namespace newswire {

// The route above over `store`, with the search scope and within the
// key's entitlements (service/http_auth.h), counted in `metrics`. All
// three must outlive the route.
std::vector<HttpRoute> SearchRoutes(const Store& store, Gate& gate, ServerMetrics& metrics);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_HTTP_SEARCH_H_
