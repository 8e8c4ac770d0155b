#include "store/migrations.hpp"

#include <soci/soci.h>

#include "store_test_fixture.hpp"

namespace hotline::store {
namespace {

using MigrationsTest = StoreTest;

TEST_P(MigrationsTest, AppliesAllAndRecordsThem) {
  auto version = schema_version(*db_);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, all_migrations().back().version);
  soci::session sql(db_->pool());
  int rows = 0;
  sql << "SELECT COUNT(*) FROM schema_migrations", soci::into(rows);
  EXPECT_EQ(rows, static_cast<int>(all_migrations().size()));
}

TEST_P(MigrationsTest, SecondRunAppliesNothing) {
  auto again = migrate(*db_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from_version, again->to_version);
}

TEST_P(MigrationsTest, NewerDatabaseIsRefused) {
  std::vector<Migration> older(all_migrations().begin(), all_migrations().end() - 1);
  auto result = migrate(*db_, older);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "schema_too_new");
}

TEST_P(MigrationsTest, FailingMigrationRollsBackAndSaysWhich) {
  auto migrations = all_migrations();
  migrations.push_back(
      {999, "broken on purpose", {"CREATE TABLE ok_table (id INTEGER)", "NOT SQL AT ALL"}, {}, {}});
  auto result = migrate(*db_, migrations);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "migration_failed");
  EXPECT_NE(result.error().message.find("999"), std::string::npos);
  EXPECT_EQ(*schema_version(*db_), all_migrations().back().version);
  soci::session sql(db_->pool());
  // The half-done migration left nothing behind (DDL is transactional on both databases).
  bool table_exists = true;
  try {
    sql << "SELECT COUNT(*) FROM ok_table";
  } catch (const std::exception&) {
    table_exists = false;
  }
  EXPECT_FALSE(table_exists);
}

TEST_P(MigrationsTest, AuditLogIsAppendOnly) {
  soci::session sql(db_->pool());
  sql << "INSERT INTO audit_log (at, source_ip, action, success, detail) VALUES (1, '', 'x', 1, "
         "'{}')";
  EXPECT_THROW(sql << "UPDATE audit_log SET action = 'y'", std::exception);
  EXPECT_THROW(sql << "DELETE FROM audit_log", std::exception);
  int rows = 0;
  sql << "SELECT COUNT(*) FROM audit_log WHERE action = 'x'", soci::into(rows);
  EXPECT_EQ(rows, 1);
}

TEST_P(MigrationsTest, ForeignKeysAreEnforced) {
  soci::session sql(db_->pool());
  EXPECT_THROW(sql << "INSERT INTO user_roles (user_id, role_id) VALUES (424242, 1)",
               std::exception);
}

HOTLINE_INSTANTIATE_STORE_TEST(MigrationsTest);

TEST(DatabaseUrl, UnknownSchemeIsAnError) {
  auto db = Database::open("mysql://x", 1);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "database_url");
}

TEST(DatabaseUrl, DeadServerIsAnErrorNotACrash) {
  auto db = Database::open("postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2", 1);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "database_unavailable");
  EXPECT_EQ(db.error().message.find(":pw@"), std::string::npos) << "password leaked into the error";
}

TEST(DatabaseUrl, RedactsPasswords) {
  EXPECT_EQ(redact_database_url("postgresql://u:secret@h:5432/d"), "postgresql://u:***@h:5432/d");
  EXPECT_EQ(redact_database_url("sqlite://var/x.db"), "sqlite://var/x.db");
}

}  // namespace
}  // namespace hotline::store
