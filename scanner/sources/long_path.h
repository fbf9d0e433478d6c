// Opening and inspecting files by a path of any length. The kernel refuses a path of PATH_MAX (4 KiB) or more
// (ENAMETOOLONG), yet a tree can nest deeper than that (10,000 directories); such a path is then resolved a few
// components at a time, each step relative to a descriptor of the directory before it. Shorter paths cost
// nothing extra. Errors are reported through errno, as by the system calls these stand for.
#pragma once

#include <sys/stat.h>

#include <string>

namespace keyward::sources {

// open(2): a descriptor, or -1 with errno set.
int open_any_length(const std::string& path, int flags);
// lstat(2) when `follow_last` is false, else stat(2): 0, or -1 with errno set.
int stat_any_length(const std::string& path, struct stat& st, bool follow_last);

}  // namespace keyward::sources
