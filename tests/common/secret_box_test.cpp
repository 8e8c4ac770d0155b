#include "common/secret_box.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace hotline {
namespace {

namespace fs = std::filesystem;

class SecretBoxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pattern = (fs::temp_directory_path() / "hotline-secret-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  SecretBox open(const fs::path& path) {
    auto box = SecretBox::open_key_file(path.string());
    EXPECT_TRUE(box.ok()) << box.error().message;
    return box.ok() ? *box : SecretBox(std::array<unsigned char, SecretBox::kKeyBytes>{});
  }

  fs::path dir_;
};

TEST_F(SecretBoxTest, RoundTrip) {
  const auto box = open(dir_ / "secret.key");
  const std::vector<std::string> plains = {"", "p", "Trunk#Pass2026", std::string(1000, 'x'),
                                           "密码"};
  for (const auto& plain : plains) {
    const auto sealed = box.encrypt(plain);
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
    if (plain.size() > 4) {
      EXPECT_EQ(sealed.find(plain), std::string::npos);
    }
    auto opened = box.decrypt(sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(*opened, plain);
  }
  EXPECT_NE(box.encrypt("same"), box.encrypt("same")) << "a fresh nonce every time";
}

TEST_F(SecretBoxTest, WrongKeyFails) {
  const auto one = open(dir_ / "one.key");
  const auto two = open(dir_ / "two.key");
  auto opened = two.decrypt(one.encrypt("secret"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, "secret_invalid");
}

TEST_F(SecretBoxTest, LookupHashIsStablePerKeyAndHidesTheText) {
  const auto one = open(dir_ / "one.key");
  const auto two = open(dir_ / "two.key");
  const std::string id = "11010519491231002X";
  const auto hash = one.lookup_hash(id);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash, one.lookup_hash(id));
  EXPECT_EQ(hash, open(dir_ / "one.key").lookup_hash(id)) << "the same key file, the same hash";
  EXPECT_NE(hash, one.lookup_hash("110105194912310021"));
  EXPECT_NE(hash, two.lookup_hash(id)) << "another installation cannot compute it";
}

TEST_F(SecretBoxTest, TamperedTextFails) {
  const auto box = open(dir_ / "secret.key");
  auto sealed = box.encrypt("secret value");
  auto flipped = sealed;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(box.decrypt(flipped).error().code, "secret_invalid");
  EXPECT_EQ(box.decrypt(sealed.substr(0, 20)).error().code, "secret_invalid");
  EXPECT_EQ(box.decrypt("v1:").error().code, "secret_invalid");
  EXPECT_EQ(box.decrypt("v1:!!!not base64!!!").error().code, "secret_invalid");
  EXPECT_EQ(box.decrypt("v2:" + sealed.substr(3)).error().code, "secret_invalid");
  EXPECT_EQ(box.decrypt("secret value").error().code, "secret_invalid");
}

TEST_F(SecretBoxTest, KeyFileIsCreatedPrivateAndReused) {
  const auto path = dir_ / "nested" / "dir" / "secret.key";
  const auto first = open(path);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(fs::file_size(path), SecretBox::kKeyBytes);
  const auto second = open(path);
  auto opened = second.decrypt(first.encrypt("kept"));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "kept");
}

TEST_F(SecretBoxTest, WrongSizeKeyFileIsAClearError) {
  for (const std::size_t size : {std::size_t{0}, std::size_t{31}, std::size_t{33}}) {
    const auto path = dir_ / ("bad" + std::to_string(size) + ".key");
    std::ofstream(path, std::ios::binary) << std::string(size, 'k');
    auto box = SecretBox::open_key_file(path.string());
    ASSERT_FALSE(box.ok()) << size;
    EXPECT_NE(box.error().message.find(path.string()), std::string::npos) << box.error().message;
    EXPECT_NE(box.error().message.find("32 bytes"), std::string::npos) << box.error().message;
  }
}

}  // namespace
}  // namespace hotline
