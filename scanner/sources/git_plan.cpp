#include "scanner/sources/git_plan.h"

#include <git2.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "scanner/sources/commit_plan.h"
#include "scanner/sources/git.h"

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

Expected<bool> check(int status, std::string_view what) {
  if (status < 0) return fail(fmt::format("{}: {}", what, last_git_error()));
  return true;
}

bool is_scannable(const git_diff_delta& delta) {
  return delta.status == GIT_DELTA_ADDED || delta.status == GIT_DELTA_MODIFIED || delta.status == GIT_DELTA_RENAMED ||
         delta.status == GIT_DELTA_COPIED || delta.status == GIT_DELTA_TYPECHANGE ||
         delta.status == GIT_DELTA_UNTRACKED;
}

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

// Builds a plan on one thread with one repository handle.
struct PlanBuilder {
  git_repository* repo;
  GitPlan plan;

  // The blobs a diff adds or changes, with their added lines when asked for.
  Expected<bool> add_diff(git_diff* diff, int commit, LineFilter filter, NewSide side = NewSide::kObjects) {
    if (filter == LineFilter::kAddedLines) {  // with every line scanned, a renamed blob needs no pairing
      git_diff_find_options find{};
      git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
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
                   .bytes = nullptr,
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
  git_diff_options options{};
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
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
  git_diff_options options{};
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
  git_diff* diff = nullptr;
  if (auto ok = check(git_diff_index_to_workdir(&diff, builder.repo, nullptr, &options), "diff"); !ok) return ok;
  Diff owned(diff);
  return builder.add_diff(diff, -1, LineFilter::kAddedLines, NewSide::kWorkdir);
}

// A shallow clone's boundary: the commits listed in `shallow`, whose parents are not in the repository.
ShallowBoundary shallow_boundary(git_repository* repo) {
  ShallowBoundary boundary;
  if (git_repository_is_shallow(repo) != 1) return boundary;
  std::ifstream in(std::string(git_repository_commondir(repo)) + "shallow");
  for (std::string hex; in >> hex;) {
    git_oid oid{};
    if (git_oid_fromstr(&oid, hex.c_str()) == 0) boundary.insert(to_id(oid));
  }
  return boundary;
}

// Commits and trees are read by keyward's own pack reader on the workers; libgit2 serves loose objects.
Expected<bool> plan_from_commits(PlanBuilder& builder, git_odb* odb, CommitPlanOptions options) {
  plan_commits(*builder.plan.packs, odb, shallow_boundary(builder.repo), options, builder.plan);
  return true;
}

Expected<bool> plan_range(PlanBuilder& builder, git_odb* odb, const GitOptions& options) {
  git_revspec spec;
  if (git_revparse(&spec, builder.repo, options.range.c_str()) < 0) {
    return fail(fmt::format("bad range '{}': {}", options.range, last_git_error()));
  }
  Object from(spec.from), to(spec.to);
  if (spec.flags & GIT_REVSPEC_MERGE_BASE)
    return fail(fmt::format("bad range '{}': use A..B, not A...B", options.range));
  auto commit_of = [&](git_object* object) -> Expected<ObjectId> {
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) < 0) {
      return fail(fmt::format("bad range '{}': {}", options.range, last_git_error()));
    }
    Object owned(peeled);
    return to_id(*git_object_id(peeled));
  };
  CommitPlanOptions plan{
      .tips = {}, .hidden = {}, .filter = LineFilter::kAddedLines, .since = options.since, .threads = options.threads};
  if (spec.flags & GIT_REVSPEC_RANGE) {
    auto tip = commit_of(to.get());
    auto base = commit_of(from.get());
    if (!tip) return tl::unexpected(tip.error());
    if (!base) return tl::unexpected(base.error());
    plan.tips.push_back(*tip);
    plan.hidden.push_back(*base);
  } else {
    auto tip = commit_of(from.get());
    if (!tip) return tl::unexpected(tip.error());
    plan.tips.push_back(*tip);
  }
  return plan_from_commits(builder, odb, std::move(plan));
}

Expected<bool> plan_history(PlanBuilder& builder, git_odb* odb, const GitOptions& options) {
  CommitPlanOptions plan{
      .tips = {}, .hidden = {}, .filter = LineFilter::kAllLines, .since = options.since, .threads = options.threads};
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
        plan.tips.push_back(to_id(*git_object_id(peeled)));
      }
    }
    git_object* head = nullptr;
    if (git_revparse_single(&head, builder.repo, "HEAD^{commit}") == 0) {
      Object owned(head);
      plan.tips.push_back(to_id(*git_object_id(head)));
    }
  } else {
    for (const auto& branch : options.branches) {
      git_object* target = nullptr;
      if (git_revparse_single(&target, builder.repo, (branch + "^{commit}").c_str()) < 0) {
        return fail(fmt::format("unknown branch or revision '{}'", branch));
      }
      Object owned(target);
      plan.tips.push_back(to_id(*git_object_id(target)));
    }
  }
  return plan_from_commits(builder, odb, std::move(plan));
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
  Expected<bool> planned = true;
  switch (options.mode) {
    case GitMode::kStaged:
      planned = plan_staged(builder);
      break;
    case GitMode::kUncommitted:
      planned = plan_uncommitted(builder);
      break;
    case GitMode::kRange:
      planned = plan_range(builder, odb.get(), options);
      break;
    case GitMode::kHistory:
      planned = plan_history(builder, odb.get(), options);
      break;
  }
  if (!planned) return tl::unexpected(planned.error());
  builder.plan.blobs = std::make_shared<BlobReader>(
      std::make_unique<BlobReader::Handles>(BlobReader::Handles{std::move(repo), std::move(odb)}));
  return std::move(builder.plan);
}

}  // namespace keyward::sources
