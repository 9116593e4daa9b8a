#include "core/model/article.h"

#include <iterator>
#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

#include "gtest/gtest.h"
#include "tests/core/hostile_text.h"

namespace newswire {
namespace {

Article ValidArticle() {
  Article a;
  a.set_headline("Council approves new tram line");
  a.set_body_text("The city council voted 31 to 4.\n\nWork starts in spring.");
  NormalizeArticle(a);
  return a;
}

TEST(Article, NormalizeCollapsesWhitespaceAndParagraphs) {
  Article a;
  a.set_headline("  Council \t approves\n new  tram line ");
  a.set_body_text("\n\nFirst   paragraph\nwrapped here.\n\n\n\nSecond one.  \n");
  NormalizeArticle(a);
  EXPECT_EQ(a.headline(), "Council approves new tram line");
  EXPECT_EQ(a.body_text(), "First paragraph wrapped here.\n\nSecond one.");
  EXPECT_EQ(a.summary(), "First paragraph wrapped here.");
  EXPECT_EQ(a.word_count(), 6u);
}

TEST(Article, NormalizeFillsDefaultsAndDerivesIdFromFingerprint) {
  Article a = ValidArticle();
  EXPECT_EQ(a.version(), 1u);
  EXPECT_EQ(a.pub_status(), v1::PUB_STATUS_USABLE);
  EXPECT_EQ(a.fingerprint().size(), 32u);
  EXPECT_EQ(a.id(), "urn:newswire:" + a.fingerprint());
  EXPECT_FALSE(a.has_first_created());  // The Store stamps times.
}

TEST(Article, NormalizeIsIdempotent) {
  Article once = ValidArticle();
  Article twice = once;
  NormalizeArticle(twice);
  EXPECT_EQ(once.SerializeAsString(), twice.SerializeAsString());
}

// NormalizeArticle leaves text that is already normalized alone; whatever
// the text, the result is what CollapseWhitespace / NormalizeBody make of it.
TEST(Article, NormalizeAgreesWithCollapseAndNormalizeBodyOnAnyText) {
  const std::string alphabet[] = {"a", "bc", " ", "  ", "\n", "\n\n", "\t", "\r\n", "é"};
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int pieces = static_cast<int>(random() % 8);
    for (int i = 0; i < pieces; ++i) text += alphabet[random() % std::size(alphabet)];
    Article a;
    a.set_headline(text);
    a.set_body_text(text);
    NormalizeArticle(a);
    EXPECT_EQ(a.headline(), CollapseWhitespace(text)) << "\"" << absl::CEscape(text) << "\"";
    EXPECT_EQ(a.body_text(), NormalizeBody(text)) << "\"" << absl::CEscape(text) << "\"";
  }
}

TEST(Article, NormalizeRemovesControlCharactersFromEveryField) {
  Article a;
  a.set_id("urn:example:\x1b[31mstory-1");
  a.set_headline(HostileLine());
  a.set_byline(HostileLine("Jo"));
  a.set_dateline("KYIV,\aUkraine");
  a.set_body_text(absl::StrCat(HostileLine(), "\r\n\r\nSecond\tparagraph.\xC2\x85Same one."));
  a.set_body_html("<p>Line\x1b[0m one\r\n\tline two</p>");
  a.set_language("en\x07");
  a.add_places()->set_name(HostileLine("Kyiv"));
  a.add_subjects()->set_code("\x1b]0;title\x07medtop:01");
  a.add_keywords(std::string("key\0word", 8));
  a.mutable_source()->set_name("Wire\xC2\x9b" "2J Service");
  v1::Link* link = a.add_links();
  link->set_href("https://example.com/\x7f");
  link->set_title("Photo\ttitle");
  NormalizeArticle(a);
  ExpectNoControlCharacters(a);
  EXPECT_EQ(a.id(), "urn:example:story-1");
  EXPECT_EQ(a.headline(), CleanLine());
  EXPECT_EQ(a.byline(), CleanLine("Jo"));
  EXPECT_EQ(a.dateline(), "KYIV,Ukraine");
  EXPECT_EQ(a.body_text(), absl::StrCat(CleanLine(), "\n\nSecond paragraph. Same one."));
  EXPECT_EQ(a.body_html(), "<p>Line one\n\tline two</p>");
  EXPECT_EQ(a.language(), "en");
  EXPECT_EQ(a.places(0).name(), CleanLine("Kyiv"));
  EXPECT_EQ(a.subjects(0).code(), "medtop:01");
  EXPECT_EQ(a.keywords(0), "keyword");
  EXPECT_EQ(a.source().name(), "Wire Service");
  EXPECT_EQ(a.links(0).href(), "https://example.com/");
  EXPECT_EQ(a.links(0).title(), "Photo title");
  EXPECT_TRUE(ValidateArticle(a).ok()) << ValidateArticle(a);
  Article again = a;
  NormalizeArticle(again);
  EXPECT_EQ(again.SerializeAsString(), a.SerializeAsString());
}

TEST(Article, HeadlineOfControlCharactersAloneIsEmpty) {
  Article a;
  a.set_headline("\a\x1b[2J\x1b[H");
  a.set_body_text("Body.");
  NormalizeArticle(a);
  EXPECT_EQ(ValidateArticle(a).message(), "headline: required, but empty");
}

TEST(Article, InvalidUtf8IsRefusedAsBeforeEvenBesideControls) {
  Article a;
  a.set_headline("Caf\xC3\a\xA9 opens");
  NormalizeArticle(a);
  EXPECT_EQ(ValidateArticle(a).message(), "headline: not valid UTF-8 at byte 3");
}

TEST(Article, NormalizeReplacesSentFingerprintAndWordCount) {
  Article a;
  a.set_headline("Headline");
  a.set_body_text("three little words");
  a.set_fingerprint("forged");
  a.set_word_count(999);
  NormalizeArticle(a);
  EXPECT_NE(a.fingerprint(), "forged");
  EXPECT_EQ(a.word_count(), 3u);
}

TEST(Article, FingerprintDependsOnContentOnly) {
  Article a = ValidArticle();
  Article b = ValidArticle();
  b.set_urgency(3);
  b.mutable_first_created()->set_seconds(1700000000);
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  b.set_headline("Council rejects new tram line");
  EXPECT_NE(Fingerprint(a), Fingerprint(b));
}

TEST(Article, FingerprintSeparatesFields) {
  Article a, b;
  a.set_headline("ab");
  a.set_byline("c");
  b.set_headline("a");
  b.set_byline("bc");
  EXPECT_NE(Fingerprint(a), Fingerprint(b));
}

TEST(Article, CountWordsIgnoresPunctuationTokens) {
  EXPECT_EQ(CountWords("KYIV — On Saturday, the minister’s plane landed."), 7u);
  EXPECT_EQ(CountWords("  "), 0u);
  EXPECT_EQ(CountWords("São Paulo 2024"), 3u);
  EXPECT_EQ(CountWords("-- … “ ”"), 0u);
}

// Expects INVALID_ARGUMENT whose message contains `field`.
void ExpectRejected(const Article& a, const std::string& field) {
  absl::Status s = ValidateArticle(a);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find(field), absl::string_view::npos) << s;
}

