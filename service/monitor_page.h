// The wire monitor, GET / on the HTTP edge: one page (service/monitor/
// index.html, compiled in) that shows headlines arriving live over
// GET /v1/stream, newest first, with dateline, source and urgency; marks
// updates and strikes killed headlines through with the kill's summary as
// the reason; a filter box (the feeds' query parameters), a search box
// (GET /v1/search) and a pause button. It loads nothing from elsewhere.
#ifndef NEWSWIRE_SERVICE_MONITOR_PAGE_H_
#define NEWSWIRE_SERVICE_MONITOR_PAGE_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "core/policy/gate.h"
#include "service/http_router.h"

namespace newswire {

// The page's HTML.
absl::string_view MonitorPage();

// GET / (the page; also /monitor), with the subscribe scope: where keys
// are required, a browser asks for one (Basic) and then sends it with the
// page's own requests.
std::vector<HttpRoute> MonitorRoutes(Gate& gate);

}  // namespace newswire

#endif  // NEWSWIRE_SERVICE_MONITOR_PAGE_H_
