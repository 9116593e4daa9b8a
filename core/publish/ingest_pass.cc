#include "core/publish/ingest_pass.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/ingest/feed.h"

namespace newswire {
namespace {

bool ServerUnreachable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

}  // namespace

absl::StatusOr<IngestTally> IngestPass(DropFolder& folder, bool settled, PublishFn publish,
                                       std::ostream& out, std::ostream& err) {
  IngestTally tally;
  absl::StatusOr<std::vector<DropFolder::Dropped>> files = folder.Take(settled, kMaxFeedBytes);
  if (!files.ok()) return files.status();
  for (const DropFolder::Dropped& file : *files) {
    absl::StatusOr<Feed> feed =
        file.size > kMaxFeedBytes
            ? absl::InvalidArgumentError(absl::StrCat("file of ", file.size,
                                                      " bytes is over the limit of ",
                                                      kMaxFeedBytes))
            : ParseFeed(file.contents);
    if (!feed.ok()) {
      if (absl::Status s = folder.Reject(file, feed.status().message()); !s.ok()) return s;
      ++tally.rejected;
      err << file.name << ": rejected: " << feed.status().message() << "\n";
      continue;
    }
    for (const std::string& note : feed->notes) err << file.name << ": note: " << note << "\n";
    size_t published = 0, duplicates = 0;
    std::vector<std::string> refused;
    for (const Article& article : feed->articles) {
      absl::StatusOr<PublishResult> result = publish(article);
      if (!result.ok() && ServerUnreachable(result.status())) {
        tally.unavailable = true;
        err << file.name << ": server unavailable: " << result.status().message() << "\n";
        return tally;
      }
      if (!result.ok()) {
        refused.push_back(absl::StrCat(article.id(), ": ", result.status().message()));
        continue;
      }
      ++(result->duplicate ? duplicates : published);
    }
    tally.published += published;
    tally.duplicates += duplicates;
    if (!refused.empty()) {
      const std::string reason = absl::StrJoin(refused, "\n");
      if (absl::Status s = folder.Reject(file, reason); !s.ok()) return s;
      ++tally.rejected;
      err << file.name << ": rejected: " << refused.size() << " article(s) refused:\n"
          << reason << "\n";
      continue;
    }
    if (absl::Status s = folder.MarkDone(file); !s.ok()) return s;
    ++tally.files;
    out << file.name << "\t" << FeedFormatName(feed->format) << "\t" << published
        << " published\t" << duplicates << " duplicate\n";
  }
  return tally;
}

}  // namespace newswire