// CountWords is one pass over the text; it agrees with counting the
// whitespace-separated tokens that have a word character.
TEST(Article, CountWordsAgreesWithCountingTokens) {
  const std::string alphabet[] = {"a", "7", " ", "\n", ",", "\xE2\x80\x94", "\xC3\xA9",
                                  "\xE2\x82\xAC", "\t", "--"};
  std::mt19937 random(11);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int i = static_cast<int>(random() % 12); i > 0; --i) {
      text += alphabet[random() % std::size(alphabet)];
    }
    size_t expected = 0;
    for (absl::string_view token :
         absl::StrSplit(text, absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty())) {
      expected += HasWordCharacter(token);
    }
    EXPECT_EQ(CountWords(text), expected) << absl::CEscape(text);
  }
}

TEST(Article, ValidArticleIsAccepted) {
  EXPECT_TRUE(ValidateArticle(ValidArticle()).ok());
}

TEST(Article, HeadlineIsRequiredAndBounded) {
  Article a = ValidArticle();
  a.set_headline("");
  ExpectRejected(a, "headline: required");
  a.set_headline(std::string(kMaxHeadlineChars + 1, 'x'));
  ExpectRejected(a, "headline: 513 characters is over the limit of 512");
  // The bound is in characters, not bytes: 512 three-byte characters pass.
  std::string dashes;
  for (size_t i = 0; i < kMaxHeadlineChars; ++i) dashes += "—";
  a.set_headline(dashes);
  EXPECT_TRUE(ValidateArticle(a).ok());
  a.set_headline("two\nlines");
  ExpectRejected(a, "headline: must be one line");
}

TEST(Article, IdMustBeAUri) {
  Article a = ValidArticle();
  for (const char* good : {"urn:example:story-1", "https://example.com/a?b=c",
                           "tag:example.com,2024:1"}) {
    a.set_id(good);
    EXPECT_TRUE(ValidateArticle(a).ok()) << good;
  }
  for (const char* bad : {"story-1", ":nothing", "urn:", "1abc:x", "urn:has space",
                          "ur n:x"}) {
    a.set_id(bad);
    ExpectRejected(a, "id: must be a URI");
  }
  a.set_id("urn:" + std::string(kMaxIdBytes, 'x'));
  ExpectRejected(a, "id: 516 bytes is over the limit of 512");
}

