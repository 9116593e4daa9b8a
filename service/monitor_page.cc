#include "service/monitor_page.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/model/sha256.h"
#include "service/http_auth.h"

namespace newswire {

std::vector<HttpRoute> MonitorRoutes(Gate& gate) {
  GuardedHandler serve = [](const HttpRequest& request, const Caller&) {
    static const std::string* const kEtag =
        new std::string(absl::StrCat("\"", Sha256Hex(MonitorPage(), 16), "\""));
    HttpResponse response;
    response.headers = {
        {"Content-Type", "text/html; charset=utf-8"},
        {"Cache-Control", "no-cache"},
        {"ETag", *kEtag},
        // Only what the page itself holds and this server answers.
        {"Content-Security-Policy",
         "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
         "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
         "frame-ancestors 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"}};
    if (request.Header("if-none-match") == *kEtag) {
      response.status = 304;
      return response;
    }
    response.body = std::string(MonitorPage());
    return response;
  };
  return {{"GET", "/", Guarded(gate, "GET /", Action::kSubscribe, serve)},
          {"GET", "/monitor", Guarded(gate, "GET /monitor", Action::kSubscribe, serve)}};
}

}  // namespace newswire
