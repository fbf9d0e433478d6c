#include "scanner/audit/gitignore_audit.h"

#include <git2.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "scanner/audit/audit_findings.h"
#include "scanner/audit/path_glob.h"
#include "scanner/sources/git.h"
#include "scanner/sources/gitignore.h"

namespace keyward::audit {
namespace {

constexpr std::size_t kMaxContentBytes = std::size_t{1024} * 1024;  // content conditions look at the first MiB

template <typename T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Freer<T, Free>>;

using Index = Owned<git_index, git_index_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Blob = Owned<git_blob, git_blob_free>;
using Revwalk = Owned<git_revwalk, git_revwalk_free>;

std::string blob_bytes(git_repository* repo, const git_oid& id) {
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) < 0) return {};
  Blob blob(raw);
  const auto size = std::min<std::size_t>(static_cast<std::size_t>(git_blob_rawsize(raw)), kMaxContentBytes);
  return std::string(static_cast<const char*>(git_blob_rawcontent(raw)), size);
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(kMaxContentBytes, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

// A sensitive match for a path whose bytes are read only when the entry has a content condition.
template <typename ReadBytes>
std::optional<PathMatch> sensitive(const SensitivePaths& list, std::string_view path, ReadBytes read_bytes) {
  auto match = match_path(list, path);
  if (!match || match->entry->content.empty()) return match;
  if (!content_qualifies(*match->entry, read_bytes())) return std::nullopt;
  return match;
}

struct Auditor {
  git_repository* repo;
  const SensitivePaths& list;
  AuditResult result;
  sources::GitIgnore& ignore;
  std::set<std::string> tracked;      // paths reported as tracked
  std::set<std::string> index_paths;  // every path in the index

  void add(report::Finding finding) { result.report.findings.push_back(std::move(finding)); }

  void track(const PathMatch& match, const std::string& path, const char* where) {
    if (!tracked.insert(path).second) return;
    add(make_finding(kRuleTracked, *match.entry, path, engine::Severity::kCritical,
                     fmt::format("{}: its secrets have leaked to everyone with a clone; rotate them, then run "
                                 "`git rm --cached -- {}` and commit",
                                 where, path)));
  }

  Expected<bool> audit_index() {
    git_index* raw = nullptr;
    if (git_repository_index(&raw, repo) < 0)
      return fail(fmt::format("cannot read the index: {}", sources::last_git_error()));
    Index index(raw);
    const std::size_t count = git_index_entrycount(raw);
    for (std::size_t i = 0; i < count; ++i) {
      const git_index_entry* entry = git_index_get_byindex(raw, i);
      if (entry == nullptr) continue;
      index_paths.insert(entry->path);
      if (entry->mode == GIT_FILEMODE_COMMIT) continue;
      ++result.report.stats.files;
      if (auto match = sensitive(list, entry->path, [&] { return blob_bytes(repo, entry->id); })) {
        track(*match, entry->path, "tracked by git (in the index)");
      }
    }
    return true;
  }

  // Every blob path of a tree; `seen` (when given) skips a subtree already walked at the same place.
  template <typename OnBlob>
  void walk_tree(const git_tree* tree, std::set<std::string>* seen, OnBlob on_blob) {
    struct Context {
      std::set<std::string>* seen;
      OnBlob* on_blob;
    } context{seen, &on_blob};
    git_tree_walk(
        tree, GIT_TREEWALK_PRE,
        [](const char* root, const git_tree_entry* entry, void* payload) -> int {
          auto* c = static_cast<Context*>(payload);
          const std::string path = std::string(root) + git_tree_entry_name(entry);
          if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
            if (c->seen == nullptr) return 0;
            return c->seen->insert(path + "\n" + git_oid_tostr_s(git_tree_entry_id(entry))).second ? 0 : 1;
          }
          if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) (*c->on_blob)(path, *git_tree_entry_id(entry));
          return 0;
        },
        &context);
  }

