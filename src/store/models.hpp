#pragma once
// Plain records exchanged with the repositories.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace hotline::store {

using Id = std::int64_t;

struct OrgUnit {
  Id id = 0;
  std::optional<Id> parent_id;
  std::string name;
  std::string kind;  // centre | team | department
  int sort_order = 0;
  int user_count = 0;
};

struct Role {
  Id id = 0;
  std::string code;
  std::string name;
  std::string description;
  bool builtin = false;
  std::vector<std::string> permissions;
  int user_count = 0;
};

struct User {
  Id id = 0;
  std::string username;
  std::string display_name;
  std::optional<Id> org_unit_id;
  std::optional<std::string> org_unit_name;
  std::vector<std::string> roles;  // role codes
  std::string status = "active";   // active | disabled
  std::optional<std::string> extension;
  int failed_logins = 0;
  std::optional<EpochMs> locked_until;
  std::optional<EpochMs> last_login_at;
  bool is_demo = false;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;

  bool locked_at(EpochMs now) const { return locked_until && *locked_until > now; }
};

struct Page {
  int page = 1;  // 1-based
  int page_size = 20;
};

template <typename T>
struct PageOf {
  std::vector<T> items;
  std::int64_t total = 0;
};

struct Session {
  std::string id;  // digest of the token
  Id user_id = 0;
  EpochMs created_at = 0;
  EpochMs last_seen_at = 0;
  EpochMs expires_at = 0;
  std::string source_ip;
  std::string user_agent;
};

struct AuditEntry {
  Id id = 0;
  EpochMs at = 0;
  std::optional<Id> actor_id;
  std::optional<std::string> actor_username;
  std::string source_ip;
  std::string action;  // "auth.login", "user.create", ...
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  bool success = true;
  std::string detail_json = "{}";
};

}  // namespace hotline::store
