#include "python/article_transfer.h"

#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/common.h"

namespace py = pybind11;

// python3-protobuf's C++ runtime exports a C++ API to other extension
// modules: an object of a class derived from the one declared here, in the
// capsule named below (protobuf's proto_api.h, which Debian does not
// install). This declares the start of that class as every protobuf release
// from 3.12 to 27 lays it out: a destructor, then the two message-pointer
// accessors, under the class's own name (so that the object is one, for the
// compiler and for UBSan). Only the second accessor is called, and only after
// ArticleTransfer has found the running runtime to be the one this module
// was built with.
namespace google::protobuf::python {
struct PyProto_API {
  virtual ~PyProto_API() = default;
  virtual const Message* GetMessagePointer(PyObject* message) const = 0;
  // The C++ message inside a Python one nothing else refers to yet (a new
  // one); nullptr with a Python error set otherwise.
  virtual Message* GetMutableMessagePointer(PyObject* message) const = 0;
};
}  // namespace google::protobuf::python

namespace newswire {

using ::google::protobuf::python::PyProto_API;
constexpr char kProtoApiCapsule[] = "google.protobuf.pyext._message.proto_API";
#if GOOGLE_PROTOBUF_VERSION >= 3012000 && GOOGLE_PROTOBUF_VERSION < 5028000
constexpr bool kApiLayoutKnown = true;
#else
constexpr bool kApiLayoutKnown = false;
#endif

namespace {

struct Transfer {
  py::object article_class;          // newswire.v1.article_pb2.Article
  const PyProto_API* api = nullptr;  // Set when articles are shared.
};

// True when Python's protobuf is the C++ runtime of this module's own
// minor.patch release (Python's 3.21.12 or 4.21.12 is C++'s 3.21.12).
bool SameRuntime() {
  if (!kApiLayoutKnown) return false;
  try {
    const auto type = py::module_::import("google.protobuf.internal.api_implementation")
                          .attr("Type")()
                          .cast<std::string>();
    const auto version =
        py::module_::import("google.protobuf").attr("__version__").cast<std::string>();
    const std::vector<std::string> parts = absl::StrSplit(version, '.');
    int minor = -1, patch = -1;
    if (type != "cpp" || parts.size() != 3 || !absl::SimpleAtoi(parts[1], &minor) ||
        !absl::SimpleAtoi(parts[2], &patch)) {
      return false;
    }
    return minor == GOOGLE_PROTOBUF_VERSION / 1000 % 1000 &&
           patch == GOOGLE_PROTOBUF_VERSION % 1000;
  } catch (const py::error_already_set&) {
    return false;
  }
}

// The C++ Article inside a new Python Article, or nullptr when the Python
// class is not this module's compiled class.
Article* InsidePython(const PyProto_API& api, py::handle message) {
  google::protobuf::Message* inside = api.GetMutableMessagePointer(message.ptr());
  if (inside == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  if (inside->GetDescriptor() != Article::descriptor()) return nullptr;
  return dynamic_cast<Article*>(inside);
}

Transfer* MakeTransfer() {
  auto* made = new Transfer;
  made->article_class = py::module_::import("newswire.v1.article_pb2").attr("Article");
  const char* forced = std::getenv("NEWSWIRE_PYTHON_SERIALIZE_ARTICLES");
  if ((forced == nullptr || std::string_view(forced) != "1") && SameRuntime()) {
    const auto* api =
        static_cast<const PyProto_API*>(PyCapsule_Import(kProtoApiCapsule, 0));
    if (api == nullptr) {
      PyErr_Clear();
    } else if (InsidePython(*api, made->article_class()) != nullptr) {
      made->api = api;
    }
  }
  return made;
}

// Made on first use and never freed (Python objects must not be released
// by static destructors after the interpreter is gone). Guarded by the GIL,
// not by a C++ static's guard: the imports that make it can let another
// thread take the GIL, which would then wait on the guard holding the GIL.
const Transfer* transfer = nullptr;

const Transfer& GetTransfer() {
  if (transfer == nullptr) {
    const Transfer* made = MakeTransfer();
    if (transfer == nullptr) {
      transfer = made;
    } else {
      delete made;  // Another thread made one meanwhile.
    }
  }
  return *transfer;
}

}  // namespace

std::string_view ArticleTransfer() {
  return GetTransfer().api != nullptr ? "shared" : "serialized";
}

py::list ToPythonArticles(std::vector<Article>& articles) {
  const Transfer& transfer = GetTransfer();
  py::list out(articles.size());
  if (transfer.api != nullptr) {
    for (size_t i = 0; i < articles.size(); ++i) {
      py::object message = transfer.article_class();
      Article* inside = InsidePython(*transfer.api, message);
      if (inside == nullptr) throw py::type_error("newswire.v1.Article changed class");
      inside->Swap(&articles[i]);
      out[i] = std::move(message);
    }
    return out;
  }
  std::vector<std::string> serialized(articles.size());
  {
    py::gil_scoped_release release;
    for (size_t i = 0; i < articles.size(); ++i) {
      articles[i].SerializeToString(&serialized[i]);
      articles[i].Clear();
    }
  }
  const py::object parse = transfer.article_class.attr("FromString");
  for (size_t i = 0; i < serialized.size(); ++i) out[i] = parse(py::bytes(serialized[i]));
  return out;
}

}  // namespace newswire