  void audit_head() {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo, "HEAD^{tree}") < 0) return;  // no commit yet
    Tree tree(reinterpret_cast<git_tree*>(raw));
    walk_tree(tree.get(), nullptr, [&](const std::string& path, const git_oid& id) {
      if (auto match = sensitive(list, path, [&] { return blob_bytes(repo, id); })) {
        track(*match, path, "committed in HEAD (removed from the index, but the removal is not committed yet)");
      }
    });
  }

  // Every commit reachable from any ref or HEAD, oldest first; each sensitive path is reported once, at the
  // first commit that has it (a version that meets the entry's content condition).
  Expected<bool> audit_history() {
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo) < 0) return fail(fmt::format("history: {}", sources::last_git_error()));
    Revwalk walk(raw);
    git_revwalk_sorting(raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
    git_revwalk_push_glob(raw, "*");
    git_revwalk_push_head(raw);  // fails harmlessly on an unborn branch
    std::set<std::string> seen_trees;
    std::set<std::string> reported;
    std::set<std::string> checked_blobs;  // "path\noid" whose content condition was already checked
    git_oid oid;
    while (git_revwalk_next(&oid, raw) == 0) {
      git_commit* commit_raw = nullptr;
      if (git_commit_lookup(&commit_raw, repo, &oid) < 0) continue;
      Commit commit(commit_raw);
      ++result.report.stats.commits;
      git_tree* tree_raw = nullptr;
      if (git_commit_tree(&tree_raw, commit_raw) < 0) continue;
      Tree tree(tree_raw);
      walk_tree(tree.get(), &seen_trees, [&](const std::string& path, const git_oid& id) {
        if (tracked.contains(path) || reported.contains(path)) return;
        if (!checked_blobs.insert(path + "\n" + git_oid_tostr_s(&id)).second) return;
        auto match = sensitive(list, path, [&] { return blob_bytes(repo, id); });
        if (!match) return;
        reported.insert(path);
        auto finding = make_finding(kRuleInHistory, *match->entry, path, engine::Severity::kHigh,
                                    "committed in history, though not tracked now: its secrets have leaked to "
                                    "everyone with a clone; rotate them (rewriting history does not unleak them)");
        const git_signature* author = git_commit_author(commit_raw);
        char date[32] = "";
        if (author != nullptr) {
          const std::time_t seconds = static_cast<std::time_t>(author->when.time);
          std::tm utc{};
          gmtime_r(&seconds, &utc);
          std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
        }
        finding.git = {.commit = git_oid_tostr_s(&oid),
                       .author = author != nullptr && author->name != nullptr ? author->name : "",
                       .email = author != nullptr && author->email != nullptr ? author->email : "",
                       .date = date};
        add(std::move(finding));
      });
    }
    return true;
  }

  // Untracked files that git does not ignore, as `git status` lists them: a walk of the working tree that, like
  // git, skips .git, nested repositories and ignored directories.
  void audit_untracked(const std::string& workdir) {
    namespace fs = std::filesystem;
    std::vector<std::string> pending = {""};
    while (!pending.empty()) {
      const std::string dir = std::move(pending.back());
      pending.pop_back();
      std::error_code ec;
      for (fs::directory_iterator it(workdir + dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const std::string path = dir + name;
        const auto type = it->symlink_status(ec).type();
        if (type == fs::file_type::directory) {
          if (name == ".git" || fs::exists(it->path() / ".git", ec)) continue;
          if (!ignore.ignored(path, sources::PathKind::kDirectory)) pending.push_back(path + "/");
          continue;
        }
        if (type != fs::file_type::regular && type != fs::file_type::symlink) continue;
        if (index_paths.contains(path)) continue;  // tracked: audit_index's business
        ++result.report.stats.files;
        auto match = sensitive(list, path, [&] { return file_bytes(workdir + path); });
        if (!match || ignore.ignored(path, sources::PathKind::kFile)) continue;
        add(make_finding(kRuleExposed, *match->entry, path, engine::Severity::kHigh,
                         "untracked and not ignored: one `git add .` from a leak; add it to .gitignore "
                         "(`keyward audit --fix` does)"));
      }
    }
  }

  // The entry's literal exceptions (.env.example) that appending `pattern` would hide, when re-including them
  // cannot un-ignore anything that some rule ignores today.
  void keep_templates(const SensitivePath& entry, const std::string& pattern) {
    for (const auto& name : entry.except) {
      if (name.find_first_of("*?[/\\") != std::string::npos || !glob_matches(pattern, name)) continue;
      if (ignore.could_ignore_name(name)) continue;
      if (std::find(result.keep.begin(), result.keep.end(), name) == result.keep.end()) result.keep.push_back(name);
    }
  }

  // Each pattern (of an entry without a content condition) whose probe path git would not ignore at the root;
  // together one finding about the root .gitignore, which is where they go.
  void audit_patterns() {
    for (const auto& entry : list) {
      if (!entry.content.empty()) continue;  // such a file is fine to commit without a token
      for (const auto& pattern : entry.patterns) {
        std::string probe = probe_path(pattern);
        const bool directory = probe.ends_with('/');
        if (directory) probe.pop_back();
        if (ignore.ignored(probe, directory ? sources::PathKind::kDirectory : sources::PathKind::kFile)) continue;
        result.uncovered.push_back(pattern);
        keep_templates(entry, pattern);
      }
    }
    if (!result.uncovered.empty()) add(uncovered_finding(result.uncovered));
  }
};

}  // namespace

Expected<AuditResult> audit_repository(const std::string& repo_path, const SensitivePaths& list, History history) {
  const auto started = std::chrono::steady_clock::now();
  sources::Repository repo = sources::discover_repository(repo_path);
  if (!repo) return fail(fmt::format("{}: not a git repository", repo_path));
  const std::string workdir = sources::workdir(repo.get());
  if (workdir.empty())
    return fail(fmt::format("{}: the audit needs a working tree (this repository is bare)", repo_path));
  sources::GitIgnore ignore(repo.get());
  Auditor auditor{.repo = repo.get(), .list = list, .result = {}, .ignore = ignore, .tracked = {}, .index_paths = {}};
  auditor.result.gitignore_path = workdir + ".gitignore";
  if (auto ok = auditor.audit_index(); !ok) return tl::unexpected(ok.error());
  auditor.audit_head();
  if (history == History::kScan) {
    if (auto ok = auditor.audit_history(); !ok) return tl::unexpected(ok.error());
  }
  auditor.audit_untracked(workdir);
  auditor.audit_patterns();
  auditor.result.report.stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return std::move(auditor.result);
}

}  // namespace keyward::audit
