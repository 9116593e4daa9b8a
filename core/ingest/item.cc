#include "core/ingest/item.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "core/ingest/author.h"
#include "core/ingest/dateline_places.h"
#include "core/ingest/feed_date.h"
#include "core/ingest/html_text.h"
#include "core/ingest/text.h"
#include "core/ingest/url.h"
#include "core/model/sha256.h"

namespace newswire {
namespace {

bool IsHtml(const ItemText& text) {
  switch (text.kind) {
    case ItemText::Kind::kText:
      return false;
    case ItemText::Kind::kHtml:
      return true;
    case ItemText::Kind::kGuess:
      return LooksLikeHtml(text.value);
  }
  return false;
}

HtmlContent Body(const ItemText& text, absl::string_view base_url) {
  if (IsHtml(text)) return ConvertHtml(text.value, base_url);
  // Plain text: its line breaks are the only structure it has.
  return HtmlContent{.text = NormalizeBody(text.value), .html = ""};
}

// The first sentence of `text`, or its first words up to a headline's
// length, with "…" when cut.
std::string FirstSentence(absl::string_view text) {
  text = text.substr(0, text.find("\n\n"));
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && text[i + 1] == ' ' &&
        i + 1 <= kMaxHeadlineChars) {
      return std::string(text.substr(0, i + 1));
    }
  }
  if (CountCodePoints(text) <= kMaxHeadlineChars) return std::string(text);
  // Bytes are a safe bound for code points.
  return CutAtWord(text, kMaxHeadlineChars - 1);
}

// Sets the byline from the authors' names, and adds a rel="author" mailto:
// link for each author the feed gave only as an address, so the address is
// kept where the byline has no name for it.
void AddAuthors(const std::vector<std::string>& authors, Article& article) {
  std::vector<std::string> names;
  for (const std::string& text : authors) {
    const Author author = ParseAuthor(text);
    std::string name = CollapseWhitespace(HtmlToLine(author.name));
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(std::move(name));
    }
    if (!author.address_only) continue;
    const std::string href = absl::StrCat("mailto:", HtmlToLine(author.address));
    const bool seen =
        std::any_of(article.links().begin(), article.links().end(),
                    [&](const v1::Link& link) { return link.href() == href; });
    if (seen) continue;
    v1::Link* link = article.add_links();
    link->set_href(href);
    link->set_rel("author");
  }
  article.set_byline(absl::StrJoin(names, ", "));
}

std::string ItemId(const FeedItem& item, const FeedContext& context,
                   absl::string_view canonical_url) {
  const std::string guid = std::string(absl::StripAsciiWhitespace(item.id));
  if (!guid.empty()) {
    if (IsUri(guid) && guid.size() <= kMaxIdBytes) return guid;
    // Not a URI: scope it to its feed, so "1" from two feeds differs.
    return absl::StrCat("urn:newswire:item:",
                        Sha256Hex(absl::StrCat(context.id_scope, "\n", guid), 16));
  }
  return std::string(canonical_url);
}

// The time `text` states, setting the article's UTC offset when it states
// one; notes a date it cannot read.
std::optional<google::protobuf::Timestamp> ReadTime(absl::string_view text,
                                                    absl::string_view what, Article& article,
                                                    std::vector<std::string>& notes) {
  if (absl::StripAsciiWhitespace(text).empty()) return std::nullopt;
  absl::StatusOr<FeedDate> date = ParseFeedDate(text);
  if (!date.ok()) {
    notes.push_back(absl::StrCat(what, " left out: ", date.status().message()));
    return std::nullopt;
  }
  google::protobuf::Timestamp time;
  const int64_t seconds = absl::ToUnixSeconds(date->time);
  time.set_seconds(seconds);
  time.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(date->time - absl::FromUnixSeconds(seconds))));
  if (date->offset_known) article.set_utc_offset_minutes(date->offset_minutes);
  if (!date->offset_note.empty()) {
    notes.push_back(absl::StrCat(what, " \"",
                                 absl::CEscape(absl::StripAsciiWhitespace(text)),
                                 "\": ", date->offset_note));
  }
  return time;
}

}  // namespace

std::string PlainLine(const ItemText& text) {
  return IsHtml(text) ? HtmlToLine(text.value) : CollapseWhitespace(text.value);
}

