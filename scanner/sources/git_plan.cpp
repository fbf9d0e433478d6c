#include "scanner/sources/git_plan.h"

#include <git2.h>

#include <algorithm>
#include <ctime>
#include <unordered_set>

#include <fmt/format.h>

#include "scanner/sources/git.h"
#include "scanner/sources/pack_backend.h"

namespace keyward::sources {
namespace {

template <auto Free>
struct Freer {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <typename T, auto Free>
using Owned = std::unique_ptr<T, Freer<Free>>;

using Tree = Owned<git_tree, git_tree_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Diff = Owned<git_diff, git_diff_free>;
using Patch = Owned<git_patch, git_patch_free>;
using Index = Owned<git_index, git_index_free>;
using Object = Owned<git_object, git_object_free>;
using Odb = Owned<git_odb, git_odb_free>;
using OdbObject = Owned<git_odb_object, git_odb_object_free>;

ObjectId to_id(const git_oid& oid) {
  ObjectId id;
  std::copy(std::begin(oid.id), std::begin(oid.id) + id.size(), id.begin());
  return id;
}

git_oid to_oid(const ObjectId& id) {
  git_oid oid{};
  std::copy(id.begin(), id.end(), std::begin(oid.id));
  return oid;
}

std::string iso_date(const git_time& when) {
  const std::time_t seconds = static_cast<std::time_t>(when.time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

CommitInfo commit_info(const git_commit* commit) {
  const git_signature* author = git_commit_author(commit);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, git_commit_id(commit));
  return {.id = hex,
          .author = author && author->name ? author->name : "",
          .email = author && author->email ? author->email : "",
          .date = author ? iso_date(author->when) : ""};
}

Expected<bool> check(int status, std::string_view what) {
  if (status < 0) return fail(fmt::format("{}: {}", what, last_git_error()));
  return true;
}

bool is_scannable(const git_diff_delta& delta) {
  return delta.status == GIT_DELTA_ADDED || delta.status == GIT_DELTA_MODIFIED || delta.status == GIT_DELTA_RENAMED ||
         delta.status == GIT_DELTA_COPIED || delta.status == GIT_DELTA_TYPECHANGE ||
         delta.status == GIT_DELTA_UNTRACKED;
}

constexpr std::size_t kTreeCacheBytes = std::size_t{64} << 20;

// Where a diff's new side lives: in the object database, or in the working tree.
enum class NewSide { kObjects, kWorkdir };

}  // namespace

struct BlobReader::Handles {
  Repository repo;
  Odb odb;
};

BlobReader::BlobReader(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}
BlobReader::~BlobReader() = default;

Expected<bool> BlobReader::read(const ObjectId& id, std::string& out) const {
  const git_oid oid = to_oid(id);
  git_odb_object* raw = nullptr;
  if (git_odb_read(&raw, handles_->odb.get(), &oid) < 0) {
    return fail(fmt::format("cannot read blob {}: {}", to_hex(id), last_git_error()));
  }
  OdbObject object(raw);
  const auto* data = static_cast<const char*>(git_odb_object_data(raw));
  out.assign(data, git_odb_object_size(raw));
  return true;
}

std::string to_hex(const ObjectId& id) {
  const git_oid oid = to_oid(id);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

// Builds a plan on one thread with one repository handle.
struct PlanBuilder {
  git_repository* repo;
  GitPlan plan;

  // The blobs a diff adds or changes, with their added lines when asked for.
  Expected<bool> add_diff(git_diff* diff, int commit, LineFilter filter, NewSide side = NewSide::kObjects) {
    if (filter == LineFilter::kAddedLines) {  // with every line scanned, a renamed blob needs no pairing
      git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
      find.flags = GIT_DIFF_FIND_RENAMES;
      if (auto ok = check(git_diff_find_similar(diff, &find), "rename detection"); !ok) return ok;
    }
    const std::size_t deltas = git_diff_num_deltas(diff);
    for (std::size_t i = 0; i < deltas; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(diff, i);
      if (!is_scannable(*delta)) continue;  // deletions and the like: nothing new to scan
      if (delta->new_file.mode == GIT_FILEMODE_COMMIT) {
        ++plan.counts.submodules;
        continue;
      }
      if (side == NewSide::kObjects && git_oid_is_zero(&delta->new_file.id)) continue;
      GitItem item{.blob = side == NewSide::kObjects ? std::optional(to_id(delta->new_file.id)) : std::nullopt,
                   .text = {},
                   .disk_path = side == NewSide::kWorkdir ? workdir(repo) + delta->new_file.path : std::string(),
                   .path = delta->new_file.path,
                   .filter = filter,
                   .added_lines = {},
                   .commit = commit};
      if (filter == LineFilter::kAddedLines) {
        git_patch* raw = nullptr;
        if (git_patch_from_diff(&raw, diff, i) < 0) {
          plan.diagnostics.push_back({item.path, fmt::format("cannot diff: {}", last_git_error())});
          continue;
        }
        Patch patch(raw);
        if (git_patch_get_delta(raw)->flags & GIT_DIFF_FLAG_BINARY) {
          ++plan.counts.binary;
          continue;
        }
        if (patch) {
          for (std::size_t h = 0; h < git_patch_num_hunks(raw); ++h) {
            const int lines = git_patch_num_lines_in_hunk(raw, h);
            for (int l = 0; l < lines; ++l) {
              const git_diff_line* line = nullptr;
              if (git_patch_get_line_in_hunk(&line, raw, h, static_cast<std::size_t>(l)) == 0 &&
                  line->origin == GIT_DIFF_LINE_ADDITION) {
                item.added_lines.push_back(line->new_lineno);
              }
            }
          }
        }
        if (item.added_lines.empty()) continue;  // a pure deletion or a binary change: nothing added to scan
        std::sort(item.added_lines.begin(), item.added_lines.end());
      }
      plan.items.push_back(std::move(item));
    }
    return true;
  }

  Expected<Tree> tree_of(const git_commit* commit) {
    git_tree* tree = nullptr;
    if (auto ok = check(git_commit_tree(&tree, commit), "cannot read a commit's tree"); !ok) {
      return tl::unexpected(ok.error());
    }
    return Tree(tree);
  }

  // One commit against its first parent (or nothing, for a root commit), plus its message.
  Expected<bool> add_commit(const git_oid& oid, LineFilter filter, const std::optional<std::int64_t>& since,
                            std::unordered_set<std::string>* seen_blobs) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &oid) < 0) {
      plan.diagnostics.push_back({git_oid_tostr_s(&oid), fmt::format("cannot read commit: {}", last_git_error())});
      return true;
    }
    Commit commit(raw);
    if (since && git_commit_time(raw) < *since) return true;
    const int index = static_cast<int>(plan.commits.size());
    plan.commits.push_back(commit_info(raw));
    ++plan.counts.commits;
    add_message(raw, index);
    // An unreadable tree or diff is this commit's diagnostic; the rest of the history is still scanned.
    auto tree = tree_of(raw);
    if (!tree) {
      plan.diagnostics.push_back({plan.commits.back().id, tree.error().message});
      return true;
    }
    Tree parent_tree;
    if (git_commit_parentcount(raw) > 0) {
      git_commit* parent = nullptr;
      if (git_commit_parent(&parent, raw, 0) == 0) {
        Commit owned(parent);
        auto t = tree_of(parent);
        if (t) parent_tree = std::move(*t);  // else the parent's own diagnostic says why; all of this tree is new
      }  // else a shallow clone's boundary: its parent is not here, so the whole tree is new to us
    }
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.flags = GIT_DIFF_SKIP_BINARY_CHECK;
    git_diff* diff = nullptr;
    if (auto ok = check(git_diff_tree_to_tree(&diff, repo, parent_tree.get(), tree->get(), &options), "diff"); !ok) {
      plan.diagnostics.push_back({plan.commits.back().id, ok.error().message});
      return true;
    }
    Diff owned_diff(diff);
    const std::size_t before = plan.items.size();
    if (auto ok = add_diff(diff, index, filter); !ok) return ok;
    if (seen_blobs != nullptr) {
      // Full history: every blob once, attributed to the first commit (oldest first) that brought it.
      auto keep = std::remove_if(plan.items.begin() + static_cast<std::ptrdiff_t>(before), plan.items.end(),
                                 [&](const GitItem& item) { return !seen_blobs->insert(to_hex(*item.blob)).second; });
      plan.items.erase(keep, plan.items.end());
    }
    return true;
  }

