#include "python/events.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/strip.h"
#include "newswire/v1/feed.pb.h"

namespace py = pybind11;

namespace newswire {
namespace {

// The name of each EventKind without its prefix ("PUBLISHED"), by number:
// new references kept for the life of the process.
PyObject* KindName(int kind) {
  static const std::vector<PyObject*>* const names = [] {
    auto* made = new std::vector<PyObject*>();
    const google::protobuf::EnumDescriptor* kinds = v1::EventKind_descriptor();
    for (int i = 0; i < kinds->value_count(); ++i) {
      const google::protobuf::EnumValueDescriptor* value = kinds->value(i);
      if (value->number() < 0) continue;
      if (static_cast<size_t>(value->number()) >= made->size()) made->resize(value->number() + 1);
      (*made)[value->number()] = PyUnicode_InternFromString(
          std::string(absl::StripPrefix(value->name(), "EVENT_KIND_")).c_str());
    }
    return made;
  }();
  if (kind >= 0 && static_cast<size_t>(kind) < names->size() && (*names)[kind] != nullptr) {
    return Py_NewRef((*names)[kind]);
  }
  return PyUnicode_FromFormat("%d", kind);
}

// Owns a new reference, or throws the Python error that made it null.
py::object Steal(PyObject* object) {
  if (object == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(object);
}

// The layout EventObjects makes (newswire.client.Event reads it by index).
constexpr int kArticleItem = 5;
constexpr int kKeptItem = 6;
constexpr int kEventItems = 7;

// ArticleGetter's function. `parts` is (article_type, parse, message_slot).
PyObject* GetArticle(PyObject* parts, PyObject* event) {
  if (!PyTuple_Check(event) || PyTuple_GET_SIZE(event) != kEventItems ||
      !PyList_Check(PyTuple_GET_ITEM(event, kKeptItem))) {
    PyErr_Format(PyExc_TypeError, "expected an Event, got %s", Py_TYPE(event)->tp_name);
    return nullptr;
  }
  PyObject* kept = PyTuple_GET_ITEM(event, kKeptItem);
  if (PyList_GET_SIZE(kept) > 0) return Py_NewRef(PyList_GET_ITEM(kept, 0));
  PyObject* serialized = PyTuple_GET_ITEM(event, kArticleItem);
  py::object article = py::none();
  if (serialized != Py_None) {
    auto* type = reinterpret_cast<PyTypeObject*>(PyTuple_GET_ITEM(parts, 0));
    PyObject* message = PyObject_CallOneArg(PyTuple_GET_ITEM(parts, 1), serialized);
    if (message == nullptr) return nullptr;
    PyObject* wrapper = type->tp_alloc(type, 0);
    PyObject* slot = PyTuple_GET_ITEM(parts, 2);
    const int set = wrapper == nullptr ? -1 : Py_TYPE(slot)->tp_descr_set(slot, wrapper, message);
    Py_DECREF(message);
    if (set < 0) {
      Py_XDECREF(wrapper);
      return nullptr;
    }
    article = py::reinterpret_steal<py::object>(wrapper);
  }
  if (PyList_Append(kept, article.ptr()) < 0) return nullptr;
  return article.release().ptr();
}

PyMethodDef get_article_method = {"get_article", GetArticle, METH_O,
                                  "The event's article, parsed when first read."};

// EventIteratorType's instances.
struct EventIterator {
  PyObject_HEAD
  PyObject* fetch;  // Null once it returned None.
  PyObject* batch;  // The list being stepped through, or null.
  Py_ssize_t next;  // Index in `batch` of the next event.
};

PyObject* EventIteratorNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  PyObject* fetch = nullptr;
  static const char* keywords[] = {"fetch", nullptr};
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:EventIterator",
                                   const_cast<char**>(keywords), &fetch)) {
    return nullptr;
  }
  if (!PyCallable_Check(fetch)) {
    PyErr_SetString(PyExc_TypeError, "EventIterator: fetch must be callable");
    return nullptr;
  }
  auto* self = reinterpret_cast<EventIterator*>(type->tp_alloc(type, 0));
  if (self == nullptr) return nullptr;
  self->fetch = Py_NewRef(fetch);
  return reinterpret_cast<PyObject*>(self);
}

PyObject* EventIteratorNext(PyObject* object) {
  auto* self = reinterpret_cast<EventIterator*>(object);
  while (true) {
    if (self->batch != nullptr) {
      if (self->next < PyList_GET_SIZE(self->batch)) {
        // Takes the list's reference, leaving None in its place.
        PyObject* event = PyList_GET_ITEM(self->batch, self->next);
        PyList_SET_ITEM(self->batch, self->next, Py_NewRef(Py_None));
        ++self->next;
        return event;
      }
      Py_CLEAR(self->batch);
    }
    if (self->fetch == nullptr) return nullptr;  // Ended.
    PyObject* batch = PyObject_CallNoArgs(self->fetch);
    if (batch == nullptr) return nullptr;
    if (batch == Py_None) {
      Py_DECREF(batch);
      Py_CLEAR(self->fetch);
      return nullptr;
    }
    if (!PyList_Check(batch)) {
      PyErr_Format(PyExc_TypeError, "EventIterator: fetch returned %s, not a list or None",
                   Py_TYPE(batch)->tp_name);
      Py_DECREF(batch);
      return nullptr;
    }
    self->batch = batch;
    self->next = 0;
  }
}

