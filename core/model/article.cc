#include "core/model/article.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/base/quote_input.h"
#include "core/model/control_characters.h"
#include "core/model/sha256.h"
#include "core/model/simhash.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace newswire {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Where a string field sits: the fields and indexes from the article down.
// Only spelled out ("links[2].href") when a check fails, so a valid article
// costs no string building.
struct FieldStep {
  const FieldDescriptor* field;
  int index;  // -1 for a singular field.
};

std::string FieldPath(const std::vector<FieldStep>& steps) {
  std::string path;
  for (const FieldStep& step : steps) {
    if (!path.empty()) path += '.';
    absl::StrAppend(&path, step.field->name());
    if (step.index >= 0) absl::StrAppend(&path, "[", step.index, "]");
  }
  return path;
}

// The fields of one message type that can hold text: its string fields
// and its message fields whose types can, in field-number order (the order
// errors are found in). Built once per type, so checking an article visits
// only those fields: no field listing, no timestamps.
struct TextFields {
  struct Entry {
    const FieldDescriptor* field;
    const TextFields* message;  // nullptr for a string field.
  };
  std::vector<Entry> entries;
};

// TextFields for a message type and every type under it.
class TextFieldTree {
 public:
  explicit TextFieldTree(const Descriptor* root) : root_(Build(root)) {}
  // nullptr when no field of `root` can hold text.
  const TextFields* root() const { return root_; }

 private:
  // nullptr for a type without text. A type met again while it is being
  // built (a recursive schema) is returned as it is; visiting it costs
  // nothing if it turns out to hold no text.
  const TextFields* Build(const Descriptor* type) {
    auto [it, added] = nodes_.try_emplace(type);
    if (!added) return it->second.get();
    auto node = std::make_unique<TextFields>();
    TextFields* built = node.get();
    it->second = std::move(node);
    std::vector<const FieldDescriptor*> fields;
    for (int i = 0; i < type->field_count(); ++i) fields.push_back(type->field(i));
    std::sort(fields.begin(), fields.end(),
              [](const FieldDescriptor* a, const FieldDescriptor* b) {
                return a->number() < b->number();
              });
    for (const FieldDescriptor* field : fields) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        built->entries.push_back({field, nullptr});
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (const TextFields* child = Build(field->message_type())) {
          built->entries.push_back({field, child});
        }
      }
    }
    return built->entries.empty() ? nullptr : built;
  }

  absl::flat_hash_map<const Descriptor*, std::unique_ptr<TextFields>> nodes_;
  const TextFields* const root_;
};

