#include "core/wire.h"

#include <utility>

namespace newswire {

Wire::Wire(Store* store, Hub* hub, Clock clock)
    : store_(store), hub_(hub), clock_(std::move(clock)) {}

absl::StatusOr<PublishResult> Wire::Publish(Article article) {
  NormalizeArticle(article);
  if (absl::Status s = ValidateArticle(article); !s.ok()) return s;

  absl::StatusOr<AppendResult> appended = store_->Append(article, clock_());
  if (!appended.ok()) return appended.status();
  if (!appended->duplicate) hub_->Publish(appended->event);
  return PublishResult{.id = article.id(),
                       .version = article.version(),
                       .sequence = appended->sequence,
                       .duplicate = appended->duplicate};
}

}  // namespace newswire
