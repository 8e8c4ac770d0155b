#include "api/http/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "test_dirs.hpp"

namespace hotline::api {
namespace {

namespace fs = std::filesystem;
using Kind = StaticLookup::Kind;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = dir.path() / "dist";
    write(root / "index.html", "<html>app</html>");
    write(root / "favicon.ico", "icon");
    write(root / "assets" / "app-1234.js", "js");
    write(root / "assets" / "style.css", "css");
    write(root / ".env", "SECRET=1");
    write(dir.path() / "secret.txt", "TOP-SECRET");
  }

  static void write(const fs::path& file, const std::string& content) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << content;
  }

  TempDir dir;
  fs::path root;
};

TEST_F(StaticFilesTest, ServesIndexForRoot) {
  const auto lookup = StaticFiles(root).lookup("/");
  ASSERT_EQ(lookup.kind, Kind::File);
  EXPECT_EQ(lookup.file, root / "index.html");
  EXPECT_EQ(lookup.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(lookup.cache_control, "no-cache");
}

TEST_F(StaticFilesTest, AssetsAreImmutable) {
  const auto lookup = StaticFiles(root).lookup("/assets/app-1234.js");
  ASSERT_EQ(lookup.kind, Kind::File);
  EXPECT_EQ(lookup.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(lookup.cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(StaticFiles(root).lookup("/favicon.ico").cache_control, "no-cache");
}

TEST_F(StaticFilesTest, SpaFallbackOnlyForExtensionlessPaths) {
  const StaticFiles files(root);
  EXPECT_EQ(files.lookup("/tickets/42").file, root / "index.html");
  EXPECT_EQ(files.lookup("/admin/users/").file, root / "index.html");
  EXPECT_EQ(files.lookup("/assets").file, root / "index.html");
  EXPECT_EQ(files.lookup("/assets/missing.js").kind, Kind::NotFound);
  EXPECT_EQ(files.lookup("/robots.txt").kind, Kind::NotFound);
}

TEST_F(StaticFilesTest, TraversalIsRefused) {
  const StaticFiles files(root);
  for (const auto* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html",
                           "/assets/..", "/..\\secret.txt", "/a\\..\\..\\secret.txt"})
    EXPECT_EQ(files.lookup(path).kind, Kind::BadPath) << path;
  EXPECT_EQ(files.lookup("/.env").kind, Kind::NotFound);
  EXPECT_EQ(files.lookup("relative").kind, Kind::BadPath);
}

TEST_F(StaticFilesTest, SymlinkOutOfTheRootIsNotFollowed) {
  fs::create_symlink(dir.path() / "secret.txt", root / "leak.txt");
  EXPECT_EQ(StaticFiles(root).lookup("/leak.txt").kind, Kind::NotFound);
}

TEST_F(StaticFilesTest, MissingIndexMeansNotBuilt) {
  fs::remove(root / "index.html");
  const StaticFiles files(root);
  EXPECT_EQ(files.lookup("/").kind, Kind::NotBuilt);
  EXPECT_EQ(files.lookup("/tickets").kind, Kind::NotBuilt);
  EXPECT_EQ(StaticFiles(dir.path() / "nowhere").lookup("/").kind, Kind::NotBuilt);
}

TEST(ContentType, KnownExtensions) {
  EXPECT_EQ(content_type_for("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("a.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("a.js.map"), "application/json");
  EXPECT_EQ(content_type_for("a.wav"), "audio/wav");
  EXPECT_EQ(content_type_for("a.mp3"), "audio/mpeg");
  EXPECT_EQ(content_type_for("a.ogg"), "audio/ogg");
  EXPECT_EQ(content_type_for("a.png"), "image/png");
  EXPECT_EQ(content_type_for("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace hotline::api