int EventIteratorTraverse(PyObject* object, visitproc visit, void* arg) {
  auto* self = reinterpret_cast<EventIterator*>(object);
  Py_VISIT(self->fetch);
  Py_VISIT(self->batch);
  Py_VISIT(Py_TYPE(object));  // A heap type.
  return 0;
}

int EventIteratorClear(PyObject* object) {
  auto* self = reinterpret_cast<EventIterator*>(object);
  Py_CLEAR(self->fetch);
  Py_CLEAR(self->batch);
  return 0;
}

void EventIteratorDealloc(PyObject* object) {
  PyTypeObject* type = Py_TYPE(object);
  PyObject_GC_UnTrack(object);
  EventIteratorClear(object);
  type->tp_free(object);
  Py_DECREF(type);
}

PyType_Slot event_iterator_slots[] = {
    {Py_tp_doc, const_cast<char*>(
                    "EventIterator(fetch): the events of the batches fetch() returns "
                    "(lists, emptied as they are read; None ends it), one by one.")},
    {Py_tp_new, reinterpret_cast<void*>(EventIteratorNew)},
    {Py_tp_iter, reinterpret_cast<void*>(PyObject_SelfIter)},
    {Py_tp_iternext, reinterpret_cast<void*>(EventIteratorNext)},
    {Py_tp_traverse, reinterpret_cast<void*>(EventIteratorTraverse)},
    {Py_tp_clear, reinterpret_cast<void*>(EventIteratorClear)},
    {Py_tp_dealloc, reinterpret_cast<void*>(EventIteratorDealloc)},
    {0, nullptr},
};

PyType_Spec event_iterator_spec = {
    "newswire._core.EventIterator", sizeof(EventIterator), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, event_iterator_slots};

}  // namespace

absl::StatusOr<EventBatch> ReadEventBatch(EventStream& stream, absl::Duration timeout,
                                          size_t max_events) {
  absl::StatusOr<std::vector<EventStream::Received>> received =
      stream.NextReceivedBatch(timeout, max_events);
  if (!received.ok()) return received.status();
  EventBatch batch{*std::move(received), {}};
  batch.fields.resize(batch.received.size());
  for (size_t i = 0; i < batch.received.size(); ++i) {
    if (!ReadFeedEventFields(batch.received[i].bytes, batch.fields[i])) {
      return absl::InternalError("malformed FeedEvent from the server");
    }
  }
  return batch;
}

py::list EventObjects(const EventBatch& batch, py::handle event_type) {
  auto* type = reinterpret_cast<PyTypeObject*>(event_type.ptr());
  if (!PyType_Check(event_type.ptr()) || !PyType_IsSubtype(type, &PyTuple_Type)) {
    throw py::type_error("event_type must be a tuple subclass");
  }
  py::list out(batch.fields.size());
  for (size_t i = 0; i < batch.fields.size(); ++i) {
    const FeedEventFields& f = batch.fields[i];
    PyObject* items[kEventItems] = {
        PyLong_FromUnsignedLongLong(f.sequence),
        KindName(f.kind),
        PyLong_FromUnsignedLongLong(f.head_sequence),
        f.has_published_at ? PyLong_FromLongLong(f.published_seconds) : Py_NewRef(Py_None),
        PyLong_FromLong(f.published_nanos),
        f.article.data() != nullptr
            ? PyBytes_FromStringAndSize(f.article.data(), static_cast<Py_ssize_t>(f.article.size()))
            : Py_NewRef(Py_None),
        PyList_New(0),
    };
    py::object event = Steal(type->tp_alloc(type, kEventItems));
    for (int k = 0; k < kEventItems; ++k) {
      if (items[k] == nullptr) {
        for (PyObject* item : items) Py_XDECREF(item);
        throw py::error_already_set();
      }
      PyTuple_SET_ITEM(event.ptr(), k, items[k]);  // Steals the reference.
    }
    out[i] = std::move(event);
  }
  return out;
}

py::object ArticleGetter(py::handle article_type, py::handle parse, py::handle message_slot) {
  if (!PyType_Check(article_type.ptr())) throw py::type_error("article_type must be a class");
  if (!PyCallable_Check(parse.ptr())) throw py::type_error("parse must be callable");
  if (Py_TYPE(message_slot.ptr())->tp_descr_set == nullptr) {
    throw py::type_error("message_slot must be a settable descriptor");
  }
  py::tuple parts = py::make_tuple(article_type, parse, message_slot);
  return Steal(PyCFunction_New(&get_article_method, parts.ptr()));
}

py::object EventIteratorType() { return Steal(PyType_FromSpec(&event_iterator_spec)); }

}  // namespace newswire
