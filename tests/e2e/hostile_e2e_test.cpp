// Hostile inputs (issue #8): the real binary on trees and repositories built to break a scanner. Each run must end
// (a generous kill deadline turns a hang into a failure), must not crash, must say what it skipped or could not
// read, and must still report the one planted key that sits elsewhere in the same tree.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/e2e/fixtures.h"
#include "tests/support/git_repo.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

constexpr int kDeadlineSeconds = 300;  // far beyond any run here, even under the sanitizers

std::string key_line(std::uint32_t seed) { return "MISTRAL_API_KEY=" + fake_token(seed) + "\n"; }

// Plants the key every test looks for, beside the hostile input.
void plant_key(const TempDir& dir, std::uint32_t seed) { dir.write("planted/app.env", key_line(seed)); }

ProcessResult scan(const std::vector<std::string>& args, ProcessOptions options = {}) {
  options.timeout_seconds = kDeadlineSeconds;
  std::vector<std::string> argv{"scan", "--format", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_keyward(argv, options);
}

// The JSON report parsed (it must always parse), with the number of findings whose path ends in `suffix`.
std::size_t findings_in(const std::string& report, const std::string& suffix) {
  const auto json = nlohmann::json::parse(report);
  std::size_t n = 0;
  for (const auto& f : json.at("findings")) {
    const auto path = f.at("path").get<std::string>();
    n += path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return n;
}

std::uint64_t skipped(const std::string& report, const std::string& what) {
  return nlohmann::json::parse(report).at("stats").at("skipped").at(what).get<std::uint64_t>();
}

void expect_finished(const ProcessResult& run) {
  EXPECT_FALSE(run.timed_out) << "keyward did not finish within " << kDeadlineSeconds << " s";
  EXPECT_NE(run.exit_code, -1) << "keyward was killed by a signal\n" << run.err;
}

TEST(HostileE2E, ASparseTwoGibFileIsSkippedAsTooLargeWithoutReadingIt) {
  TempDir dir;
  plant_key(dir, 801);
  const std::string huge = dir / "huge.log";
  const int fd = open(huge.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, off_t{2} << 30), 0);
  close(fd);
  const auto run = scan({dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(skipped(run.out, "too_large"), 1u) << run.out;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

// One 100 MB line with a key at its very end: skipped by default (over 10 MiB); with the limit raised, scanned
// whole and the key found.
TEST(HostileE2E, AOneHundredMegabyteLineIsScannedWhenTheLimitAllowsAndItsLastKeyFound) {
  TempDir dir;
  plant_key(dir, 802);
  std::string line;
  line.reserve(100u << 20);
  while (line.size() < (100u << 20)) line += "lorem ipsum dolor sit amet consectetur adipiscing ";
  line += "MISTRAL_API_KEY=" + fake_token(803);
  dir.write("one-line.txt", line);
  line = {};
  auto run = scan({dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(skipped(run.out, "too_large"), 1u) << run.out;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
  run = scan({"--max-file-size", "200MiB", dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(findings_in(run.out, "one-line.txt"), 1u) << run.out;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

// Binary is decided on the first 8 KiB only: a text file with NUL bytes further on is text, and scanned whole.
TEST(HostileE2E, NulBytesAfterTheFirstEightKibDoNotHideAKey) {
  TempDir dir;
  plant_key(dir, 804);
  dir.write("late-nul.txt",
            std::string(9000, 'x') + "\n" + std::string(64, '\0') + "\nMISTRAL_API_KEY=" + fake_token(805) + "\n");
  const auto run = scan({dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(findings_in(run.out, "late-nul.txt"), 1u) << run.out;
  EXPECT_EQ(skipped(run.out, "binary"), 0u) << run.out;
}

TEST(HostileE2E, AKeyAmongInvalidUtf8IsFoundAndTheReportStaysValidJson) {
  TempDir dir;
  plant_key(dir, 806);
  dir.write("latin1.env", "# caf\xe9 \xff\xfe\xc3\x28 \xed\xa0\x80\nMISTRAL_API_KEY=" + fake_token(807) +
                              " \xf0\x28\x8c\xbc\n\x80\x80\x80\n");
  const auto run = scan({"--no-redact", dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(findings_in(run.out, "latin1.env"), 1u) << run.out;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

TEST(HostileE2E, SymlinkLoopsEndWithADiagnosticWhenFollowedAndAreSkippedOtherwise) {
  TempDir dir;
  plant_key(dir, 808);
  std::filesystem::create_directories(dir / "loop/inner");
  std::filesystem::create_directory_symlink("..", dir / "loop/inner/up");
  std::filesystem::create_directory_symlink(dir.path(), dir / "loop/root");
  std::filesystem::create_symlink("self", dir / "loop/self");  // a link to itself: ELOOP
  auto run = scan({dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(skipped(run.out, "symlinks"), 3u) << run.out;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
  run = scan({"--follow-symlinks", dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("symlink loop"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("loop/self: broken symlink: Too many levels of symbolic links"), std::string::npos) << run.err;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;  // once, not once per way round the loop
}

// Nobody writes to these FIFOs: opening one for reading would block forever.
TEST(HostileE2E, AFifoIsSkippedWithoutBlockingInATreeOrNamedOnTheCommandLine) {
  TempDir dir;
  plant_key(dir, 809);
  const std::string fifo = dir / "pipe.env";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  auto run = scan({dir.path()});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(skipped(run.out, "special"), 1u) << run.out;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
  run = scan({fifo, dir / "planted/app.env"});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

TEST(HostileE2E, AnUnreadableFileAndDirectoryAreDiagnosticsAsNobody) {
  TempDir dir;
  plant_key(dir, 810);
  const std::string file = dir.write("secret/locked.env", key_line(811));
  const std::string locked_dir = dir / "closed";
  std::filesystem::create_directories(locked_dir);
  dir.write("closed/inside.env", key_line(812));
  ASSERT_EQ(chmod(file.c_str(), 0), 0);
  ASSERT_EQ(chmod(locked_dir.c_str(), 0), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  const auto run = scan({dir.path()}, {.privileges = Privileges::kDropRoot});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("locked.env: cannot open: Permission denied"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("closed: cannot read directory: Permission denied"), std::string::npos) << run.err;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

// Files vanish while keyward walks and reads: whichever the race gives (listed then gone, or gone before the
// listing), the run ends normally, a vanished file is at worst a "No such file" diagnostic, and the kept key
// is found.
TEST(HostileE2E, FilesDeletedDuringTheScanAreDiagnosticsNotCrashes) {
  TempDir dir;
  plant_key(dir, 813);
  constexpr int kFiles = 4000;
  for (int i = 0; i < kFiles; ++i)
    dir.write("churn/f" + std::to_string(i) + ".txt", "nothing here " + std::to_string(i) + "\n");
  std::atomic<bool> done = false;
  std::thread remover([&] {
    for (int i = 0; i < kFiles && !done; ++i) std::filesystem::remove(dir / ("churn/f" + std::to_string(i) + ".txt"));
  });
  const auto run = scan({"-j", "2", dir.path()});
  done = true;
  remover.join();
  expect_finished(run);
  EXPECT_TRUE(run.exit_code == 1 || run.exit_code == 2) << run.exit_code << run.err;
  for (std::size_t at = run.err.find("warning: "); at != std::string::npos; at = run.err.find("warning: ", at + 1)) {
    const auto end = run.err.find('\n', at);
    EXPECT_NE(run.err.substr(at, end - at).find("No such file or directory"), std::string::npos) << run.err;
  }
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

// Names are bytes on Linux: a newline or an invalid UTF-8 sequence in a name must neither break the JSON report
// nor forge a line in the diagnostics.
TEST(HostileE2E, FileNamesWithNewlinesAndNonUtf8BytesKeepTheJsonReportValid) {
  TempDir dir;
  plant_key(dir, 814);
  dir.write("new\nline.env", key_line(815));
  dir.write("bad\xff\xfe name\x01.env", key_line(816));
  const std::string unreadable = dir.write("locked\nkeyward: forged line.env", key_line(817));
  ASSERT_EQ(chmod(unreadable.c_str(), 0), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  const auto run = scan({"."}, {.cwd = dir.path(), .privileges = Privileges::kDropRoot});
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  const auto json = nlohmann::json::parse(run.out);  // throws, failing the test, if not valid JSON
  std::vector<std::string> paths;
  for (const auto& f : json.at("findings")) paths.push_back(f.at("path").get<std::string>());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "new\nline.env"), paths.end()) << run.out;
  EXPECT_NE(std::find(paths.begin(), paths.end(), "bad\xef\xbf\xbd\xef\xbf\xbd name\x01.env"), paths.end()) << run.out;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
  // The diagnostic names the file on one line, its newline escaped.
  EXPECT_NE(run.err.find("warning: locked\\nkeyward: forged line.env: cannot open"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("\nkeyward: forged"), std::string::npos) << run.err;
}

// Removes the chain `depth` directories `d` deep (and the file at its bottom), which is too deep for path names:
// down and back up one directory descriptor at a time, as it was made.
void remove_deep(const std::string& root, int depth) {
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < depth && fd >= 0; ++i) {
    const int child = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(fd);
    fd = child;
  }
  if (fd < 0) return;
  unlinkat(fd, "deep.env", 0);
  for (int i = 0; i < depth; ++i) {
    const int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(fd);
    fd = parent;
    if (fd < 0 || unlinkat(fd, "d", AT_REMOVEDIR) != 0) break;
  }
  if (fd >= 0) close(fd);
}

TEST(HostileE2E, TenThousandNestedDirectoriesAreWalkedToTheKeyAtTheBottom) {
  TempDir dir;
  plant_key(dir, 818);
  constexpr int kDepth = 10000;
  int fd = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < kDepth; ++i) {
    ASSERT_EQ(mkdirat(fd, "d", 0755), 0);
    const int child = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(fd);
    ASSERT_GE(child, 0);
    fd = child;
  }
  const int leaf = openat(fd, "deep.env", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  const std::string deep_key = key_line(819);
  ASSERT_EQ(write(leaf, deep_key.data(), deep_key.size()), static_cast<ssize_t>(deep_key.size()));
  close(leaf);
  close(fd);
  const auto run = scan({"."}, {.cwd = dir.path()});
  remove_deep(dir.path(), kDepth);
  expect_finished(run);
  // The path of deep.env is 20 KB, five times PATH_MAX: it is opened a few directories at a time.
  EXPECT_EQ(run.exit_code, 1) << run.err.substr(0, 300);
  EXPECT_EQ(run.err.find("too long"), std::string::npos) << run.err.substr(0, 300);
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out.substr(0, 2000);
  std::string deep_path;
  for (int i = 0; i < kDepth; ++i) deep_path += "d/";
  EXPECT_EQ(findings_in(run.out, deep_path + "deep.env"), 1u) << run.out.substr(0, 300);
}

// keyward never leaks what it finds: not in a default report, not in a diagnostic, not in any file it writes
// (the report file, the compiled-rules cache, a temporary file), even when the key sits in a broken config.
TEST(HostileE2E, NoKeyReachesStderrTheCacheOrTemporaryFilesAndReportsRedactByDefault) {
  TempDir dir, cache, tmp;
  const std::string key = fake_token(824);
  dir.write("planted/app.env", "MISTRAL_API_KEY=" + key + "\n");
  dir.write("own.toml", "[[rules]]\nid = \"own-rule\"\ndescription = \"x\"\nregex = 'own_[a-z]{20}'\n");
  const std::vector<std::string> env{"XDG_CACHE_HOME=" + cache.path(), "TMPDIR=" + tmp.path()};
  auto run = run_keyward(
      {"scan", "--rules", dir / "own.toml", "--report-path", dir / "report.json", "--format", "json", dir / "planted"},
      {.env = env, .timeout_seconds = kDeadlineSeconds});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(findings_in(read_file(dir / "report.json"), "planted/app.env"), 1u);
  EXPECT_EQ(read_file(dir / "report.json").find(key), std::string::npos);
  run = run_keyward({"scan", dir / "planted"}, {.env = env, .timeout_seconds = kDeadlineSeconds});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.out.find(key), std::string::npos) << run.out;
  EXPECT_EQ(run.err.find(key), std::string::npos) << run.err;
  // Broken configs that hold the key: the error names the file and the line, never the value.
  const std::vector<std::string> broken = {
      "[allowlist]\nstopwords = [\"" + key + "\" \"x\"]\n",                  // TOML syntax error after it
      "[allowlist]\nstopwords = \"" + key + "\"\n",                          // a string where a list belongs
      "title = \"t\"\n[[rules]]\nid = \"r\"\nregex = '''" + key + "('''\n",  // a gitleaks rule that fails
      "api_key = \"" + key + "\n",                                           // an unterminated string
  };
  for (const auto& text : broken) {
    dir.write(".keyward.toml", text);
    run = run_keyward({"scan", "--config", dir / ".keyward.toml", dir / "planted"},
                      {.env = env, .timeout_seconds = kDeadlineSeconds});
    EXPECT_EQ(run.exit_code, 2) << text << run.err;
    EXPECT_EQ(run.err.find(key.substr(0, 12)), std::string::npos) << text << run.err;
  }
  for (const auto* root : {&cache, &tmp}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root->path())) {
      if (entry.is_regular_file()) {
        EXPECT_EQ(read_file(entry.path()).find(key), std::string::npos) << entry.path();
      }
    }
  }
}

// --- git ---

ProcessResult scan_git(const std::string& repo_path) {
  return run_keyward({"git", "--format", "json", repo_path}, {.timeout_seconds = kDeadlineSeconds});
}

// A repository with a packed history and, committed after the repack, one loose key.
void packed_then_loose(GitRepo& repo) {
  for (int i = 0; i < 20; ++i) {
    repo.write("notes.txt", "revision " + std::to_string(i) + "\n" + std::string(200, 'a' + i % 26) + "\n");
    repo.git({"add", "."});
    repo.commit("edit " + std::to_string(i));
  }
  repo.git({"repack", "-adq"});
  repo.write("planted/app.env", key_line(820));
  repo.git({"add", "."});
  repo.commit("later");
}

std::string the_pack(const GitRepo& repo) {
  for (const auto& entry : std::filesystem::directory_iterator(repo.path() + "/.git/objects/pack")) {
    if (entry.path().extension() == ".pack") return entry.path();
  }
  return {};
}

TEST(HostileGitE2E, ATruncatedPackIsADiagnosticExitTwoAndTheLooseKeyIsStillFound) {
  GitRepo repo;
  packed_then_loose(repo);
  const std::string pack = the_pack(repo);
  ASSERT_FALSE(pack.empty());
  ASSERT_EQ(truncate(pack.c_str(), static_cast<off_t>(std::filesystem::file_size(pack) / 2)), 0);
  const auto run = scan_git(repo.path());
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("warning: "), std::string::npos) << run.err;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out << run.err;
}

TEST(HostileGitE2E, ACorruptLooseObjectIsADiagnosticExitTwoAndTheOtherKeyIsStillFound) {
  GitRepo repo;
  repo.write("broken.env", key_line(821));
  repo.write("planted/app.env", key_line(822));
  repo.git({"add", "."});
  repo.commit("two keys");
  std::string blob = repo.git({"rev-parse", "HEAD:broken.env"});
  blob.pop_back();
  const std::string object = repo.path() + "/.git/objects/" + blob.substr(0, 2) + "/" + blob.substr(2);
  std::filesystem::permissions(object, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::string bytes = read_file(object);
  for (std::size_t i = bytes.size() / 2; i < bytes.size(); ++i) bytes[i] = static_cast<char>(~bytes[i]);
  repo.write(".git/objects/" + blob.substr(0, 2) + "/" + blob.substr(2), bytes);
  const auto run = scan_git(repo.path());
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(blob.substr(0, 7)), std::string::npos) << "the diagnostic names the object\n" << run.err;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out << run.err;
}

TEST(HostileGitE2E, AShallowCloneOfAPackedRepositoryScansWhatItHas) {
  GitRepo origin;
  packed_then_loose(origin);
  TempDir parent;
  const std::string clone = parent / "clone";
  origin.git({"clone", "-q", "--depth", "1", "file://" + origin.path(), clone}, false);
  const auto run = scan_git(clone);
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

TEST(HostileGitE2E, TenThousandRefsToTheSameHistoryFindTheKeyOnce) {
  GitRepo repo;
  repo.write("planted/app.env", key_line(823));
  repo.git({"add", "."});
  const std::string head = repo.commit("key");
  std::string commands;
  for (int i = 0; i < 10000; ++i) commands += "create refs/tags/t" + std::to_string(i) + " " + head + "\n";
  const auto made =
      run_process({"/usr/bin/git", "-C", repo.path(), "update-ref", "--stdin"}, {.stdin_bytes = commands});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto run = scan_git(repo.path());
  expect_finished(run);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(findings_in(run.out, "planted/app.env"), 1u) << run.out;
}

}  // namespace
}  // namespace keyward::testing
