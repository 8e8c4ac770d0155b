#include "api/request_auth.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

namespace hotline::api {

std::optional<std::string> session_token_of(const Request& request) {
  const auto authorization = request.header(http::field::authorization);
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() &&
      authorization.compare(0, kBearer.size(), kBearer) == 0)
    return authorization.substr(kBearer.size());
  if (auto cookie = request.cookie("hotline_session"); cookie && !cookie->empty()) return cookie;
  if (boost::beast::websocket::is_upgrade(request.raw)) return request.query_param("token");
  return std::nullopt;
}

std::optional<Principal> authenticate_request(AuthService& auth, const Request& request) {
  const auto token = session_token_of(request);
  if (!token) return std::nullopt;
  return auth.authenticate(*token);
}

}  // namespace hotline::api
