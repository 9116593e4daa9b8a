// One pass of `newswire ingest` over a drop folder: parse each new or
// changed file, publish its articles, record it done.
#ifndef NEWSWIRE_CORE_PUBLISH_INGEST_PASS_H_
#define NEWSWIRE_CORE_PUBLISH_INGEST_PASS_H_

#include <cstddef>
#include <ostream>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "core/publish/drop_folder.h"
#include "core/publish/wire.h"

namespace newswire {

struct IngestTally {
  size_t files = 0;       // Files ingested (all their articles acknowledged).
  size_t published = 0;   // New articles or versions.
  size_t duplicates = 0;  // Articles the server had already.
  size_t rejected = 0;    // Files moved to rejected/.
  // The pass stopped because the server could not be reached; the file it
  // was on, and those after it, are taken again by the next pass.
  bool unavailable = false;
};

using PublishFn = absl::FunctionRef<absl::StatusOr<PublishResult>(const Article&)>;

// Takes the folder's ready files (DropFolder::Take with `settled`), parses
// each (ParseFeed; a file over kMaxFeedBytes is refused), publishes its
// articles in order through `publish`, and marks the file done once every
// article is acknowledged, published or duplicate. Articles without a
// version are published as version 0, so a file dropped again, or a pass
// repeated after a crash, gives duplicates, not copies.
//
// A file that is not a feed, or with an article the server refuses
// (INVALID_ARGUMENT, FAILED_PRECONDITION, ...), is rejected: moved aside
// with the reasons (DropFolder::Reject); its other articles stay published.
// UNAVAILABLE or DEADLINE_EXCEEDED from `publish` ends the pass with
// `unavailable` set and the file still pending. One line per file goes to
// `out`, parse notes and refusals to `err`. Returns the folder's own
// errors (the record cannot be written).
absl::StatusOr<IngestTally> IngestPass(DropFolder& folder, bool settled, PublishFn publish,
                                       std::ostream& out, std::ostream& err);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_PUBLISH_INGEST_PASS_H_