  void add_message(const git_commit* commit, int index) {
    const char* message = git_commit_message(commit);
    if (message != nullptr && message[0] != '\0') {
      plan.items.push_back(GitItem{.blob = std::nullopt,
                                   .text = message,
                                   .path = kCommitMessagePath,
                                   .filter = LineFilter::kAllLines,
                                   .added_lines = {},
                                   .commit = index});
    }
  }

  // Every commit reachable from `tips` and not from `hidden`, parents before children, each diffed and added.
  // libgit2's revwalk gives up at a shallow clone's missing parents; this walk treats them as roots.
  Expected<bool> walk(const std::vector<git_oid>& tips, const std::vector<git_oid>& hidden, LineFilter filter,
                      const std::optional<std::int64_t>& since, std::unordered_set<std::string>* seen_blobs) {
    std::unordered_set<std::string> excluded;
    for (const auto& oid : ancestors(hidden)) excluded.insert(git_oid_tostr_s(&oid));
    for (const auto& oid : ancestors(tips, &excluded)) {
      if (auto ok = add_commit(oid, filter, since, seen_blobs); !ok) return ok;
    }
    return true;
  }

  // Post-order depth-first walk: each commit after all its (present, not excluded) parents.
  std::vector<git_oid> ancestors(const std::vector<git_oid>& tips,
                                 const std::unordered_set<std::string>* excluded = nullptr) {
    std::vector<git_oid> order;
    std::unordered_set<std::string> visited;
    struct Frame {
      git_oid oid;
      bool expanded;
    };
    std::vector<Frame> stack;
    for (auto it = tips.rbegin(); it != tips.rend(); ++it) stack.push_back({*it, false});
    while (!stack.empty()) {
      Frame frame = stack.back();
      stack.pop_back();
      const std::string key = git_oid_tostr_s(&frame.oid);
      if (frame.expanded) {
        order.push_back(frame.oid);
        continue;
      }
      if ((excluded != nullptr && excluded->contains(key)) || !visited.insert(key).second) continue;
      git_commit* raw = nullptr;
      if (const int status = git_commit_lookup(&raw, repo, &frame.oid); status < 0) {
        // Missing in a shallow clone is its boundary; anything else (a corrupt object) must not pass unnoticed.
        if (status != GIT_ENOTFOUND || git_repository_is_shallow(repo) != 1) {
          plan.diagnostics.push_back({key, fmt::format("cannot read commit: {}", last_git_error())});
        }
        continue;
      }
      Commit commit(raw);
      stack.push_back({frame.oid, true});
      for (unsigned int p = git_commit_parentcount(raw); p > 0; --p)
        stack.push_back({*git_commit_parent_id(raw, p - 1), false});
    }
    return order;
  }
};

namespace {

Expected<bool> plan_staged(PlanBuilder& builder) {
  git_index* raw_index = nullptr;
  if (auto ok = check(git_repository_index(&raw_index, builder.repo), "cannot read the index"); !ok) return ok;
  Index index(raw_index);
  Tree head_tree;
  git_object* head = nullptr;
  if (git_revparse_single(&head, builder.repo, "HEAD^{tree}") == 0) {
    head_tree.reset(reinterpret_cast<git_tree*>(head));  // a repository with no commit yet compares to nothing
  }
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  git_diff* diff = nullptr;
  if (auto ok = check(git_diff_tree_to_index(&diff, builder.repo, head_tree.get(), raw_index, &options), "diff"); !ok) {
    return ok;
  }
  Diff owned(diff);
  return builder.add_diff(diff, -1, LineFilter::kAddedLines);
}

// What is staged, plus what is changed or new in the working tree and not ignored (an untracked file's every
// line counts as added).
Expected<bool> plan_uncommitted(PlanBuilder& builder) {
  if (auto staged = plan_staged(builder); !staged) return staged;
  if (workdir(builder.repo).empty()) return fail("--uncommitted needs a working tree (this repository is bare)");
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
  git_diff* diff = nullptr;
  if (auto ok = check(git_diff_index_to_workdir(&diff, builder.repo, nullptr, &options), "diff"); !ok) return ok;
  Diff owned(diff);
  return builder.add_diff(diff, -1, LineFilter::kAddedLines, NewSide::kWorkdir);
}

Expected<bool> plan_range(PlanBuilder& builder, const GitOptions& options) {
  git_revspec spec;
  if (git_revparse(&spec, builder.repo, options.range.c_str()) < 0) {
    return fail(fmt::format("bad range '{}': {}", options.range, last_git_error()));
  }
  Object from(spec.from), to(spec.to);
  if (spec.flags & GIT_REVSPEC_MERGE_BASE)
    return fail(fmt::format("bad range '{}': use A..B, not A...B", options.range));
  auto commit_of = [&](git_object* object) -> Expected<git_oid> {
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) < 0) {
      return fail(fmt::format("bad range '{}': {}", options.range, last_git_error()));
    }
    Object owned(peeled);
    return *git_object_id(peeled);
  };
  std::vector<git_oid> tips, hidden;
  if (spec.flags & GIT_REVSPEC_RANGE) {
    auto tip = commit_of(to.get());
    auto base = commit_of(from.get());
    if (!tip) return tl::unexpected(tip.error());
    if (!base) return tl::unexpected(base.error());
    tips.push_back(*tip);
    hidden.push_back(*base);
  } else {
    auto tip = commit_of(from.get());
    if (!tip) return tl::unexpected(tip.error());
    tips.push_back(*tip);
  }
  return builder.walk(tips, hidden, LineFilter::kAddedLines, options.since, nullptr);
}