// Calls visit(entry, index) for each value `message` holds in each of
// `fields` (index -1 for a singular field; a singular field that is not set
// holds nothing: a proto3 string without presence reads as unset when
// empty), in field-number order. Returns the first error visit returns.
template <typename Visit>
absl::Status ForEachValue(const Message& message, const TextFields& fields, Visit visit) {
  const Reflection* reflection = message.GetReflection();
  for (const TextFields::Entry& entry : fields.entries) {
    const FieldDescriptor* field = entry.field;
    if (!field->is_repeated()) {
      if (!reflection->HasField(message, field)) continue;
      if (absl::Status s = visit(entry, -1); !s.ok()) return s;
      continue;
    }
    const int count = reflection->FieldSize(message, field);
    for (int i = 0; i < count; ++i) {
      if (absl::Status s = visit(entry, i); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// Value `index` of string `field` (-1 for a singular field).
const std::string& StringValue(const Reflection& reflection, const Message& message,
                               const FieldDescriptor* field, int index, std::string* scratch) {
  return index >= 0 ? reflection.GetRepeatedStringReference(message, field, index, scratch)
                    : reflection.GetStringReference(message, field, scratch);
}

// body_text and body_html hold paragraphs; every other field one line.
TextLines LinesOf(const FieldDescriptor* field) {
  const bool body = field->containing_type() == Article::descriptor() &&
                    (field->number() == Article::kBodyTextFieldNumber ||
                     field->number() == Article::kBodyHtmlFieldNumber);
  return body ? TextLines::kMany : TextLines::kOne;
}

// Removes control characters (RemoveControlCharacters) from every string
// field of `message`, of the type `fields` describes, recursively.
void RemoveControlsFromStrings(Message& message, const TextFields& fields) {
  const Reflection* reflection = message.GetReflection();
  (void)ForEachValue(message, fields, [&](const TextFields::Entry& entry, int index) {
    const FieldDescriptor* field = entry.field;
    if (entry.message != nullptr) {
      RemoveControlsFromStrings(index >= 0
                                    ? *reflection->MutableRepeatedMessage(&message, field, index)
                                    : *reflection->MutableMessage(&message, field),
                                *entry.message);
      return absl::OkStatus();
    }
    std::string scratch;
    const std::string& value = StringValue(*reflection, message, field, index, &scratch);
    const TextLines lines = LinesOf(field);
    if (IsFreeOfControlCharacters(value, lines)) return absl::OkStatus();
    std::string clean = RemoveControlCharacters(value, lines);
    if (index >= 0) {
      reflection->SetRepeatedString(&message, field, index, std::move(clean));
    } else {
      reflection->SetString(&message, field, std::move(clean));
    }
    return absl::OkStatus();
  });
}

// The text fields of Article and the types under it.
const TextFieldTree& ArticleTextFields() {
  static const TextFieldTree* const tree = new TextFieldTree(Article::descriptor());
  return *tree;
}

// Checks one string value for the size limit and valid UTF-8.
absl::Status ValidateText(const std::string& value, const std::vector<FieldStep>& steps) {
  if (value.size() > kMaxTextFieldBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        FieldPath(steps), ": ", value.size(), " bytes is over the limit of ", kMaxTextFieldBytes));
  }
  if (const size_t at = InvalidUtf8Offset(value); at != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(FieldPath(steps), ": not valid UTF-8 at byte ", at));
  }
  return absl::OkStatus();
}

// Checks every string field of `message` (of the type `fields` describes),
// recursively, for valid UTF-8 and the size limit; `steps` leads to
// `message` and is restored on return.
absl::Status ValidateStrings(const Message& message, const TextFields& fields,
                             std::vector<FieldStep>& steps) {
  const Reflection* reflection = message.GetReflection();
  return ForEachValue(message, fields, [&](const TextFields::Entry& entry, int index) {
    const FieldDescriptor* field = entry.field;
    steps.push_back({field, index});
    absl::Status status;
    if (entry.message != nullptr) {
      status = ValidateStrings(index >= 0 ? reflection->GetRepeatedMessage(message, field, index)
                                          : reflection->GetMessage(message, field),
                               *entry.message, steps);
    } else {
      std::string scratch;
      status = ValidateText(StringValue(*reflection, message, field, index, &scratch), steps);
    }
    if (status.ok()) steps.pop_back();
    return status;
  });
}

absl::Status ValidateTimestamp(const google::protobuf::Timestamp& t,
                               absl::string_view name) {
  // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, as the proto3 JSON mapping.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": timestamp out of range (seconds=", t.seconds(),
                     ", nanos=", t.nanos(), ")"));
  }
  return absl::OkStatus();
}

// True if CollapseWhitespace would return `text` unchanged: words separated
// by single spaces, nothing at either end.
bool IsCollapsed(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsAsciiSpace(text[i])) continue;
    if (text[i] != ' ' || i == 0 || i + 1 == text.size() || text[i + 1] == ' ') {
      return false;
    }
  }
  return true;
}

// True if NormalizeBody would return `text` unchanged: collapsed paragraphs
// joined by "\n\n".
bool IsNormalizedBody(absl::string_view text) {
  if (text.empty()) return true;
  for (absl::string_view paragraph : absl::StrSplit(text, "\n\n")) {
    if (paragraph.empty() || !IsCollapsed(paragraph)) return false;
  }
  return true;
}

