#include "core/syndicate/feed_writer.h"

#include <cstdint>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/syndicate/feed_text.h"

namespace newswire {
namespace {

// `text` escaped for XML character data and attribute values. Characters
// XML 1.0 forbids (C0 controls other than tab, newline and carriage
// return) are left out: no article should hold them, and one that does
// must not make the whole feed unreadable.
std::string Xml(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' ||
            c == '\r') {
          out.push_back(c);
        }
    }
  }
  return out;
}

// RFC 822 as RSS writes it: "Tue, 19 Nov 2024 10:20:00 -0500".
std::string Rfc822(absl::Time time, int offset_minutes) {
  const absl::TimeZone zone = absl::FixedTimeZone(offset_minutes * 60);
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S %z", time, zone);
}

std::string Published(const Article& a) {
  return Rfc3339(FirstCreated(a), a.utc_offset_minutes());
}

std::string Modified(const Article& a) {
  return Rfc3339(VersionCreated(a), a.utc_offset_minutes());
}

// The body as HTML: the sanitized body_html, else body_text's paragraphs.
std::string BodyHtml(const Article& a) {
  if (!a.body_html().empty()) return a.body_html();
  std::string html;
  for (absl::string_view paragraph :
       absl::StrSplit(a.body_text(), "\n\n", absl::SkipEmpty())) {
    absl::StrAppend(&html, "<p>", Xml(paragraph), "</p>");
  }
  return html;
}

constexpr char kHistoryNamespace[] = "http://purl.org/syndication/history/1.0";

// The RFC 5005 links of `page` as `element`s ("link" in Atom, "atom:link"
// in RSS), and its fh:archive marker.
std::string ArchiveLinks(const FeedPage& page, absl::string_view element) {
  std::string out;
  for (const auto& [rel, href] : {std::pair{"current", &page.current_url},
                                  std::pair{"prev-archive", &page.prev_archive_url},
                                  std::pair{"next-archive", &page.next_archive_url}}) {
    if (href->empty()) continue;
    absl::StrAppend(&out, "<", element, " rel=\"", rel, "\" href=\"", Xml(*href), "\"/>");
  }
  if (page.archive) out += "<fh:archive/>";
  return out;
}

// The namespace declaration fh:archive needs, on an archive page.
std::string HistoryNamespace(const FeedPage& page) {
  return page.archive ? absl::StrCat(" xmlns:fh=\"", kHistoryNamespace, "\"") : "";
}

std::string AtomEntry(const Article& a) {
  std::string out = absl::StrCat("<entry><id>", Xml(a.id()), "</id><title>",
                                 Xml(a.headline()), "</title><updated>", Modified(a),
                                 "</updated><published>", Published(a), "</published>");
  if (!a.byline().empty())
    absl::StrAppend(&out, "<author><name>", Xml(a.byline()), "</name></author>");
  if (!a.canonical_url().empty()) {
    absl::StrAppend(&out, "<link rel=\"alternate\" type=\"text/html\" href=\"",
                    Xml(a.canonical_url()), "\"/>");
  }
  for (const v1::Entity& subject : a.subjects()) {
    absl::StrAppend(&out, "<category term=\"",
                    Xml(subject.code().empty() ? subject.name() : subject.code()),
                    "\" label=\"", Xml(subject.name()), "\"");
    if (!subject.scheme().empty())
      absl::StrAppend(&out, " scheme=\"", Xml(subject.scheme()), "\"");
    out += "/>";
  }
  if (!a.summary().empty())
    absl::StrAppend(&out, "<summary>", Xml(a.summary()), "</summary>");
  absl::StrAppend(&out, "<content type=\"html\">", Xml(BodyHtml(a)),
                  "</content></entry>\n");
  return out;
}

std::string RssItem(const Article& a) {
  std::string out = absl::StrCat("<item><title>", Xml(a.headline()), "</title>");
  if (!a.canonical_url().empty())
    absl::StrAppend(&out, "<link>", Xml(a.canonical_url()), "</link>");
  absl::StrAppend(
      &out, "<guid isPermaLink=\"", a.id() == a.canonical_url() ? "true" : "false", "\">",
      Xml(a.id()), "</guid><pubDate>",
      Rfc822(FirstCreated(a), a.utc_offset_minutes()),
      "</pubDate>");
  if (!a.byline().empty())
    absl::StrAppend(&out, "<dc:creator>", Xml(a.byline()), "</dc:creator>");
  for (const v1::Entity& subject : a.subjects()) {
    out += "<category";
    if (!subject.scheme().empty())
      absl::StrAppend(&out, " domain=\"", Xml(subject.scheme()), "\"");
    absl::StrAppend(&out, ">", Xml(subject.name()), "</category>");
  }
  absl::StrAppend(&out, "<description>", Xml(BodyHtml(a)), "</description></item>\n");
  return out;
}

