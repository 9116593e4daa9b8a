// Parsed articles handed to Python as protoc messages.
//
// Where Python runs Debian's C++ protobuf runtime (python3-protobuf's
// "cpp" implementation, on the same libprotobuf as this module), the
// newswire.v1 Python classes are this module's compiled classes:
// newswire/__init__.py loads _core before any *_pb2 module, and a *_pb2
// module whose .proto the process already holds takes those descriptors.
// A new Python Article then takes a parsed C++ Article's contents by Swap:
// no serialize, no parse. Anywhere else (another protobuf version, the upb
// or pure-Python runtime) each article is serialized here and parsed by the
// Python class, which gives equal messages more slowly.
#ifndef NEWSWIRE_PYTHON_ARTICLE_TRANSFER_H_
#define NEWSWIRE_PYTHON_ARTICLE_TRANSFER_H_

#include <string_view>
#include <vector>

#include "core/model/article.h"
#include "pybind11/pybind11.h"

namespace newswire {

// How articles cross into Python in this process: "shared" (by Swap) or
// "serialized". Decided once, on first use; the environment variable
// NEWSWIRE_PYTHON_SERIALIZE_ARTICLES=1 forces "serialized". Needs the GIL.
std::string_view ArticleTransfer();

// `articles` as a list of newswire.v1.article_pb2.Article messages, in
// order. The C++ articles are left empty. Needs the GIL (and gives it up
// while serializing, when it must).
pybind11::list ToPythonArticles(std::vector<Article>& articles);

}  // namespace newswire

#endif  // NEWSWIRE_PYTHON_ARTICLE_TRANSFER_H_