// Most articles arrive normalized already; those are left as they are.
void CollapseInPlace(std::string* field) {
  if (!IsCollapsed(*field)) *field = CollapseWhitespace(*field);
}

}  // namespace

bool IsUri(absl::string_view id) {
  const size_t colon = id.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == id.size())
    return false;
  if (!absl::ascii_isalpha(id[0])) return false;
  for (char c : id.substr(0, colon)) {
    if (!absl::ascii_isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
  }
  return true;
}

bool IsLanguageTag(absl::string_view tag) {
  const std::vector<absl::string_view> parts = absl::StrSplit(tag, '-');
  for (size_t i = 0; i < parts.size(); ++i) {
    const absl::string_view part = parts[i];
    if (part.empty() || part.size() > 8) return false;
    for (char c : part) {
      if (i == 0 ? !absl::ascii_isalpha(c) : !absl::ascii_isalnum(c)) return false;
    }
  }
  return parts[0].size() >= 2;
}

std::string CutAtWord(absl::string_view text, size_t end) {
  end = std::min(end, text.size());
  if (end < text.size()) {
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  absl::string_view cut = text.substr(0, end);
  if (const size_t space = cut.rfind(' '); space != absl::string_view::npos) {
    cut = cut.substr(0, space);
  }
  return absl::StrCat(cut, "\xE2\x80\xA6");
}

std::string CollapseWhitespace(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (IsAsciiSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string NormalizeBody(absl::string_view text) {
  std::vector<std::string> paragraphs;
  std::string current;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (CollapseWhitespace(line).empty()) {
      if (!current.empty()) paragraphs.push_back(CollapseWhitespace(current));
      current.clear();
    } else {
      absl::StrAppend(&current, current.empty() ? "" : " ", line);
    }
  }
  if (!current.empty()) paragraphs.push_back(CollapseWhitespace(current));
  return absl::StrJoin(paragraphs, "\n\n");
}

size_t CountCodePoints(absl::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool HasWordCharacter(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (absl::ascii_isalnum(u)) return true;
    if (u < 0xC0) continue;  // ASCII punctuation or a continuation byte.
    // Non-ASCII characters count except the General Punctuation block
    // (U+2000–U+206F: dashes, curly quotes, ellipsis), lead bytes E2 80/81.
    const bool punctuation = u == 0xE2 && i + 1 < text.size() &&
                             (static_cast<unsigned char>(text[i + 1]) == 0x80 ||
                              static_cast<unsigned char>(text[i + 1]) == 0x81);
    if (!punctuation) return true;
  }
  return false;
}

size_t CountWords(absl::string_view text) {
  // One pass (this runs on every publish): a token is a run of non-space
  // bytes, and counts when HasWordCharacter would say so.
  size_t words = 0;
  bool counted = false;  // The current token already counted.
  for (size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (IsAsciiSpace(static_cast<char>(u))) {
      counted = false;
      continue;
    }
    if (counted) continue;
    bool word = absl::ascii_isalnum(u);
    if (u >= 0xC0) {
      const bool punctuation = u == 0xE2 && i + 1 < text.size() &&
                               (static_cast<unsigned char>(text[i + 1]) == 0x80 ||
                                static_cast<unsigned char>(text[i + 1]) == 0x81);
      word = !punctuation;
    }
    if (word) {
      ++words;
      counted = true;
    }
  }
  return words;
}

std::string Fingerprint(const Article& article) {
  Sha256 sha;
  for (const std::string* field :
       {&article.headline(), &article.subheadline(), &article.byline(),
        &article.dateline(), &article.summary(), &article.body_text(),
        &article.language()}) {
    // Length-prefix each field so ("ab", "c") and ("a", "bc") differ.
    sha.Update(absl::StrCat(field->size(), ":"));
    sha.Update(*field);
  }
  const Sha256::Digest digest = sha.Finish();
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest.data()), 16));
}

