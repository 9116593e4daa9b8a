#include "service/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace newswire {
namespace {

// curl_global_init is not safe beside other threads using curl: run once,
// before the first request.
void InitCurlOnce() {
  static const bool initialized = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)initialized;
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct BodySink {
  std::string* body;
  size_t limit;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  BodySink* sink = static_cast<BodySink*>(user);
  const size_t bytes = size * count;
  if (sink->body->size() < sink->limit) {
    sink->body->append(data, std::min(bytes, sink->limit - sink->body->size()));
  }
  return bytes;
}

// Non-zero aborts the transfer.
int CheckCancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel != nullptr && cancel->load() ? 1 : 0;
}

}  // namespace

absl::StatusOr<IncomingResponse> SendHttpRequest(const OutgoingRequest& request) {
  InitCurlOnce();
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (easy == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  CURL* e = easy.get();
  IncomingResponse response;
  BodySink sink{&response.body, request.max_response_bytes};

  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  // Threads of their own: no SIGALRM for name-resolution timeouts.
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(request.timeout)));
  curl_easy_setopt(e, CURLOPT_USERAGENT, "newswire-websub");
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &CheckCancel);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, request.cancel);
  if (request.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  // No "Expect: 100-continue" round trip before a POST body.
  std::vector<std::string> lines = {"Expect:"};
  for (const auto& [name, value] : request.headers) {
    lines.push_back(absl::StrCat(name, ": ", value));
  }
  std::unique_ptr<curl_slist, HeaderListDeleter> headers;
  for (const std::string& line : lines) {
    curl_slist* longer = curl_slist_append(headers.get(), line.c_str());
    if (longer == nullptr)
      return absl::ResourceExhaustedError("curl_slist_append failed");
    (void)headers.release();
    headers.reset(longer);
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode code = curl_easy_perform(e);
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return absl::CancelledError(
        absl::StrCat(request.method, " ", request.url, ": cancelled"));
  }
  if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
    return absl::InvalidArgumentError(
        absl::StrCat(request.url, ": ", curl_easy_strerror(code)));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat(request.method, " ", request.url, ": ", curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace newswire