std::string JsonItem(const Article& a) {
  std::string out = absl::StrCat("{\"id\":", Json(a.id()));
  if (!a.canonical_url().empty())
    absl::StrAppend(&out, ",\"url\":", Json(a.canonical_url()));
  absl::StrAppend(&out, ",\"title\":", Json(a.headline()));
  if (!a.summary().empty()) absl::StrAppend(&out, ",\"summary\":", Json(a.summary()));
  absl::StrAppend(&out, ",\"content_html\":", Json(BodyHtml(a)),
                  ",\"content_text\":", Json(a.body_text()),
                  ",\"date_published\":", Json(Published(a)),
                  ",\"date_modified\":", Json(Modified(a)));
  if (!a.byline().empty())
    absl::StrAppend(&out, ",\"authors\":[{\"name\":", Json(a.byline()), "}]");
  if (!a.subjects().empty()) {
    out += ",\"tags\":[";
    for (int i = 0; i < a.subjects_size(); ++i) {
      absl::StrAppend(&out, i > 0 ? "," : "", Json(a.subjects(i).name()));
    }
    out += "]";
  }
  if (!a.language().empty()) absl::StrAppend(&out, ",\"language\":", Json(a.language()));
  out += "}";
  return out;
}

}  // namespace

std::string WriteAtom(const FeedPage& page) {
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
      "xmlns=\"http://www.w3.org/2005/Atom\"",
      HistoryNamespace(page), "><id>", Xml(page.id), "</id><title>", Xml(page.title),
      "</title><updated>",
      Rfc3339(page.updated, 0), "</updated><author><name>", Xml(page.title),
      "</name></author><link rel=\"self\" type=\"application/atom+xml\" href=\"",
      Xml(page.self_url), "\"/>");
  if (!page.home_url.empty()) {
    absl::StrAppend(&out, "<link rel=\"alternate\" type=\"text/html\" href=\"",
                    Xml(page.home_url), "\"/>");
  }
  if (!page.hub_url.empty())
    absl::StrAppend(&out, "<link rel=\"hub\" href=\"", Xml(page.hub_url), "\"/>");
  out += ArchiveLinks(page, "link");
  out += "\n";
  for (const Article& article : page.articles) out += AtomEntry(article);
  out += "</feed>\n";
  return out;
}

std::string WriteRss(const FeedPage& page) {
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" "
      "xmlns:atom=\"http://www.w3.org/2005/Atom\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"",
      HistoryNamespace(page), "><channel><title>", Xml(page.title), "</title><link>",
      Xml(page.home_url.empty() ? page.self_url : page.home_url), "</link><description>",
      Xml(page.title), " headlines</description><lastBuildDate>", Rfc822(page.updated, 0),
      "</lastBuildDate><atom:link rel=\"self\" type=\"application/rss+xml\" href=\"",
      Xml(page.self_url), "\"/>");
  if (!page.hub_url.empty()) {
    absl::StrAppend(&out, "<atom:link rel=\"hub\" href=\"", Xml(page.hub_url), "\"/>");
  }
  out += ArchiveLinks(page, "atom:link");
  out += "\n";
  for (const Article& article : page.articles) out += RssItem(article);
  out += "</channel></rss>\n";
  return out;
}

std::string WriteJsonFeed(const FeedPage& page) {
  std::string out = absl::StrCat(
      "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":", Json(page.title));
  if (!page.home_url.empty())
    absl::StrAppend(&out, ",\"home_page_url\":", Json(page.home_url));
  absl::StrAppend(&out, ",\"feed_url\":", Json(page.self_url));
  if (!page.prev_archive_url.empty())
    absl::StrAppend(&out, ",\"next_url\":", Json(page.prev_archive_url));
  if (!page.hub_url.empty()) {
    absl::StrAppend(&out, ",\"hubs\":[{\"type\":\"WebSub\",\"url\":", Json(page.hub_url),
                    "}]");
  }
  out += ",\"items\":[";
  for (size_t i = 0; i < page.articles.size(); ++i) {
    absl::StrAppend(&out, i > 0 ? ",\n" : "\n", JsonItem(page.articles[i]));
  }
  out += "]}\n";
  return out;
}

}  // namespace newswire