Expected<bool> plan_history(PlanBuilder& builder, const GitOptions& options) {
  std::vector<git_oid> tips;
  if (options.branches.empty()) {
    // Every ref that leads to a commit, and HEAD; tags of trees or blobs are passed over.
    git_reference_iterator* raw_iter = nullptr;
    if (auto ok = check(git_reference_iterator_new(&raw_iter, builder.repo), "cannot list refs"); !ok) return ok;
    Owned<git_reference_iterator, git_reference_iterator_free> iter(raw_iter);
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, raw_iter) == 0) {
      Owned<git_reference, git_reference_free> owned(ref);
      git_object* peeled = nullptr;
      if (git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0) {
        Object commit(peeled);
        tips.push_back(*git_object_id(peeled));
      }
    }
    git_object* head = nullptr;
    if (git_revparse_single(&head, builder.repo, "HEAD^{commit}") == 0) {
      Object owned(head);
      tips.push_back(*git_object_id(head));
    }
  } else {
    for (const auto& branch : options.branches) {
      git_object* target = nullptr;
      if (git_revparse_single(&target, builder.repo, (branch + "^{commit}").c_str()) < 0) {
        return fail(fmt::format("unknown branch or revision '{}'", branch));
      }
      Object owned(target);
      tips.push_back(*git_object_id(target));
    }
  }
  std::unordered_set<std::string> seen;
  return builder.walk(tips, {}, LineFilter::kAllLines, options.since, &seen);
}

}  // namespace

