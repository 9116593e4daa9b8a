// The archive's index of stories for Store::FindSameStory: columns of
// current_articles (canonical URL, fingerprint, SimHash, near-duplicate
// mark, written by IndexCurrentVersion) and indexes on them, the SimHash by
// its 16-bit blocks.
#ifndef NEWSWIRE_CORE_STORE_SQLITE_STORIES_H_
#define NEWSWIRE_CORE_STORE_SQLITE_STORIES_H_

#include <optional>

#include "absl/status/statusor.h"
#include "core/base/sqlite.h"
#include "core/store/store.h"

namespace newswire {

// Schema step: the columns and indexes.
extern const char kStoryIndexSchema[];
// Schema step: the SimHash block indexes again, each also holding the whole
// SimHash, so a lookup measures a candidate's distance from the index alone
// and reads the table only for candidates within kNearDuplicateBits.
extern const char kStoryIndexCoveringSchema[];

// Registers the SQL function the lookups call on `db` (nw_hamming(a, b): the
// number of bits in which two integers differ). Every connection that runs
// FindSameStoryIn needs it; the archive's schema does not use it, so other
// SQLite tools still read the file.
absl::Status RegisterStoryFunctions(SqliteConnection& db);

// Fills the columns for every current version (after migrating an archive
// that had none), computing SimHashes from the stored bodies.
absl::Status BackfillStoryIndex(SqliteConnection& db);

// As Store::FindSameStory, on `db`.
absl::StatusOr<std::optional<SameStory>> FindSameStoryIn(SqliteConnection& db,
                                                         const Article& article,
                                                         StoryLookup lookup);

}  // namespace newswire

#endif  // NEWSWIRE_CORE_STORE_SQLITE_STORIES_H_
