#pragma once
// Runs each store test on SQLite and on PostgreSQL, each time on a fresh, migrated database.
#include <gtest/gtest.h>

#include <memory>

#include "scratch_database.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/role_repository.hpp"

namespace hotline::store {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<test::ScratchDatabase>(GetParam());
    auto opened = Database::open(scratch_->url(), 2);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    auto migrated = migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    auto synced = RoleRepository(*db_).sync_builtin_roles();
    ASSERT_TRUE(synced.ok()) << synced.error().message;
  }
  void TearDown() override {
    db_.reset();
    scratch_.reset();
  }

  std::unique_ptr<test::ScratchDatabase> scratch_;
  std::unique_ptr<Database> db_;
};

inline std::string dialect_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

#define HOTLINE_INSTANTIATE_STORE_TEST(Suite)                                          \
  INSTANTIATE_TEST_SUITE_P(Dialects, Suite, ::testing::Values("sqlite", "postgresql"), \
                           ::hotline::store::dialect_name)

}  // namespace hotline::store
