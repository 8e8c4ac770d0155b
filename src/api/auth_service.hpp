#pragma once
// Logins, sessions and password changes: the rules of web authentication in one place.
#include <optional>
#include <string>
#include <variant>

#include "api/http/http_types.hpp"
#include "api/login_throttle.hpp"
#include "common/config.hpp"
#include "common/result.hpp"
#include "store/session_repository.hpp"
#include "store/user_repository.hpp"

namespace hotline::api {

struct LoginAttempt {
  std::string username;
  std::string password;
  std::string source_ip;
  std::string user_agent;
};

struct LoginSuccess {
  std::string token;  // given to the client once; only its digest is stored
  store::Session session;
  store::User user;
};

// Error codes: invalid_credentials, account_locked, account_disabled, rate_limited,
// database. `retry_after_seconds` is set for the two blocking ones.
struct LoginFailure {
  Error error;
  std::optional<store::Id> user_id;  // when the username exists
  int retry_after_seconds = 0;
};

class AuthService {
 public:
  AuthService(store::Database& db, const AuthConfig& config);

  std::variant<LoginSuccess, LoginFailure> login(const LoginAttempt& attempt);
  // The principal for a token, or nullopt when it is unknown, expired or its user disabled.
  std::optional<Principal> authenticate(const std::string& token);
  Status logout(const std::string& session_id);
  // Checks the policy; "weak_password" with the reason when it fails.
  Result<std::string> hash_checked(const std::string& password, const std::string& username) const;
  // Own password change: "invalid_credentials" when `old_password` is wrong.
  Status change_password(store::Id user_id, const std::string& old_password,
                         const std::string& new_password, const std::string& keep_session_id);
  // Administrator reset: every session of the user ends.
  Status reset_password(store::Id user_id, const std::string& new_password);
  Status end_sessions(store::Id user_id);
  const AuthConfig& config() const { return config_; }

 private:
  store::Database& db_;
  AuthConfig config_;
  store::UserRepository users_;
  store::SessionRepository sessions_;
  LoginThrottle throttle_;
};

}  // namespace hotline::api
