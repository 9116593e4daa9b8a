// The HEADLINE view of an event serialized straight from the full article.
//
// Every live event is framed in the HEADLINE view for the subscribers that
// asked for it. Building that view as a message first (HeadlineView) copies
// its text only to serialize it and throw it away; these functions write the
// same bytes from the full article, so a publish pays for one serialization
// and no copy. The result parses to exactly the event with its article
// replaced by HeadlineView(article) (tests/core/event_frame_test.cc holds
// the two together).
#ifndef NEWSWIRE_CORE_FANOUT_HEADLINE_WIRE_H_
#define NEWSWIRE_CORE_FANOUT_HEADLINE_WIRE_H_

#include <cstddef>
#include <cstdint>

#include "newswire/v1/feed.pb.h"

namespace newswire {

// The serialized sizes of `event` in the HEADLINE view, as measured for
// WriteHeadlineEvent.
struct HeadlineSize {
  size_t article = 0;  // The article's body.
  size_t event = 0;    // The whole event's body.
};

// Measures `event` in the HEADLINE view. Caches the sizes of the article's
// messages, as ByteSizeLong does; call it right before WriteHeadlineEvent,
// on the thread that owns `event`. REQUIRES: event.has_article().
HeadlineSize MeasureHeadlineEvent(const v1::FeedEvent& event);

// Writes `event` in the HEADLINE view to `out`, which has room for
// `size.event` bytes, and returns the end of what it wrote.
// REQUIRES: `size` is what MeasureHeadlineEvent(event) returned, and
// nothing changed `event` since.
uint8_t* WriteHeadlineEvent(const v1::FeedEvent& event, const HeadlineSize& size, uint8_t* out);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_FANOUT_HEADLINE_WIRE_H_
