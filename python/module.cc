// newswire._core: the C++ core for Python. A thin, typed skin: messages
// cross the boundary as serialized bytes (the pure-Python layer wraps them
// in protoc-generated classes), except parsed articles, which come as those
// classes' messages (python/article_transfer.h); errors as newswire.Error
// subclasses; and every call that blocks releases the GIL.
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "core/store/archive_reader.h"
#include "core/search/filter_query.h"
#include "core/ingest/feed.h"
#include "core/ingest/text.h"
#include "core/syndicate/ninjs_writer.h"
#include "pybind11/pybind11.h"
#include "pybind11/stl.h"
#include "python/article_transfer.h"
#include "python/events.h"
#include "service/cli.h"
#include "service/client.h"
#include "service/server.h"
#include "service/version.h"

namespace py = pybind11;

namespace newswire {
namespace {

// Carries a non-OK absl::Status to the exception translator.
class StatusError : public std::exception {
 public:
  explicit StatusError(absl::Status status) : status_(std::move(status)) {}
  const char* what() const noexcept override { return "newswire status error"; }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T ValueOrThrow(absl::StatusOr<T> value) {
  ThrowIfError(value.status());
  return *std::move(value);
}

template <typename Message>
Message ParseOrThrow(const std::string& bytes, const char* what) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    throw StatusError(absl::InvalidArgumentError(
        std::string(what) + ": bytes are not a serialized " + what));
  }
  return message;
}

py::object ParseTextMessage(const std::string& text) {  // UTF-8 bytes.
  absl::StatusOr<Article> parsed;
  {
    py::gil_scoped_release release;
    parsed = ParseText(text);
  }
  std::vector<Article> article;
  article.push_back(ValueOrThrow(std::move(parsed)));
  return ToPythonArticles(article)[0];
}

// A parsed feed as a tuple the Python Feed class unpacks: (format, version,
// encoding, title, link, description, language, well_formed, notes,
// skipped_items, [newswire.v1.article_pb2.Article, ...]). Parsing runs
// without the GIL.
py::tuple ParseFeedTuple(std::string_view bytes, const std::string& base_url,
                         const std::string& charset) {
  absl::StatusOr<Feed> parsed;
  {
    py::gil_scoped_release release;
    parsed = ParseFeed(absl::string_view(bytes.data(), bytes.size()),
                       FeedOptions{.base_url = base_url, .charset = charset});
  }
  Feed feed = ValueOrThrow(std::move(parsed));
  py::list articles = ToPythonArticles(feed.articles);
  return py::make_tuple(std::string(FeedFormatName(feed.format)), feed.version, feed.encoding,
                        feed.title, feed.link, feed.description, feed.language,
                        feed.well_formed, feed.notes, feed.skipped_items, articles);
}

}  // namespace
}  // namespace newswire

