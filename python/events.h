// Subscribe events as Python objects (newswire.client.Event), made in C:
// an event costs Python no call until it is used, and its article is
// parsed only when first read.
#ifndef NEWSWIRE_PYTHON_EVENTS_H_
#define NEWSWIRE_PYTHON_EVENTS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/fanout/event_frame.h"
#include "pybind11/pybind11.h"
#include "service/client.h"

namespace newswire {

// Events read from a stream, ready to become Python objects.
struct EventBatch {
  std::vector<EventStream::Received> received;
  std::vector<FeedEventFields> fields;  // Point into `received`.
};

// Reads `max_events` events, or fewer that came within `timeout`, and
// their fields. Needs no GIL.
absl::StatusOr<EventBatch> ReadEventBatch(EventStream& stream, absl::Duration timeout,
                                          size_t max_events);

// Each event as an instance of `event_type`, a tuple subclass: (sequence,
// kind name, head_sequence, published_at seconds or None, its nanos, the
// serialized article or None, an empty list the parsed article is kept in
// once read). Needs the GIL.
pybind11::list EventObjects(const EventBatch& batch, pybind11::handle event_type);

// A C function of one event for Event.article: returns the article kept in
// the event's last item, or else parses the serialized one with `parse`
// (bytes -> message), wraps the message in a new `article_type` without
// calling its __init__ (setting it through `message_slot`, the slot's
// member descriptor), keeps it and returns it; None when the event has no
// article.
pybind11::object ArticleGetter(pybind11::handle article_type, pybind11::handle parse,
                               pybind11::handle message_slot);

// The type EventIterator(fetch): an iterator over the events of the
// batches `fetch()` returns (each a list, which the iterator empties as it
// goes; None ends the iteration), one by one, in C. It lets go of each event
// as it returns it, so events a caller dropped are freed at once rather
// than with their batch. An exception from fetch() propagates; the next
// call fetches again. Clearing the current batch list (from Python) makes
// the iterator fetch the next one.
pybind11::object EventIteratorType();

}  // namespace newswire

#endif  // NEWSWIRE_PYTHON_EVENTS_H_
