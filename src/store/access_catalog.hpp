#pragma once
// Every permission the system knows, and the built-in roles with their permissions.
// Built-in roles are kept in step with this catalogue at every start, so that permissions
// added by later releases reach them; custom roles are the administrators' to edit.
#include <string>
#include <vector>

namespace hotline::store {

struct PermissionInfo {
  std::string code;   // "users.manage"
  std::string group;  // "system"
  std::string name_zh;
  std::string name_en;
};

struct BuiltinRole {
  std::string code;
  std::string name;  // zh-CN, as shown in the UI
  std::string description;
  std::vector<std::string> permissions;
};

const std::vector<PermissionInfo>& permission_catalog();
const std::vector<BuiltinRole>& builtin_roles();
bool is_known_permission(const std::string& code);

}  // namespace hotline::store