Expected<GitPlan> plan_git(const std::string& repo_path, const GitOptions& options) {
  Repository repo = discover_repository(repo_path);
  if (!repo) return fail(fmt::format("{}: not a git repository", repo_path));
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo.get()) < 0) {
    return fail(fmt::format("cannot open the object database: {}", last_git_error()));
  }
  Odb odb(raw_odb);
  PlanBuilder builder{.repo = repo.get(), .plan = {}};
  builder.plan.packs =
      std::make_shared<const PackSet>(PackSet::open(std::string(git_repository_commondir(repo.get())) + "objects"));
  if (options.mode == GitMode::kRange || options.mode == GitMode::kHistory) {
    // Commit after commit, each tree is a delta of the one read just before: cache decoded objects.
    if (auto added = add_pack_backend(odb.get(), builder.plan.packs, kTreeCacheBytes); !added) {
      return tl::unexpected(added.error());
    }
  }
  Expected<bool> planned = true;
  switch (options.mode) {
    case GitMode::kStaged:
      planned = plan_staged(builder);
      break;
    case GitMode::kUncommitted:
      planned = plan_uncommitted(builder);
      break;
    case GitMode::kRange:
      planned = plan_range(builder, options);
      break;
    case GitMode::kHistory:
      planned = plan_history(builder, options);
      break;
  }
  if (!planned) return tl::unexpected(planned.error());
  builder.plan.blobs = std::make_shared<BlobReader>(
      std::make_unique<BlobReader::Handles>(BlobReader::Handles{std::move(repo), std::move(odb)}));
  return std::move(builder.plan);
}

}  // namespace keyward::sources
