#include "api/auth_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "api/password_hasher.hpp"
#include "api/password_policy.hpp"
#include "common/random.hpp"

namespace hotline::api {

namespace {

constexpr EpochMs kTouchIntervalMs = 60'000;  // limits session writes to one a minute

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

int seconds_until(EpochMs until, EpochMs now) {
  return static_cast<int>(std::max<EpochMs>(1, (until - now + 999) / 1000));
}

}  // namespace

AuthService::AuthService(store::Database& db, const AuthConfig& config)
    : db_(db),
      config_(config),
      users_(db),
      sessions_(db),
      throttle_(config.address_max_failures, config.address_window_minutes,
                config.address_block_minutes) {}

std::variant<LoginSuccess, LoginFailure> AuthService::login(const LoginAttempt& attempt) {
  const EpochMs now = now_ms();
  if (const auto wait = throttle_.blocked_for(attempt.source_ip, now); wait > 0)
    return LoginFailure{{"rate_limited", "too many failed logins from this address; try later"},
                        std::nullopt,
                        seconds_until(now + wait, now)};

  auto found = users_.find_credentials(lower(attempt.username));
  if (!found) return LoginFailure{found.error(), std::nullopt, 0};
  const Error bad_credentials{"invalid_credentials", "wrong username or password"};
  if (!*found) {
    burn_verification_time();
    throttle_.record_failure(attempt.source_ip, now);
    return LoginFailure{bad_credentials, std::nullopt, 0};
  }
  const auto& credentials = **found;
  const auto& user = credentials.user;
  if (user.locked_at(now))
    return LoginFailure{{"account_locked", "the account is locked after repeated failed logins"},
                        user.id,
                        seconds_until(*user.locked_until, now)};
  if (!verify_password(credentials.password_hash, attempt.password)) {
    throttle_.record_failure(attempt.source_ip, now);
    const EpochMs lock_until = now + EpochMs{config_.account_lock_minutes} * 60'000;
    auto failures = users_.record_failure(user.id, config_.account_max_failures, lock_until);
    if (failures && *failures >= config_.account_max_failures)
      return LoginFailure{
          {"account_locked", "the account is now locked after repeated failed logins"},
          user.id,
          seconds_until(lock_until, now)};
    return LoginFailure{bad_credentials, user.id, 0};
  }
  if (user.status != "active")
    return LoginFailure{{"account_disabled", "the account is disabled"}, user.id, 0};

  LoginSuccess success;
  success.token = random_token(32);
  success.session.id = digest_hex(success.token);
  success.session.user_id = user.id;
  success.session.created_at = now;
  success.session.last_seen_at = now;
  success.session.expires_at = std::min(now + EpochMs{config_.session_idle_minutes} * 60'000,
                                        now + EpochMs{config_.session_max_hours} * 3'600'000);
  success.session.source_ip = attempt.source_ip;
  success.session.user_agent = attempt.user_agent.substr(0, 256);
  if (auto created = sessions_.create(success.session); !created)
    return LoginFailure{created.error(), user.id, 0};
  if (auto recorded = users_.record_success(user.id, now); !recorded)
    spdlog::warn("could not record login time for user {}: {}", user.id, recorded.error().message);
  success.user = user;
  success.user.last_login_at = now;
  return success;
}

std::optional<Principal> AuthService::authenticate(const std::string& token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string id = digest_hex(token);
  auto session = sessions_.find(id);
  if (!session || !*session) return std::nullopt;
  const EpochMs now = now_ms();
  if ((*session)->expires_at <= now) {
    (void)sessions_.remove(id);
    return std::nullopt;
  }
  auto user = users_.find((*session)->user_id);
  if (!user || !*user || (*user)->status != "active") return std::nullopt;
  auto permissions = users_.permissions_of((*user)->id);
  if (!permissions) return std::nullopt;
  if (now - (*session)->last_seen_at >= kTouchIntervalMs) {
    const EpochMs expires =
        std::min(now + EpochMs{config_.session_idle_minutes} * 60'000,
                 (*session)->created_at + EpochMs{config_.session_max_hours} * 3'600'000);
    (void)sessions_.touch(id, now, expires);
  }
  Principal principal;
  principal.user_id = (*user)->id;
  principal.username = (*user)->username;
  principal.permissions.insert(permissions->begin(), permissions->end());
  principal.session_id = id;
  return principal;
}

Status AuthService::logout(const std::string& session_id) {
  return sessions_.remove(session_id);
}

Result<std::string> AuthService::hash_checked(const std::string& password,
                                              const std::string& username) const {
  if (auto problem = check_password_policy(password, username, config_.password_min_length))
    return Error{"weak_password", *problem};
  return hash_password(password);
}

Status AuthService::change_password(store::Id user_id, const std::string& old_password,
                                    const std::string& new_password,
                                    const std::string& keep_session_id) {
  auto found = users_.find_credentials(user_id);
  if (!found) return found.error();
  if (!*found) return Error{"not_found", "no such user"};
  if (!verify_password((*found)->password_hash, old_password))
    return Error{"invalid_credentials", "the current password is wrong"};
  if (old_password == new_password)
    return Error{"weak_password", "the new password must differ from the current one"};
  auto hash = hash_checked(new_password, (*found)->user.username);
  if (!hash) return hash.error();
  if (auto set = users_.set_password(user_id, *hash); !set) return set;
  // Other sessions of this user end; the one that made the change stays.
  return sessions_.remove_for_user(user_id, keep_session_id);
}

Status AuthService::reset_password(store::Id user_id, const std::string& new_password) {
  auto found = users_.find(user_id);
  if (!found) return found.error();
  if (!*found) return Error{"not_found", "no such user"};
  auto hash = hash_checked(new_password, (*found)->username);
  if (!hash) return hash.error();
  if (auto set = users_.set_password(user_id, *hash); !set) return set;
  if (auto unlocked = users_.unlock(user_id); !unlocked) return unlocked;
  return end_sessions(user_id);
}

Status AuthService::end_sessions(store::Id user_id) {
  return sessions_.remove_for_user(user_id);
}

}  // namespace hotline::api