TEST(Article, UrgencyAndVersionRanges) {
  Article a = ValidArticle();
  a.set_urgency(9);
  EXPECT_TRUE(ValidateArticle(a).ok());
  a.set_urgency(10);
  ExpectRejected(a, "urgency: must be 0 (unset) or 1 (flash) to 9, got 10");
  a.set_urgency(0);
  a.set_version(0);
  ExpectRejected(a, "version: must be 1 or more");
}

TEST(Article, TextMustBeUtf8InEveryField) {
  Article a = ValidArticle();
  a.add_places()->set_name("Kyi\xffv");
  ExpectRejected(a, "places[0].name: not valid UTF-8 at byte 3");
  Article b = ValidArticle();
  b.add_places()->set_name("Kyiv");
  b.add_places()->set_name("Lvi\xc3v");
  ExpectRejected(b, "places[1].name: not valid UTF-8 at byte 3");
}

// Every string field the schema has, at any depth, is checked: each one in
// turn (found by walking the descriptors, so a field added later is covered
// too) gets bytes that are not UTF-8, and the error names its path. The
// walk puts everything it changes in `message` back as it was.
void ExpectEveryTextFieldChecked(google::protobuf::Message& message, const std::string& path,
                                 const Article& article, int depth, int& checked) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* type = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < type->field_count() && depth < 4; ++i) {
    const FieldDescriptor* field = type->field(i);
    const bool repeated = field->is_repeated();
    const std::string name =
        absl::StrCat(path, path.empty() ? "" : ".", field->name(), repeated ? "[0]" : "");
    if (repeated && reflection->FieldSize(message, field) > 0) {
      ADD_FAILURE() << name << ": the walk expects repeated fields to start empty";
      continue;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      const std::string kept = repeated ? "" : reflection->GetString(message, field);
      if (repeated) {
        reflection->AddString(&message, field, "ab\xff");
      } else {
        reflection->SetString(&message, field, "ab\xff");
      }
      ExpectRejected(article, name + ": not valid UTF-8 at byte 2");
      ++checked;
      if (repeated) {
        reflection->RemoveLast(&message, field);
      } else {
        reflection->SetString(&message, field, kept);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      const bool was_set = !repeated && reflection->HasField(message, field);
      google::protobuf::Message* child = repeated ? reflection->AddMessage(&message, field)
                                                  : reflection->MutableMessage(&message, field);
      ExpectEveryTextFieldChecked(*child, name, article, depth + 1, checked);
      if (repeated) {
        reflection->RemoveLast(&message, field);
      } else if (!was_set) {
        reflection->ClearField(&message, field);
      }
    }
  }
}

TEST(Article, EveryTextFieldOfTheSchemaIsChecked) {
  Article a = ValidArticle();
  int checked = 0;
  ExpectEveryTextFieldChecked(a, "", a, 0, checked);
  EXPECT_GT(checked, 20);  // Article's own text fields and those of its messages.
  EXPECT_TRUE(ValidateArticle(a).ok());  // The walk left it as it was.
}

TEST(Article, LanguageMustLookLikeBcp47) {
  Article a = ValidArticle();
  a.set_language("pt-BR");
  EXPECT_TRUE(ValidateArticle(a).ok());
  a.set_language("english please");
  ExpectRejected(a, "language: must be a BCP 47 tag");
}

TEST(Article, TimestampsMustBeInRange) {
  Article a = ValidArticle();
  a.mutable_embargoed_until()->set_nanos(-1);
  ExpectRejected(a, "embargoed_until: timestamp out of range");
}

TEST(Article, InvalidUtf8OffsetFindsFirstBadByte) {
  EXPECT_EQ(InvalidUtf8Offset("plain"), absl::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("KYIV — “ok”"), absl::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("ab\xc3"), 2u);            // Truncated.
  EXPECT_EQ(InvalidUtf8Offset("a\xc0\xaf" "b"), 1u);        // Overlong.
  EXPECT_EQ(InvalidUtf8Offset("\xed\xa0\x80"), 0u);      // Surrogate.
  EXPECT_EQ(InvalidUtf8Offset("\xf4\x90\x80\x80"), 0u);  // Past U+10FFFF.
}