absl::StatusOr<Article> ItemToArticle(const FeedItem& item, const FeedContext& context,
                                      std::vector<std::string>& notes) {
  Article article = item.preset;
  const std::string page =
      item.url.empty() ? "" : NormalizeUrl(ResolveUrl(item.base_url, item.url));

  HtmlContent body = Body(item.content.value.empty() ? item.summary : item.content, item.base_url);
  std::string summary;
  if (!item.summary.value.empty() && !item.content.value.empty()) {
    summary = Body(item.summary, item.base_url).text;
  }
  std::string headline = PlainLine(item.title);
  if (headline.empty()) headline = FirstSentence(summary.empty() ? body.text : summary);
  if (headline.empty()) {
    return absl::InvalidArgumentError("no title, summary or content");
  }
  article.set_headline(std::move(headline));

  // A dateline opens the first paragraph; it leaves the paragraph's text.
  const size_t first_end = std::min(body.text.find("\n\n"), body.text.size());
  if (std::optional<Dateline> dateline = ParseDateline(body.text.substr(0, first_end));
      dateline.has_value() && article.dateline().empty()) {
    article.set_dateline(dateline->place);
    AddDatelinePlaces(dateline->place, article);
    if (!dateline->agency.empty()) article.mutable_source()->set_name(dateline->agency);
    body.text = absl::StrCat(dateline->rest, body.text.substr(first_end));
  }
  article.set_body_text(std::move(body.text));
  article.set_body_html(std::move(body.html));
  article.set_summary(std::move(summary));

  for (const v1::Entity& category : item.categories) {
    v1::Entity subject = category;
    subject.set_name(CollapseWhitespace(subject.name()));
    if (!subject.name().empty()) *article.add_subjects() = std::move(subject);
  }
  if (!page.empty()) {
    article.set_canonical_url(page);
    v1::Link* alternate = article.add_links();
    alternate->set_href(page);
    alternate->set_rel("alternate");
  }
  for (const v1::Link& link : item.links) {
    if (link.href().empty()) continue;
    v1::Link* copy = article.add_links();
    *copy = link;
    copy->set_href(NormalizeUrl(ResolveUrl(item.base_url, link.href())));
  }
  AddAuthors(item.authors, article);

  article.set_id(ItemId(item, context, page));
  std::optional<google::protobuf::Timestamp> published =
      ReadTime(item.published, "published date", article, notes);
  std::optional<google::protobuf::Timestamp> updated =
      ReadTime(item.updated, "updated date", article, notes);
  if (published.has_value() || updated.has_value()) {
    *article.mutable_first_created() = published.value_or(*updated);
    *article.mutable_version_created() = updated.value_or(*published);
  }

  // "en_US", as some feeds write it, is "en-US".
  const std::string language = absl::StrReplaceAll(
      absl::StripAsciiWhitespace(item.language.empty() ? context.language : item.language),
      {{"_", "-"}});
  if (!language.empty()) {
    if (IsLanguageTag(language)) {
      article.set_language(language);
    } else {
      notes.push_back(absl::StrCat("language \"", absl::CEscape(language),
                                   "\" left out: not a language tag"));
    }
  }
  v1::Source& source = *article.mutable_source();
  if (source.name().empty()) source.set_name(CollapseWhitespace(context.title));
  source.set_url(context.link);
  source.set_feed_url(context.feed_url);

  NormalizeArticle(article);  // Sets version 1 when the preset has none,
  if (absl::Status status = ValidateArticle(article); !status.ok()) return status;
  article.set_version(item.preset.version());  // which becomes 0 again: the Wire picks it.
  return article;
}

FeedContext ItemContext(const Feed& feed, const FeedOptions& options) {
  return FeedContext{.feed_url = options.base_url,
                     .title = feed.title,
                     .link = feed.link,
                     .language = feed.language,
                     .id_scope = !options.base_url.empty() ? options.base_url
                                 : !feed.link.empty()      ? feed.link
                                                           : feed.title};
}

void AddItem(const FeedItem& item, const FeedContext& context, Feed& feed) {
  const size_t number = feed.articles.size() + 1;
  if (feed.articles.size() >= kMaxFeedItems) {
    const std::string limit = absl::StrCat("items after the first ", kMaxFeedItems, " skipped");
    if (feed.notes.empty() || feed.notes.back() != limit) feed.notes.push_back(limit);
    ++feed.skipped_items;
    return;
  }
  std::vector<std::string> notes;
  absl::StatusOr<Article> article = ItemToArticle(item, context, notes);
  const std::string where = absl::StrCat("item ", number + feed.skipped_items);
  for (const std::string& note : notes) feed.notes.push_back(absl::StrCat(where, ": ", note));
  if (!article.ok()) {
    ++feed.skipped_items;
    feed.notes.push_back(absl::StrCat(where, " skipped: ", article.status().message()));
    return;
  }
  feed.articles.push_back(*std::move(article));
}

}  // namespace newswire
