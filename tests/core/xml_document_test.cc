#include "core/ingest/xml_document.h"

#include <libxml/tree.h>

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/core/temp_dir.h"

namespace newswire {
namespace {

// A document that declares entity `name` as `value` and whose root refers
// to it `count` times.
std::string EntityReferences(const std::string& name, const std::string& value, int count) {
  std::string doc = absl::StrCat("<!DOCTYPE r [<!ENTITY ", name, " \"", value, "\">]><r>");
  for (int i = 0; i < count; ++i) absl::StrAppend(&doc, "&", name, ";");
  return doc + "</r>";
}

std::string RootText(const XmlDocument& doc) {
  xmlChar* text = xmlNodeGetContent(doc.root());
  std::string out = text == nullptr ? "" : reinterpret_cast<const char*>(text);
  xmlFree(text);
  return out;
}

TEST(XmlDocument, ParsesAndReadsEntitiesAndCdata) {
  auto doc = XmlDocument::Parse(
      "<?xml version='1.0'?><r>a &amp; b &#169; &#x2014; <![CDATA[<i>x</i>]]></r>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(doc->well_formed());
  EXPECT_EQ(RootText(*doc), "a & b \xC2\xA9 \xE2\x80\x94 <i>x</i>");
}

TEST(XmlDocument, HtmlNamedEntitiesAreReadAsTheirCharacters) {
  auto doc = XmlDocument::Parse("<r>&copy; 2024 &mdash; &hellip;&nbsp;x</r>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(doc->well_formed());
  EXPECT_EQ(RootText(*doc), "\xC2\xA9 2024 \xE2\x80\x94 \xE2\x80\xA6\xC2\xA0x");
}

TEST(XmlDocument, StrayAmpersandsAreTextAndLaterEntitiesSurvive) {
  auto doc = XmlDocument::Parse("<r>\n<t>AT&T &amp; Q&A</t><u>&lt;&copy;</u></r>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_FALSE(doc->well_formed());
  EXPECT_EQ(doc->first_error(), "line 2: '&' that starts no entity reference, read as text");
  EXPECT_EQ(RootText(*doc), "\nAT&T & Q&A<\xC2\xA9");
}

TEST(XmlDocument, MalformedIsRecoveredWithTheFirstError) {
  auto doc = XmlDocument::Parse("<r><a>one</b><c>two</c></r>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_FALSE(doc->well_formed());
  EXPECT_TRUE(absl::StartsWith(doc->first_error(), "line 1: Opening and ending tag mismatch"))
      << doc->first_error();
  EXPECT_TRUE(absl::StrContains(RootText(*doc), "one"));
}

TEST(XmlDocument, TruncatedEmptyAndTooDeepAreRefused) {
  EXPECT_TRUE(absl::StrContains(XmlDocument::Parse("<rss><channel><title>x").status().message(),
                                "Premature end of data"));
  EXPECT_EQ(XmlDocument::Parse("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(XmlDocument::Parse("   ").status().code(), absl::StatusCode::kInvalidArgument);
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "<a>";
  for (int i = 0; i < 1000; ++i) deep += "</a>";
  EXPECT_TRUE(absl::StrContains(XmlDocument::Parse(deep).status().message(), "depth"));
}

TEST(XmlDocument, InternalEntitiesExpandWithinBounds) {
  auto doc = XmlDocument::Parse(
      "<!DOCTYPE r [<!ENTITY who \"the council\">]><r>Said &who;.</r>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(RootText(*doc), "Said the council.");
}

TEST(XmlDocument, EntityBombsAreRefused) {
  // Billion laughs: ten levels of ten references.
  std::string laughs = "<!DOCTYPE r [<!ENTITY l0 \"ha\">";
  for (int i = 1; i <= 10; ++i) {
    laughs += absl::StrCat("<!ENTITY l", i, " \"");
    for (int j = 0; j < 10; ++j) laughs += absl::StrCat("&l", i - 1, ";");
    laughs += "\">";
  }
  laughs += "]><r>&l10;</r>";
  EXPECT_TRUE(absl::StrContains(XmlDocument::Parse(laughs).status().message(),
                                "entity expansion refused"));
  // Quadratic blowup: one big entity referenced many times.
  const std::string quadratic = EntityReferences("big", std::string(50000, 'x'), 5000);
  EXPECT_TRUE(absl::StrContains(XmlDocument::Parse(quadratic).status().message(),
                                "entity expansion refused"));
  // An entity that refers to itself.
  EXPECT_FALSE(
      XmlDocument::Parse("<!DOCTYPE r [<!ENTITY a \"&b;\"><!ENTITY b \"&a;\">]><r>&a;</r>").ok());
}

// Found by fuzz/xml_feed_fuzzer: libxml2 merges each copy of a declared
// entity into the text before it by measuring that text again, so 250,000
// references to a short entity (7.5 MB, under libxml2's own 10 MB limit)
// took half a minute, and were accepted. They pass the budget: refused.
TEST(XmlDocument, ManyReferencesToAShortEntityAreRefusedPastTheBudget) {
  const std::string many = EntityReferences("a", std::string(30, 'x'), 250000);
  EXPECT_TRUE(absl::StrContains(XmlDocument::Parse(many).status().message(),
                                "entity expansion refused"));
  // Within the budget (here 1 MiB) they expand in full.
  auto doc = XmlDocument::Parse(EntityReferences("a", std::string(30, 'x'), 30000));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(RootText(*doc), std::string(30 * 30000, 'x'));
}

TEST(XmlDocument, EntitiesWithMarkupOrReferencesExpandAndTheirReferencesAreCapped) {
  const std::string doctype =
      "<!DOCTYPE r [<!ENTITY who \"the council\"><!ENTITY said \"<b>said</b> &who;\">]>";
  auto doc = XmlDocument::Parse(doctype + "<r>It &said;, then &said;.</r>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(RootText(*doc), "It said the council, then said the council.");
  std::string many = doctype + "<r>";
  for (size_t i = 0; i <= kMaxCopiedEntityReferences; ++i) many += "&said;";
  many += "</r>";
  EXPECT_TRUE(absl::StrContains(XmlDocument::Parse(many).status().message(),
                                "entity expansion refused"));
}

// libxml2 2.9 keeps only the first byte of a predefined entity in an
// attribute value: "caf&eacute;" became "caf\xC3", and the item holding
// it was skipped for invalid UTF-8.
TEST(XmlDocument, EntitiesInAttributeValuesKeepTheirWholeText) {
  auto doc = XmlDocument::Parse(
      "<!DOCTYPE r [<!ENTITY who \"the council\">]>"
      "<r term=\"caf&eacute; &copy; &amp;\" by=\"&who; &#233;\">&eacute;</r>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_TRUE(doc->well_formed()) << doc->first_error();
  const auto attribute = [&](const char* name) {
    xmlChar* value = xmlGetProp(doc->root(), reinterpret_cast<const xmlChar*>(name));
    std::string out = value == nullptr ? "" : reinterpret_cast<const char*>(value);
    xmlFree(value);
    return out;
  };
  EXPECT_EQ(attribute("term"), "caf\xC3\xA9 \xC2\xA9 &");
  EXPECT_EQ(attribute("by"), "the council \xC3\xA9");
  EXPECT_EQ(RootText(*doc), "\xC3\xA9");
}

// Each '&' used to look its name up in the whole DOCTYPE: 200,000
// references after 2 MB of DOCTYPE took over an hour.
TEST(XmlDocument, ReferencesAfterALargeDoctypeResolve) {
  std::string doc =
      "<!DOCTYPE r [<!--" + std::string(2 << 20, '<') + "--><!ENTITY\n  who \"x\">]><r>";
  for (int i = 0; i < 200000; ++i) doc += "&who;";
  doc += "</r>";
  auto parsed = XmlDocument::Parse(doc);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->well_formed()) << parsed->first_error();
  EXPECT_EQ(RootText(*parsed), std::string(200000, 'x'));
}

TEST(XmlDocument, ExternalEntitiesAndDtdsAreNeverRead) {
  TempDir dir;
  const std::string secret = dir.path() + "/secret.txt";
  std::ofstream(secret) << "TOP-SECRET";
  auto doc = XmlDocument::Parse(absl::StrCat(
      "<!DOCTYPE r [<!ENTITY leak SYSTEM \"file://", secret, "\">]><r>[&leak;]</r>"));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(RootText(*doc), "[]");
  auto param = XmlDocument::Parse(absl::StrCat(
      "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file://", secret, "\"> %p;]><r>x</r>"));
  if (param.ok()) {
    EXPECT_FALSE(absl::StrContains(RootText(*param), "TOP-SECRET"));
  }
  auto dtd = XmlDocument::Parse(absl::StrCat("<!DOCTYPE r SYSTEM \"file://", secret,
                                             "\"><r>ok</r>"));
  ASSERT_TRUE(dtd.ok()) << dtd.status();
  EXPECT_EQ(RootText(*dtd), "ok");
}

TEST(XmlDocument, InputOverTheLimitIsRefusedBeforeParsing) {
  const std::string big(kMaxXmlBytes + 1, ' ');
  EXPECT_TRUE(absl::StrContains(XmlDocument::Parse(big).status().message(), "over the limit"));
}

}  // namespace
}  // namespace newswire
