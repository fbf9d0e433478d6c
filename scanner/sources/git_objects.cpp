#include "scanner/sources/git_objects.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

namespace keyward::sources {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_hex_id(std::string_view hex, ObjectId& id) {
  if (hex.size() < 40) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    id[i] = static_cast<unsigned char>(high << 4 | low);
  }
  return true;
}

// "Name <email> 1700000000 +0100": the name, the email and the seconds; a field that does not parse stays empty.
void parse_signature(std::string_view line, std::string_view* name, std::string_view* email, std::int64_t& seconds) {
  const std::size_t open = line.rfind('<');
  const std::size_t close = line.rfind('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return;
  if (name != nullptr) {
    std::string_view n = line.substr(0, open);
    while (!n.empty() && n.back() == ' ') n.remove_suffix(1);
    *name = n;
  }
  if (email != nullptr) *email = line.substr(open + 1, close - open - 1);
  std::string_view when = line.substr(close + 1);
  while (!when.empty() && when.front() == ' ') when.remove_prefix(1);
  std::from_chars(when.data(), when.data() + when.size(), seconds);
}

}  // namespace

std::optional<ParsedCommit> parse_commit(std::string_view bytes) {
  ParsedCommit commit;
  bool has_tree = false;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t eol = bytes.find('\n', pos);
    if (eol == std::string_view::npos) eol = bytes.size();
    const std::string_view line = bytes.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty()) break;  // the headers end at the first blank line; a continuation line starts with ' '
    const std::size_t space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (key == "tree" && !has_tree) {
      if (!parse_hex_id(value, commit.tree)) return std::nullopt;
      has_tree = true;
    } else if (key == "parent") {
      ObjectId parent{};
      if (!parse_hex_id(value, parent)) return std::nullopt;
      commit.parents.push_back(parent);
    } else if (key == "author") {
      parse_signature(value, &commit.author_name, &commit.author_email, commit.author_seconds);
    } else if (key == "committer") {
      parse_signature(value, nullptr, nullptr, commit.committer_seconds);
    }
  }
  if (!has_tree) return std::nullopt;
  std::string_view message = pos < bytes.size() ? bytes.substr(pos) : std::string_view();
  while (!message.empty() && message.front() == '\n') message.remove_prefix(1);
  commit.message = message;
  return commit;
}