PYBIND11_MODULE(_core, m) {
  namespace nw = ::newswire;
  m.doc() = "newswire C++ core (use the `newswire` package, not this module)";
  m.attr("__version__") = std::string(nw::NewswireVersion());

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const nw::StatusError& e) {
      py::object error = py::module_::import("newswire._errors")
                             .attr("error_from_status")(
                                 static_cast<int>(e.status().code()),
                                 std::string(e.status().message()));
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    }
  });

  m.def("parse_text", &nw::ParseTextMessage, py::arg("text"),
        "Parses a plain-text article (UTF-8 bytes); returns a newswire.v1.Article message.");
  m.def(
      "protobuf_version",
      [] { return google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION); },
      "The protobuf release the module was built with, e.g. \"3.21.12\".");
  m.def(
      "article_transfer", [] { return std::string(nw::ArticleTransfer()); },
      "How parsed articles reach Python here: \"shared\" (the C++ message itself) or "
      "\"serialized\" (through bytes).");

  m.def(
      "article_to_ninjs",
      [](const std::string& data) {
        return nw::WriteNinjsObject(nw::ParseOrThrow<nw::Article>(data, "newswire.v1.Article"));
      },
      py::arg("article"),
      "A serialized newswire.v1.Article as one IPTC ninjs 2.1 object (JSON text).");

  m.def("parse_feed", &nw::ParseFeedTuple, py::arg("data"), py::arg("base_url") = "",
        py::arg("charset") = "",
        "Parses a feed in any format newswire reads; returns the tuple "
        "newswire.feed.Feed unpacks.");

  m.def(
      "parse_filter_query",
      [](const std::string& query) {
        return py::bytes(nw::ValueOrThrow(nw::ParseFilterQuery(query)).SerializeAsString());
      },
      py::arg("query"),
      "Parses a filter written as query parameters (place=Kyiv&lang=en); returns a "
      "serialized newswire.v1.Filter.");
  m.def(
      "filter_query_string",
      [](const std::string& filter_bytes) {
        return nw::FilterQueryString(
            nw::ParseOrThrow<nw::v1::Filter>(filter_bytes, "newswire.v1.Filter"));
      },
      py::arg("filter"), "A serialized newswire.v1.Filter as query parameters.");

  m.def(
      "run_cli",
      [](const std::vector<std::string>& args) {
        py::gil_scoped_release release;
        return nw::RunCli(args, std::cout, std::cerr);
      },
      py::arg("args"), "Runs the newswire command line; returns its exit code.");

  py::class_<nw::Server>(m, "Server", "An in-process newswire server.")
      .def(py::init([](const std::string& listen, const std::string& data_dir,
                       const std::string& tls_cert, const std::string& tls_key,
                       const std::string& client_ca, bool require_client_cert,
                       double tls_refresh, bool insecure, const std::string& keys_file) {
             nw::ServerOptions options;
             options.listen = listen;
             options.data_dir = data_dir;
             options.tls.cert_file = tls_cert;
             options.tls.key_file = tls_key;
             options.tls.client_ca_file = client_ca;
             options.tls.require_client_cert = require_client_cert;
             options.tls.refresh = absl::Seconds(tls_refresh);
             options.insecure = insecure;
             options.keys_file = keys_file;
             py::gil_scoped_release release;
             return nw::ValueOrThrow(nw::Server::Start(options));
           }),
           py::arg("listen") = "127.0.0.1:0", py::arg("data_dir") = "",
           py::arg("tls_cert") = "", py::arg("tls_key") = "", py::arg("client_ca") = "",
           py::arg("require_client_cert") = false, py::arg("tls_refresh") = 2.0,
           py::arg("insecure") = false, py::arg("keys_file") = "",
           "Starts serving on `listen` (HOST:PORT; port 0 picks a free port), "
           "on the archive in `data_dir`, or in memory when it is empty; TLS "
           "with `tls_cert` and `tls_key`.")
      .def(
          "create_key",
          [](nw::Server& server, const std::string& request_bytes) {
            const auto request = nw::ParseOrThrow<nw::v1::CreateKeyRequest>(
                request_bytes, "newswire.v1.CreateKeyRequest");
            absl::StatusOr<nw::v1::CreateKeyResponse> created;
            {
              py::gil_scoped_release release;
              created = server.keys().Create(request, absl::Now());
            }
            return py::bytes(nw::ValueOrThrow(std::move(created)).SerializeAsString());
          },
          py::arg("request"),
          "Creates an API key in process (no admin key needed); takes a serialized "
          "CreateKeyRequest, returns a serialized CreateKeyResponse.")
      .def(
          "revoke_key",
          [](nw::Server& server, const std::string& id) {
            absl::StatusOr<nw::v1::ApiKey> revoked;
            {
              py::gil_scoped_release release;
              revoked = server.keys().Revoke(id, absl::Now());
            }
            return py::bytes(nw::ValueOrThrow(std::move(revoked)).SerializeAsString());
          },
          py::arg("id"), "Revokes an API key in process; returns the serialized ApiKey.")
      .def_property_readonly("address", &nw::Server::address,
                             "HOST:PORT for a client.")
      .def_property_readonly("port", &nw::Server::port, "The bound port.")
      .def(
          "shutdown",
          [](nw::Server& server, double grace_seconds) {
            server.Shutdown(absl::Seconds(grace_seconds));
          },
          py::arg("grace_seconds") = 5.0, py::call_guard<py::gil_scoped_release>(),
          "Ends open streams with UNAVAILABLE and stops serving. Idempotent.");

  py::class_<nw::ArchiveReader>(m, "Archive", "Read-only access to an archive.")
      .def(py::init([](const std::string& data_dir) {
             py::gil_scoped_release release;
             return nw::ValueOrThrow(nw::ArchiveReader::Open(data_dir));
           }),
           py::arg("data_dir"), "Opens the archive in a server's data directory.")
      .def(
          "get",
          [](nw::ArchiveReader& archive, const std::string& id, uint32_t version) {
            absl::StatusOr<nw::StoredArticle> stored;
            {
              py::gil_scoped_release release;
              stored = archive.GetArticle(id, version);
            }
            nw::StoredArticle found = nw::ValueOrThrow(std::move(stored));
            nw::v1::GetArticleResponse response;
            *response.mutable_article() = std::move(found.article);
            response.set_sequence(found.sequence);
            return py::bytes(response.SerializeAsString());
          },
          py::arg("id"), py::arg("version") = 0, "Returns a serialized GetArticleResponse.")
      .def(
          "read_after",
          [](nw::ArchiveReader& archive, uint64_t after, size_t max_events) {
            absl::StatusOr<std::vector<nw::v1::FeedEvent>> events;
            {
              py::gil_scoped_release release;
              events = archive.ReadAfter(after, max_events);
            }
            py::list out;
            for (const auto& event : nw::ValueOrThrow(std::move(events))) {
              out.append(py::bytes(event.SerializeAsString()));
            }
            return out;
          },
          py::arg("after"), py::arg("max_events"),
          "Returns serialized FeedEvents with sequence > after.")
      .def(
          "search",
          [](nw::ArchiveReader& archive, const std::string& request_bytes) {
            const auto request = nw::ParseOrThrow<nw::v1::SearchArticlesRequest>(
                request_bytes, "newswire.v1.SearchArticlesRequest");
            absl::StatusOr<nw::v1::SearchArticlesResponse> found;
            {
              py::gil_scoped_release release;
              found = archive.Search(request);
            }
            return py::bytes(nw::ValueOrThrow(std::move(found)).SerializeAsString());
          },
          py::arg("request"), "Returns a serialized SearchArticlesResponse.")
      .def(
          "head_sequence",
          [](nw::ArchiveReader& archive) {
            return nw::ValueOrThrow(archive.HeadSequence());
          },
          py::call_guard<py::gil_scoped_release>(), "The newest event's sequence.");

  m.add_object("EventIterator", nw::EventIteratorType());
  m.def("article_getter", &nw::ArticleGetter, py::arg("article_type"), py::arg("parse"),
        py::arg("message_slot"),
        "A C function of one event for Event.article: the article kept in the "
        "event, or else its serialized article parsed with parse, wrapped in a "
        "new article_type (set through message_slot, without __init__) and kept.");

  py::class_<nw::EventStream>(m, "EventStream", "A live Subscribe stream.")
      .def(
          "next_events",
          [](nw::EventStream& stream, double timeout_seconds, size_t max_events,
             py::handle event_type) {
            absl::StatusOr<nw::EventBatch> batch;
            {
              py::gil_scoped_release release;
              batch = nw::ReadEventBatch(stream, absl::Seconds(timeout_seconds), max_events);
            }
            return nw::EventObjects(nw::ValueOrThrow(std::move(batch)), event_type);
          },
          py::arg("timeout_seconds"), py::arg("max_events"), py::arg("event_type"),
          "Waits for the next event; returns it and every event already arrived "
          "(up to max_events), each as an event_type (a tuple subclass) of "
          "(sequence, kind name, head_sequence, published_at seconds or None, "
          "nanos, serialized Article or None, []); empty if none came in time. "
          "Raises when the stream has ended.")
      .def(
          "wait_ready",
          [](nw::EventStream& stream, double timeout_seconds) {
            return stream.WaitReady(absl::Seconds(timeout_seconds));
          },
          py::arg("timeout_seconds"), py::call_guard<py::gil_scoped_release>(),
          "Waits until next_events would return at once (an event is there, or "
          "the stream ended); False if that did not happen in time.")
      .def("cancel", &nw::EventStream::Cancel,
           py::call_guard<py::gil_scoped_release>(), "Ends the stream.");

  py::class_<nw::Client>(m, "Client", "A client of a newswire server.")
      .def(py::init([](const std::string& target, const std::string& key,
                       const std::string& tls_ca, const std::string& tls_cert,
                       const std::string& tls_key, const std::string& tls_server_name) {
             nw::ClientOptions options;
             options.key = key;
             options.tls.ca_file = tls_ca;
             options.tls.cert_file = tls_cert;
             options.tls.key_file = tls_key;
             options.tls.server_name = tls_server_name;
             return nw::ValueOrThrow(nw::Client::Open(target, options));
           }),
           py::arg("target"), py::arg("key") = "", py::arg("tls_ca") = "",
           py::arg("tls_cert") = "", py::arg("tls_key") = "", py::arg("tls_server_name") = "",
           "Connects lazily to `target`, sending `key` with every call, over TLS "
           "when a CA or client certificate is given.")
      .def_property_readonly("target", &nw::Client::target)
      .def(
          "publish",
          [](nw::Client& client, const std::string& article_bytes, double timeout) {
            const auto article =
                nw::ParseOrThrow<nw::Article>(article_bytes, "newswire.v1.Article");
            absl::StatusOr<nw::PublishResult> result;
            {
              py::gil_scoped_release release;
              result = client.Publish(article, absl::Seconds(timeout));
            }
            nw::PublishResult r = nw::ValueOrThrow(std::move(result));
            return std::make_tuple(r.id, r.version, r.sequence, r.duplicate, r.held);
          },
          py::arg("article"), py::arg("timeout") = 30.0,
          "Publishes a serialized Article; returns (id, version, sequence, duplicate, held).")
      .def(
          "get",
          [](nw::Client& client, const std::string& id, uint32_t version, int view,
             double timeout) {
            absl::StatusOr<nw::v1::GetArticleResponse> got;
            {
              py::gil_scoped_release release;
              got = client.Get(id, version, static_cast<nw::v1::ArticleView>(view),
                               absl::Seconds(timeout));
            }
            return py::bytes(nw::ValueOrThrow(std::move(got)).SerializeAsString());
          },
          py::arg("id"), py::arg("version") = 0, py::arg("view") = 2, py::arg("timeout") = 30.0,
          "Returns a serialized GetArticleResponse.")
      .def(
          "search",
          [](nw::Client& client, const std::string& request_bytes, double timeout) {
            const auto request = nw::ParseOrThrow<nw::v1::SearchArticlesRequest>(
                request_bytes, "newswire.v1.SearchArticlesRequest");
            absl::StatusOr<nw::v1::SearchArticlesResponse> found;
            {
              py::gil_scoped_release release;
              found = client.Search(request, absl::Seconds(timeout));
            }
            return py::bytes(nw::ValueOrThrow(std::move(found)).SerializeAsString());
          },
          py::arg("request"), py::arg("timeout") = 30.0,
          "Runs a serialized SearchArticlesRequest; returns a serialized "
          "SearchArticlesResponse.")
      .def(
          "subscribe",
          [](nw::Client& client, const std::string& request_bytes) {
            const auto request = nw::ParseOrThrow<nw::v1::SubscribeRequest>(
                request_bytes, "newswire.v1.SubscribeRequest");
            py::gil_scoped_release release;
            return client.Subscribe(request);
          },
          py::arg("request"),
          // The stream uses the client's channel: keep the client alive.
          py::keep_alive<0, 1>(), "Opens a stream for a serialized SubscribeRequest.")
      .def(
          "call",
          [](nw::Client& client, const std::string& method, const std::string& request_bytes,
             double timeout) -> py::bytes {
            const absl::Duration deadline = absl::Seconds(timeout);
            // Each method: its request parsed here (with the GIL, so a bad
            // one raises), then the call without it.
            std::function<absl::StatusOr<std::string>()> run;
            auto serialized = [](auto result) -> absl::StatusOr<std::string> {
              if (!result.ok()) return result.status();
              return result->SerializeAsString();
            };
            if (method == "GetEntitlements") {
              run = [&] { return serialized(client.GetEntitlements(deadline)); };
            } else if (method == "ListKeys") {
              run = [&] { return serialized(client.ListKeys(deadline)); };
            } else if (method == "CreateKey") {
              auto request = nw::ParseOrThrow<nw::v1::CreateKeyRequest>(
                  request_bytes, "newswire.v1.CreateKeyRequest");
              run = [&, request] { return serialized(client.CreateKey(request, deadline)); };
            } else if (method == "RevokeKey") {
              auto request = nw::ParseOrThrow<nw::v1::RevokeKeyRequest>(
                  request_bytes, "newswire.v1.RevokeKeyRequest");
              run = [&, request] { return serialized(client.RevokeKey(request.id(), deadline)); };
            } else if (method == "RotateKey") {
              auto request = nw::ParseOrThrow<nw::v1::RotateKeyRequest>(
                  request_bytes, "newswire.v1.RotateKeyRequest");
              run = [&, request] { return serialized(client.RotateKey(request, deadline)); };
            } else if (method == "ReadAudit") {
              auto request = nw::ParseOrThrow<nw::v1::ReadAuditRequest>(
                  request_bytes, "newswire.v1.ReadAuditRequest");
              run = [&, request] { return serialized(client.ReadAudit(request, deadline)); };
            } else {
              nw::ThrowIfError(absl::InvalidArgumentError("no such method: " + method));
            }
            absl::StatusOr<std::string> answer;
            {
              py::gil_scoped_release release;
              answer = run();
            }
            return py::bytes(nw::ValueOrThrow(std::move(answer)));
          },
          py::arg("method"), py::arg("request"), py::arg("timeout") = 30.0,
          "Calls an Account or Admin method (GetEntitlements, CreateKey, ListKeys, "
          "RevokeKey, RotateKey, ReadAudit) with a serialized request; returns the "
          "serialized response.");
}