TEST(Article, HeadlineViewKeepsOnlyHeadlineFields) {
  Article a = ValidArticle();
  a.set_byline("Jane Roe");
  a.set_urgency(2);
  a.add_places()->set_name("Lisbon");
  a.add_people()->set_name("Ana Costa");
  a.mutable_source()->set_name("Newswire");
  Article view = HeadlineView(a);
  EXPECT_EQ(view.id(), a.id());
  EXPECT_EQ(view.headline(), a.headline());
  EXPECT_EQ(view.summary(), a.summary());
  EXPECT_EQ(view.urgency(), 2u);
  EXPECT_EQ(view.places_size(), 1);
  EXPECT_EQ(view.source().name(), "Newswire");
  EXPECT_TRUE(view.body_text().empty());
  EXPECT_TRUE(view.byline().empty());
  EXPECT_EQ(view.people_size(), 0);
  EXPECT_EQ(ArticleInView(a, v1::ARTICLE_VIEW_FULL).SerializeAsString(),
            a.SerializeAsString());
}


TEST(Article, VersionsAreBounded) {
  Article a = ValidArticle();
  a.set_version(kMaxVersion);
  EXPECT_TRUE(ValidateArticle(a).ok());
  a.set_version(4294967295u);  // No later version would be possible.
  const absl::Status refused = ValidateArticle(a);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(), "version: 4294967295 is over the limit of 1000000");
}

TEST(Article, EveryRepeatedFieldIsBoundedNamingIt) {
  Article a = ValidArticle();
  for (int i = 0; i < kMaxRepeatedEntries; ++i) {
    a.add_places()->set_name(absl::StrCat("Place ", i));
    a.add_keywords(absl::StrCat("k", i));
  }
  EXPECT_TRUE(ValidateArticle(a).ok());
  a.add_keywords("one too many");
  EXPECT_EQ(ValidateArticle(a).message(), "keywords: 501 entries is over the limit of 500");
  a.mutable_keywords()->RemoveLast();
  for (int i = 0; i < 10000; ++i) a.add_places()->set_name("Kyiv");
  const absl::Status refused = ValidateArticle(a);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(), "places: 10500 entries is over the limit of 500");
}

TEST(Article, TheWholeArticleIsBoundedNamingIt) {
  Article a = ValidArticle();
  a.set_body_text(std::string(kMaxTextFieldBytes, 'a'));
  a.set_body_html(std::string(kMaxTextFieldBytes, 'b'));
  a.set_summary("A lede.");
  EXPECT_TRUE(ValidateArticle(a).ok()) << "the two bodies at their limit fit";
  a.set_byline(std::string(kMaxTextFieldBytes, 'c'));  // Each field within its own limit.
  const absl::Status refused = ValidateArticle(a);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(),
            absl::StrCat("article \"", a.id(), "\": ", a.ByteSizeLong(),
                         " bytes is over the limit of 9437184 (9 MiB: body_text and "
                         "body_html up to 4 MiB each, 1 MiB for the rest)"));
  EXPECT_EQ(CheckArticleSize(a), refused);
}

TEST(Article, ADerivedSummaryIsTheFirstParagraphCutAtAWordWhenLong) {
  Article a;
  a.set_headline("Long lede");
  a.set_body_text("A short first paragraph.\n\nAnd a second.");
  NormalizeArticle(a);
  EXPECT_EQ(a.summary(), "A short first paragraph.");

  std::string lede;
  while (lede.size() < 3 * kMaxDerivedSummaryBytes) lede += "many words ";
  Article b;
  b.set_headline("Long lede");
  b.set_body_text(lede + "\n\nSecond.");
  NormalizeArticle(b);
  ASSERT_LE(b.summary().size(), kMaxDerivedSummaryBytes);
  EXPECT_GT(b.summary().size(), kMaxDerivedSummaryBytes - 20);
  ASSERT_TRUE(absl::EndsWith(b.summary(), "\xE2\x80\xA6")) << b.summary();
  const std::string kept = b.summary().substr(0, b.summary().size() - 3);
  EXPECT_TRUE(absl::StartsWith(lede, kept + " ")) << "cut between words";

  // No spaces (as in Chinese): cut at a whole character.
  std::string han;
  while (han.size() < 2 * kMaxDerivedSummaryBytes) han += "\xE4\xB8\xAD";  // 中
  Article c;
  c.set_headline("Han");
  c.set_body_text(han);
  NormalizeArticle(c);
  EXPECT_LE(c.summary().size(), kMaxDerivedSummaryBytes);
  EXPECT_TRUE(IsValidUtf8(c.summary()));
  EXPECT_TRUE(ValidateArticle(c).ok()) << ValidateArticle(c);
}

}  // namespace
}  // namespace newswire