namespace {

// The length of the entry at the start of `rest` and the length of its mode; 0 when it is malformed.
// "<octal mode> <name>\0<20-byte id>", the mode five or six digits.
struct EntryShape {
  std::size_t mode = 0;
  std::size_t name_end = 0;  // offset of the NUL
};

[[gnu::always_inline]] inline std::size_t entry_length(std::string_view rest, EntryShape& shape) {
  const std::size_t size = rest.size();
  const char* p = rest.data();
  std::size_t mode = 0;
  if (size > 6 && p[5] == ' ' && p[0] == '4') {  // "40000 ": a tree
    mode = 5;
  } else if (size > 7 && p[6] == ' ') {  // "100644 ", "100755 ", "120000 ", "160000 "
    mode = 6;
  } else {
    while (mode < size && mode < 7 && p[mode] != ' ') ++mode;
    if (mode == 0 || mode == size || p[mode] != ' ') return 0;
  }
  shape.mode = mode;
  // The NUL after the name, eight bytes at a time: an entry has 20 bytes of id after it, so the words read stay
  // inside a well-formed tree; near the end the search goes byte by byte.
  std::size_t nul = mode + 1;
  if constexpr (std::endian::native == std::endian::little) {
    for (; nul + 8 <= size; nul += 8) {
      std::uint64_t word;
      std::memcpy(&word, p + nul, 8);
      const std::uint64_t zero = (word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull;
      if (zero != 0) {
        nul += static_cast<std::size_t>(std::countr_zero(zero) / 8);
        break;
      }
    }
  }
  while (nul < size && p[nul] != '\0') ++nul;
  if (nul == mode + 1 || nul == size || size - nul - 1 < 20) return 0;
  shape.name_end = nul;
  return nul + 1 + 20;
}

}  // namespace

bool TreeCursor::next(TreeEntry& entry) {
  if (rest_.empty()) return false;
  EntryShape shape;
  const std::size_t length = entry_length(rest_, shape);
  if (length == 0) {
    malformed_ = true;
    rest_ = {};
    return false;
  }
  // The mode as git reads it: octal, and only its file-type bits decide (040000 a tree, 0160000 a gitlink,
  // anything else a blob: 100644, 100755, 120000 for a symlink's target, old 100664). Those bits are the digits
  // before the last four.
  unsigned type = 0;
  for (std::size_t i = 0; i + 4 < shape.mode; ++i) type = type << 3 | static_cast<unsigned>(rest_[i] - '0');
  switch (type & 017u) {
    case 04u:
      entry.kind = EntryKind::kTree;
      break;
    case 016u:
      entry.kind = EntryKind::kGitlink;
      break;
    default:
      entry.kind = EntryKind::kBlob;
  }
  entry.name = rest_.substr(shape.mode + 1, shape.name_end - shape.mode - 1);
  entry.id = reinterpret_cast<const unsigned char*>(rest_.data() + shape.name_end + 1);
  rest_.remove_prefix(length);
  return true;
}

void TreeCursor::skip_within(std::size_t bytes) {
  std::size_t skipped = 0;
  EntryShape shape;
  while (skipped < rest_.size()) {
    const std::size_t length = entry_length(rest_.substr(skipped), shape);
    if (length == 0 || skipped + length > bytes) break;
    skipped += length;
  }
  rest_.remove_prefix(skipped);
}

std::size_t common_prefix(std::string_view a, std::string_view b) {
  const std::size_t size = std::min(a.size(), b.size());
  std::size_t i = 0;
  for (; std::endian::native == std::endian::little && i + 8 <= size; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return i + static_cast<std::size_t>(__builtin_ctzll(x ^ y) / 8);  // little-endian: first byte low
  }
  while (i < size && a[i] == b[i]) ++i;
  return i;
}

std::size_t common_suffix(std::string_view a, std::string_view b) {
  const std::size_t size = std::min(a.size(), b.size());
  const char* x_end = a.data() + a.size();
  const char* y_end = b.data() + b.size();
  std::size_t i = 0;
  for (; std::endian::native == std::endian::little && i + 8 <= size; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, x_end - i - 8, 8);
    std::memcpy(&y, y_end - i - 8, 8);
    if (x != y) return i + static_cast<std::size_t>(__builtin_clzll(x ^ y) / 8);  // the last byte is the high one
  }
  while (i < size && x_end[-1 - static_cast<std::ptrdiff_t>(i)] == y_end[-1 - static_cast<std::ptrdiff_t>(i)]) ++i;
  return i;
}

int compare_entries(const TreeEntry& a, const TreeEntry& b) {
  // Names are short: words compared inline beat a call to memcmp. The first differing byte decides.
  const std::size_t common = std::min(a.name.size(), b.name.size());
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= common; i += 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a.name.data() + i, 8);
      std::memcpy(&y, b.name.data() + i, 8);
      if (x != y) {
        i += static_cast<std::size_t>(std::countr_zero(x ^ y) / 8);
        return static_cast<unsigned char>(a.name[i]) - static_cast<unsigned char>(b.name[i]);
      }
    }
  }
  for (; i < common; ++i) {
    if (a.name[i] != b.name[i]) return static_cast<unsigned char>(a.name[i]) - static_cast<unsigned char>(b.name[i]);
  }
  const auto after = [common](const TreeEntry& e) -> int {
    if (e.name.size() > common) return static_cast<unsigned char>(e.name[common]);
    return e.kind == EntryKind::kTree ? '/' : 0;
  };
  return after(a) - after(b);
}

bool same_id(const unsigned char* a, const unsigned char* b) {
  std::uint64_t x[2], y[2];
  std::uint32_t x_tail, y_tail;
  std::memcpy(x, a, 16);
  std::memcpy(y, b, 16);
  std::memcpy(&x_tail, a + 16, 4);
  std::memcpy(&y_tail, b + 16, 4);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x_tail ^ y_tail)) == 0;
}

}  // namespace keyward::sources
