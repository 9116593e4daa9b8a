#include "core/ingest/author.h"

#include "gtest/gtest.h"

namespace newswire {
namespace {

void ExpectAuthor(absl::string_view text, absl::string_view name,
                  absl::string_view address, bool address_only) {
  const Author author = ParseAuthor(text);
  EXPECT_EQ(author.name, name) << text;
  EXPECT_EQ(author.address, address) << text;
  EXPECT_EQ(author.address_only, address_only) << text;
}

TEST(ParseAuthor, NamesWithAndWithoutAddresses) {
  ExpectAuthor("Jo Bloggs", "Jo Bloggs", "", false);
  ExpectAuthor("  Jo Bloggs \n", "Jo Bloggs", "", false);
  ExpectAuthor("jo@example.org (Jo Bloggs)", "Jo Bloggs", "jo@example.org", false);
  ExpectAuthor("Jo Bloggs <jo@example.org>", "Jo Bloggs", "jo@example.org", false);
  ExpectAuthor("Jo Bloggs (jo@example.org)", "Jo Bloggs", "jo@example.org", false);
  // Parentheses that hold no address are part of the name.
  ExpectAuthor("Jo Bloggs (Reuters)", "Jo Bloggs (Reuters)", "", false);
}

TEST(ParseAuthor, AnAddressAloneGivesANameOnlyWhenItIsOne) {
  ExpectAuthor("jane.doe@example.org", "Jane Doe", "jane.doe@example.org", true);
  ExpectAuthor("JANE_DOE@example.org", "Jane Doe", "JANE_DOE@example.org", true);
  ExpectAuthor("mary-jane.watson@example.org", "Mary Jane Watson",
               "mary-jane.watson@example.org", true);
  ExpectAuthor("mailto:jane.doe@example.org", "Jane Doe", "jane.doe@example.org", true);
  for (const char* nobody :
       {"email@example.com", "jdoe@example.org", "news.desk@example.org",
        "no-reply@example.org", "j.doe@example.org", "jane.doe2@example.org",
        "editor@example.org"}) {
    const Author author = ParseAuthor(nobody);
    EXPECT_EQ(author.name, "") << nobody;
    EXPECT_TRUE(author.address_only) << nobody;
  }
  // Not addresses.
  ExpectAuthor("@handle", "@handle", "", false);
  ExpectAuthor("a@b@c", "a@b@c", "", false);
}

}  // namespace
}  // namespace newswire
