// MemoryFiles' rescan (once a second, on the refresher's thread) of an unchanged tree:
// it resolves the root and the symlinks, never every file (issue 17: fs::canonical per
// file made ~600 failing readlink calls a second in the gateway).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "memory_files.hpp"
#include "realpath_counter.hpp"
#include "support/test_environment.hpp"

using namespace phonebill;
using namespace phonebill::gateway;
namespace fs = std::filesystem;
using test_support::write_file;

TEST(MemoryFilesScanTest, RescanResolvesOnlyTheRootAndSymlinks) {
  auto base = test_support::make_temp_directory("memory-files-scan");
  auto root = base / "web";
  constexpr int kFiles = 20;
  for (int i = 0; i < kFiles; ++i)
    write_file(root / ("dir" + std::to_string(i % 4)) / ("file" + std::to_string(i) + ".js"),
               "content " + std::to_string(i));
  write_file(base / "outside.txt", "outside");
  fs::create_symlink(root / "dir0" / "file0.js", root / "inside-link.js");
  fs::create_symlink(base / "outside.txt", root / "escape.txt");

  MemoryFiles files{root};
  ASSERT_NE(files.find("dir1/file1.js"), nullptr);
  auto linked = files.find("inside-link.js");
  ASSERT_NE(linked, nullptr) << "a symlink to a file inside the root is served";
  EXPECT_EQ(linked->content, "content 0");
  EXPECT_EQ(files.find("escape.txt"), nullptr) << "a symlink out of the root is not";

  phonebill::gateway::testing::start_counting_realpaths();
  EXPECT_FALSE(files.refresh()) << "nothing changed";
  long resolved = phonebill::gateway::testing::stop_counting_realpaths();
  // The root and the two symlinks. Before: the root and every file (23).
  EXPECT_EQ(resolved, 3) << "realpath calls for a rescan of " << kFiles << " files and 2 links";

  // A plain file changed in place (same size, later time) is still seen.
  write_file(root / "dir2" / "file2.js", "CONTENT 2");
  fs::last_write_time(root / "dir2" / "file2.js",
                      fs::file_time_type::clock::now() + std::chrono::seconds{5});
  EXPECT_TRUE(files.refresh());
  EXPECT_EQ(files.find("dir2/file2.js")->content, "CONTENT 2");
  fs::remove_all(base);
}
