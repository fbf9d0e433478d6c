// Commit and tree bytes as git writes them, and as a hostile repository might: headers with signatures, modes as
// git reads them, git's tree order, malformed entries that must stop the cursor rather than read past the tree.
#include "scanner/sources/git_objects.h"

#include <gtest/gtest.h>

#include <string>

namespace keyward::sources {
namespace {

std::string entry(const std::string& mode, const std::string& name, char id_byte) {
  return mode + " " + name + std::string(1, '\0') + std::string(20, id_byte);
}

TEST(GitObjects, ACommitsHeadersSignatureAndMessage) {
  const std::string bytes =
      "tree 0123456789abcdef0123456789abcdef01234567\n"
      "parent 1111111111111111111111111111111111111111\n"
      "parent 2222222222222222222222222222222222222222\n"
      "author Ada Tester <ada@example.com> 1700000000 +0100\n"
      "committer Bob <bob@example.com> 1700000300 -0500\n"
      "gpgsig -----BEGIN PGP SIGNATURE-----\n"
      " \n"
      " iQEzBAABCAAdFiEE\n"
      " -----END PGP SIGNATURE-----\n"
      "\n"
      "\n\nSubject line\n\nBody.\n";
  const auto commit = parse_commit(bytes);
  ASSERT_TRUE(commit.has_value());
  EXPECT_EQ(to_hex(commit->tree), "0123456789abcdef0123456789abcdef01234567");
  ASSERT_EQ(commit->parents.size(), 2u);
  EXPECT_EQ(to_hex(commit->parents[1]), "2222222222222222222222222222222222222222");
  EXPECT_EQ(commit->author_name, "Ada Tester");
  EXPECT_EQ(commit->author_email, "ada@example.com");
  EXPECT_EQ(commit->author_seconds, 1700000000);
  EXPECT_EQ(commit->committer_seconds, 1700000300);
  EXPECT_EQ(commit->message, "Subject line\n\nBody.\n");  // leading newlines dropped, as libgit2 does
}

TEST(GitObjects, NotACommit) {
  EXPECT_FALSE(parse_commit("").has_value());
  EXPECT_FALSE(parse_commit("parent 1111111111111111111111111111111111111111\n\nno tree").has_value());
  EXPECT_FALSE(parse_commit("tree 0123\n\nshort id").has_value());
  EXPECT_FALSE(parse_commit("tree zz23456789abcdef0123456789abcdef01234567\n").has_value());
}

TEST(GitObjects, EntryKindsComeFromTheModesFileTypeBits) {
  const std::string tree = entry("100644", "a.txt", 1) + entry("100755", "run.sh", 2) + entry("120000", "link", 3) +
                           entry("160000", "module", 4) + entry("40000", "src", 5) + entry("040000", "zero", 6) +
                           entry("41234", "odd", 7) + entry("100664", "old", 8);
  TreeCursor cursor(tree);
  TreeEntry e;
  const EntryKind expected[] = {EntryKind::kBlob, EntryKind::kBlob, EntryKind::kBlob, EntryKind::kGitlink,
                                EntryKind::kTree, EntryKind::kTree, EntryKind::kTree, EntryKind::kBlob};
  const char* const names[] = {"a.txt", "run.sh", "link", "module", "src", "zero", "odd", "old"};
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(cursor.next(e)) << i;
    EXPECT_EQ(e.name, names[i]);
    EXPECT_EQ(e.kind, expected[i]) << names[i];
    EXPECT_EQ(e.id[0], static_cast<unsigned char>(i + 1));
  }
  EXPECT_FALSE(cursor.next(e));
  EXPECT_FALSE(cursor.malformed());
}

TEST(GitObjects, AMalformedEntryStopsTheCursorInsideTheTree) {
  const std::string good = entry("100644", "a", 1);
  for (const std::string& bad : {std::string("100644 b"), entry("100644", "b", 2).substr(0, 20),
                                 std::string("100644 \0", 8) + std::string(20, 'x'), std::string("1006440b")}) {
    const std::string tree = good + bad;
    TreeCursor cursor(tree);
    TreeEntry e;
    EXPECT_TRUE(cursor.next(e));
    EXPECT_FALSE(cursor.next(e));
    EXPECT_TRUE(cursor.malformed());
    EXPECT_EQ(cursor.remaining(), 0u);
  }
}

TEST(GitObjects, GitsTreeOrderComparesADirectoryAsIfItEndedInASlash) {
  const auto named = [](std::string_view name, EntryKind kind) { return TreeEntry{name, nullptr, kind}; };
  const TreeEntry file = named("foo", EntryKind::kBlob), dir = named("foo", EntryKind::kTree);
  const TreeEntry dotted = named("foo.c", EntryKind::kBlob), later = named("foo0", EntryKind::kBlob);
  EXPECT_LT(compare_entries(file, dir), 0);    // "foo" < "foo/"
  EXPECT_LT(compare_entries(dotted, dir), 0);  // "foo.c" < "foo/" ('.' < '/')
  EXPECT_LT(compare_entries(dir, later), 0);   // "foo/" < "foo0"
  EXPECT_EQ(compare_entries(dir, named("foo", EntryKind::kTree)), 0);
  EXPECT_EQ(compare_entries(file, named("foo", EntryKind::kGitlink)), 0);  // same place: only the kind differs
}

TEST(GitObjects, SharedHeadsAndTailsAndSkippingWholeEntries) {
  const std::string a = entry("100644", "a", 1) + entry("100644", "b", 2) + entry("100644", "c", 3);
  const std::string b = entry("100644", "a", 1) + entry("100644", "b", 9) + entry("100644", "c", 3);
  const std::size_t head = common_prefix(a, b), tail = common_suffix(a, b);
  EXPECT_EQ(head, entry("100644", "a", 1).size() + 9);  // "100644 b\0" then the ids differ
  EXPECT_EQ(tail, entry("100644", "c", 3).size());
  TreeCursor cursor(b);
  cursor.skip_within(head);  // only whole entries: "a", not into "b"
  EXPECT_EQ(cursor.remaining(), b.size() - entry("100644", "a", 1).size());
  EXPECT_EQ(common_prefix("", "abc"), 0u);
  EXPECT_EQ(common_suffix("xyzabcdefghij", "abcdefghij"), 10u);
  EXPECT_TRUE(same_id(reinterpret_cast<const unsigned char*>(a.data() + 9),
                      reinterpret_cast<const unsigned char*>(b.data() + 9)));
}

}  // namespace
}  // namespace keyward::sources