std::string DerivedId(absl::string_view fingerprint) {
  return absl::StrCat("urn:newswire:", fingerprint);
}

void NormalizeArticle(Article& article) {
  if (const TextFields* fields = ArticleTextFields().root(); fields != nullptr) {
    RemoveControlsFromStrings(article, *fields);
  }
  for (std::string* field :
       {article.mutable_id(), article.mutable_headline(),
        article.mutable_subheadline(), article.mutable_byline(),
        article.mutable_dateline(), article.mutable_summary(),
        article.mutable_language(), article.mutable_canonical_url()}) {
    CollapseInPlace(field);
  }
  if (!IsNormalizedBody(article.body_text())) {
    *article.mutable_body_text() = NormalizeBody(article.body_text());
  }
  if (article.summary().empty()) {
    // The lede: the first paragraph, cut if it is long (one paragraph may
    // be the whole body, and the summary goes to every headline subscriber).
    const absl::string_view body = article.body_text();
    const absl::string_view lede = body.substr(0, body.find("\n\n"));
    constexpr size_t kEllipsisBytes = 3;
    article.set_summary(lede.size() <= kMaxDerivedSummaryBytes
                            ? std::string(lede)
                            : CutAtWord(lede, kMaxDerivedSummaryBytes - kEllipsisBytes));
  }
  article.set_word_count(static_cast<uint32_t>(CountWords(article.body_text())));
  article.set_fingerprint(Fingerprint(article));
  article.set_simhash(SimHash(article.body_text()));
  if (article.id().empty()) article.set_id(DerivedId(article.fingerprint()));
  if (article.version() == 0) article.set_version(1);
  if (article.pub_status() == v1::PUB_STATUS_UNSPECIFIED) {
    article.set_pub_status(v1::PUB_STATUS_USABLE);
  }
}

absl::Status CheckIdSize(absl::string_view field, absl::string_view id) {
  if (id.size() <= kMaxIdBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", id.size(), " bytes is over the limit of ", kMaxIdBytes));
}

namespace {

// INVALID_ARGUMENT naming the first repeated field of `message` (its path
// under `prefix`) that holds more than kMaxRepeatedEntries values.
absl::Status CheckRepeatedSizes(const Message& message, const std::string& prefix) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string name =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!field->is_repeated()) {
      if (!nested) continue;
      if (absl::Status s = CheckRepeatedSizes(reflection->GetMessage(message, field), name);
          !s.ok()) {
        return s;
      }
      continue;
    }
    const int count = reflection->FieldSize(message, field);
    if (count > kMaxRepeatedEntries) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", count,
                                                     " entries is over the limit of ",
                                                     kMaxRepeatedEntries));
    }
    for (int i = 0; nested && i < count; ++i) {
      if (absl::Status s = CheckRepeatedSizes(reflection->GetRepeatedMessage(message, field, i),
                                              absl::StrCat(name, "[", i, "]"));
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateArticle(const Article& article) {
  // First: the checks after it walk every entry.
  if (absl::Status s = CheckRepeatedSizes(article, ""); !s.ok()) return s;
  std::vector<FieldStep> steps;
  if (const TextFields* fields = ArticleTextFields().root(); fields != nullptr) {
    if (absl::Status s = ValidateStrings(article, *fields, steps); !s.ok()) return s;
  }
  if (article.headline().empty()) {
    return absl::InvalidArgumentError("headline: required, but empty");
  }
  if (article.headline().find_first_of("\r\n") != std::string::npos) {
    return absl::InvalidArgumentError("headline: must be one line");
  }
  if (const size_t n = CountCodePoints(article.headline()); n > kMaxHeadlineChars) {
    return absl::InvalidArgumentError(absl::StrCat(
        "headline: ", n, " characters is over the limit of ", kMaxHeadlineChars));
  }
  if (article.id().empty()) return absl::InvalidArgumentError("id: required");
  if (absl::Status s = CheckIdSize("id", article.id()); !s.ok()) return s;
  if (!IsUri(article.id())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "id: must be a URI such as \"urn:example:story-1\" or "
        "\"https://example.com/story\", got ",
        QuoteInput(article.id())));
  }
  if (article.version() < 1) {
    return absl::InvalidArgumentError("version: must be 1 or more");
  }
  if (article.version() > kMaxVersion) {
    return absl::InvalidArgumentError(absl::StrCat("version: ", article.version(),
                                                   " is over the limit of ", kMaxVersion));
  }
  if (article.urgency() > kMaxUrgency) {
    return absl::InvalidArgumentError(absl::StrCat(
        "urgency: must be 0 (unset) or 1 (flash) to 9, got ", article.urgency()));
  }
  if (!v1::PubStatus_IsValid(article.pub_status())) {
    return absl::InvalidArgumentError(
        absl::StrCat("pub_status: unknown value ", article.pub_status()));
  }
  if (!article.language().empty() && !IsLanguageTag(article.language())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "language: must be a BCP 47 tag such as \"en\" or \"pt-BR\", got ",
        QuoteInput(article.language())));
  }
  for (const auto& [t, name] :
       {std::pair{&article.first_created(), "first_created"},
        std::pair{&article.version_created(), "version_created"},
        std::pair{&article.embargoed_until(), "embargoed_until"}}) {
    if (absl::Status s = ValidateTimestamp(*t, name); !s.ok()) return s;
  }
  return CheckArticleSize(article);
}

// The message below spells the limit out.
static_assert(kMaxArticleBytes == 9 << 20 && kMaxTextFieldBytes == 4 << 20);

absl::Status CheckArticleSize(const Article& article) {
  const size_t bytes = article.ByteSizeLong();
  if (bytes <= kMaxArticleBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "article ", QuoteInput(article.id()), ": ", bytes, " bytes is over the limit of ",
      kMaxArticleBytes, " (9 MiB: body_text and body_html up to 4 MiB each, 1 MiB for the "
      "rest)"));
}

bool IsNearDuplicate(const Article& article) {
  for (const v1::Link& link : article.links()) {
    if (link.rel() == kDuplicateOfRel) return true;
  }
  return false;
}

Article HeadlineView(const Article& article) {
  Article view;
  view.set_id(article.id());
  view.set_version(article.version());
  view.set_headline(article.headline());
  view.set_dateline(article.dateline());
  view.set_summary(article.summary());
  if (article.has_source()) *view.mutable_source() = article.source();
  if (article.has_first_created()) {
    *view.mutable_first_created() = article.first_created();
  }
  view.set_urgency(article.urgency());
  *view.mutable_subjects() = article.subjects();
  *view.mutable_places() = article.places();
  return view;
}

Article ArticleInView(const Article& article, v1::ArticleView view) {
  return view == v1::ARTICLE_VIEW_FULL ? article : HeadlineView(article);
}

google::protobuf::Timestamp ToProtoTime(absl::Time time) {
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  const absl::Duration whole = absl::Floor(since_epoch, absl::Seconds(1));
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToInt64Seconds(whole));
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(since_epoch - whole)));
  return out;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

size_t Utf8SequenceLength(absl::string_view text, size_t at) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const unsigned char c = s[at];
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // Allowed range of the second byte.
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // No overlong forms.
    if (c == 0xED) hi = 0x9F;  // No surrogates.
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // No overlong forms.
    if (c == 0xF4) hi = 0x8F;  // Nothing past U+10FFFF.
  } else {
    return 0;
  }
  if (at + len > n || s[at + 1] < lo || s[at + 1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((s[at + k] & 0xC0) != 0x80) return 0;
  }
  return len;
}

size_t InvalidUtf8Offset(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII runs are the common case: skip them without the call.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(text, i);
    if (len == 0) return i;
    i += len;
  }
  return absl::string_view::npos;
}

}  // namespace newswire
