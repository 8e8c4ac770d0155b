// Telephony configuration: carrier trunks, inbound number routes, outbound dial rules.
// Every change is audited and announced as "telephony.changed", which the call module
// subscribes to in order to reload its routing tables.
#include <arpa/inet.h>

#include <limits>

#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views.hpp"
#include "api/json_views_telephony.hpp"
#include "api/validation.hpp"
#include "store/dial_pattern.hpp"
#include "store/trunk_repository.hpp"

namespace hotline::api {

namespace {

constexpr const char* kDigits = "0123456789";

// ---- field checks ---------------------------------------------------------------------------

std::optional<bool> optional_bool(const nlohmann::json& body, const char* field) {
  if (!body.contains(field)) return std::nullopt;
  if (!body[field].is_boolean()) fail_validation(std::string(field) + " must be true or false");
  return body[field].get<bool>();
}

bool is_ip_address(const std::string& text) {
  in6_addr buffer{};
  return inet_pton(AF_INET, text.c_str(), &buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), &buffer) == 1;
}

// "10.1.2.3", "2001:db8::1", "10.1.2.0/24", "2001:db8::/32".
bool is_address_or_cidr(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return is_ip_address(text);
  const auto address = text.substr(0, slash);
  const auto prefix = text.substr(slash + 1);
  if (!matches_charset(prefix, kDigits, 1, 3)) return false;
  const int bits = std::stoi(prefix);
  in6_addr buffer{};
  if (inet_pton(AF_INET, address.c_str(), &buffer) == 1) return bits <= 32;
  if (inet_pton(AF_INET6, address.c_str(), &buffer) == 1) return bits <= 128;
  return false;
}

// "host:port" with a DNS name, an IPv4 address or a bracketed IPv6 address, port 1-65535.
bool is_host_port(const std::string& text) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    in6_addr buffer{};
    if (inet_pton(AF_INET6, host.c_str(), &buffer) != 1) return false;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (!matches_charset(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-",
                         1, 253) ||
        host.front() == '.' || host.front() == '-')
      return false;
  }
  if (!matches_charset(port, kDigits, 1, 5)) return false;
  const int number = std::stoi(port);
  return number >= 1 && number <= 65535;
}

// Digits, optionally with one leading '+'.
bool is_phone_number(const std::string& text, std::size_t min_digits, std::size_t max_digits) {
  const auto digits = !text.empty() && text.front() == '+' ? text.substr(1) : text;
  return matches_charset(digits, kDigits, min_digits, max_digits);
}

// The address the carrier is reached at when an ip_peer trunk names no proxy: its first
// address, when that is a single host.
std::optional<std::string> default_proxy(const std::vector<std::string>& addresses) {
  if (addresses.empty()) return std::nullopt;
  auto address = addresses.front();
  if (const auto slash = address.find('/'); slash != std::string::npos) {
    const auto bits = address.substr(slash + 1);
    address.resize(slash);
    const bool v6 = address.find(':') != std::string::npos;
    if (bits != (v6 ? "128" : "32")) return std::nullopt;
  }
  if (address.find(':') != std::string::npos) return "[" + address + "]:5060";
  return address + ":5060";
}

void publish_change(ApiContext& ctx, const char* what) {
  ctx.events.publish({"telephony.changed", {{"what", what}}, "telephony.read"});
}

// ---- trunks ---------------------------------------------------------------------------------

store::TrunkRepository trunk_repository(ApiContext& ctx) {
  if (!ctx.secrets)
    throw ApiError{503, "unavailable", "the secret key is not loaded in this process"};
  return store::TrunkRepository(ctx.db, *ctx.secrets);
}

// Secrets that no longer decrypt are a server-side problem with a clear remedy: say it.
template <typename T>
T trunk_value_or_throw(Result<T> result) {
  if (!result && result.error().code == "secret_invalid")
    throw ApiError{500, "secret_invalid", result.error().message};
  return value_or_throw(std::move(result));
}

[[noreturn]] void throw_trunk_store_error(const Error& error) {
  if (error.code == "conflict") throw ApiError{409, "conflict", "a trunk with this name exists"};
  if (error.code == "invalid") fail_validation(error.message);
  throw_store_error(error);
}

// Applies the body's fields onto `trunk` (defaults on create, the stored trunk on update)
// and validates the result as a whole.
void apply_trunk_body(const nlohmann::json& body, store::Trunk& trunk, bool creating) {
  reject_unknown_fields(
      body, {"name", "kind", "enabled", "addresses", "proxy", "transport", "numbers", "caller_id",
             "max_channels", "username", "password", "register_expires"});
  if (creating || body.contains("name")) trunk.name = required_string(body, "name", 1, 64);
  if (auto kind = optional_string(body, "kind", 1, 16)) trunk.kind = *kind;
  if (trunk.kind != "ip_peer" && trunk.kind != "registration")
    fail_validation("kind must be ip_peer or registration");
  if (auto enabled = optional_bool(body, "enabled")) trunk.enabled = *enabled;
  if (auto addresses = optional_string_list(body, "addresses", 64)) trunk.addresses = *addresses;
  for (const auto& address : trunk.addresses)
    if (!is_address_or_cidr(address))
      fail_validation("addresses: '" + address + "' is not an IP address or CIDR network");
  if (body.contains("proxy")) trunk.proxy = optional_string(body, "proxy", 0, 260).value_or("");
  if (auto transport = optional_string(body, "transport", 1, 8)) trunk.transport = *transport;
  if (trunk.transport != "udp" && trunk.transport != "tcp")
    fail_validation("transport must be udp or tcp");
  if (auto numbers = optional_string_list(body, "numbers", 100)) trunk.numbers = *numbers;
  for (const auto& number : trunk.numbers)
    if (!is_phone_number(number, 3, 20))
      fail_validation("numbers: '" + number + "' must be 3 to 20 digits, optionally after '+'");
  if (auto caller_id = optional_string(body, "caller_id", 0, 21)) trunk.caller_id = *caller_id;
  if (!trunk.caller_id.empty() && !matches_charset(trunk.caller_id, kDigits, 1, 20))
    fail_validation("caller_id must be digits");
  if (auto channels = optional_int(body, "max_channels", 1, 10000))
    trunk.max_channels = static_cast<int>(*channels);
  if (auto username = optional_string(body, "username", 0, 64)) trunk.username = *username;
  // The stored password is never sent out, so an absent or empty one means "keep it".
  trunk.password = optional_string(body, "password", 0, 128).value_or("");
  if (auto expires = optional_int(body, "register_expires", 60, 86400))
    trunk.register_expires = static_cast<int>(*expires);

  if (trunk.kind == "ip_peer") {
    if (trunk.addresses.empty())
      fail_validation("addresses: an ip_peer trunk needs at least one address");
    if (trunk.proxy.empty()) {
      auto proxy = default_proxy(trunk.addresses);
      if (!proxy)
        fail_validation("proxy is required when the first address is a network, not a host");
      trunk.proxy = *proxy;
    }
  } else {
    if (trunk.proxy.empty()) fail_validation("proxy is required for a registration trunk");
    if (trunk.username.empty()) fail_validation("username is required for a registration trunk");
  }
  if (!is_host_port(trunk.proxy))
    fail_validation("proxy must be host:port with a port from 1 to 65535");
}

Response list_trunks(ApiContext& ctx) {
  const auto trunks = trunk_value_or_throw(trunk_repository(ctx).list());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& trunk : trunks) items.push_back(to_json_view(trunk));
  return Response::json({{"items", items}});
}

store::Trunk trunk_or_404(ApiContext& ctx, store::Id id) {
  auto found = trunk_value_or_throw(trunk_repository(ctx).find(id));
  if (!found) throw ApiError{404, "not_found", "no such trunk"};
  return *found;
}

Response create_trunk(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  store::Trunk trunk;
  apply_trunk_body(body, trunk, true);
  if (trunk.kind == "registration" && trunk.password.empty())
    fail_validation("password is required for a registration trunk");
  auto repository = trunk_repository(ctx);
  auto id = repository.create(trunk);
  if (!id) throw_trunk_store_error(id.error());
  const auto created = trunk_or_404(ctx, *id);
  auto detail = to_json_view(created);
  ctx.audit.record(request, {"trunk.create", "trunk", std::to_string(*id), true, detail});
  publish_change(ctx, "trunks");
  return Response::json(detail, 201);
}

Response update_trunk(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  const auto before = trunk_or_404(ctx, id);
  auto trunk = before;
  apply_trunk_body(body, trunk, false);
  if (trunk.kind == "registration" && trunk.password.empty() && before.password.empty())
    fail_validation("password is required for a registration trunk");
  const bool password_changed = !trunk.password.empty();
  auto updated = trunk_repository(ctx).update(trunk);
  if (!updated) throw_trunk_store_error(updated.error());
  const auto after = trunk_or_404(ctx, id);
  ctx.audit.record(request, {"trunk.update",
                             "trunk",
                             std::to_string(id),
                             true,
                             {{"before", to_json_view(before)},
                              {"after", to_json_view(after)},
                              {"password_changed", password_changed}}});
  publish_change(ctx, "trunks");
  return Response::json(to_json_view(after));
}

Response delete_trunk(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto before = trunk_or_404(ctx, id);
  check(trunk_repository(ctx).remove(id));
  ctx.audit.record(request,
                   {"trunk.delete", "trunk", std::to_string(id), true, {{"name", before.name}}});
  publish_change(ctx, "trunks");
  return Response::no_content();
}

// ---- inbound routes -------------------------------------------------------------------------

bool extension_exists(ApiContext& ctx, const std::string& extension) {
  for (int page = 1;; ++page) {
    const auto users = value_or_throw(ctx.users.list({}, {page, 200}));
    for (const auto& user : users.items)
      if (user.extension && *user.extension == extension) return true;
    if (users.items.size() < 200) return false;
  }
}

void apply_route_body(ApiContext& ctx, const nlohmann::json& body, store::InboundRoute& route,
                      bool creating) {
  reject_unknown_fields(
      body, {"number", "destination_type", "destination", "record", "enabled", "description"});
  if (creating || body.contains("number")) route.number = required_string(body, "number", 3, 20);
  if (!matches_charset(route.number, kDigits, 3, 20))
    fail_validation("number must be 3 to 20 digits");
  if (auto type = optional_string(body, "destination_type", 1, 16)) route.destination_type = *type;
  if (route.destination_type != "extension" && route.destination_type != "ivr" &&
      route.destination_type != "queue")
    fail_validation("destination_type must be extension, ivr or queue");
  if (creating || body.contains("destination"))
    route.destination = required_string(body, "destination", 1, 64);
  if (auto record = optional_bool(body, "record")) route.record = *record;
  if (auto enabled = optional_bool(body, "enabled")) route.enabled = *enabled;
  if (auto description = optional_string(body, "description", 0, 200))
    route.description = *description;
  if (route.destination_type == "extension") {
    if (!matches_charset(route.destination, kDigits, 2, 8))
      fail_validation("destination must be an extension (2 to 8 digits)");
    // 422: well-formed, but it names nobody (the user may be created later; then it works).
    if (!extension_exists(ctx, route.destination))
      throw ApiError{422, "unknown_extension",
                     "no user has extension " + route.destination + ": assign it first"};
  }
}

[[noreturn]] void throw_route_store_error(const Error& error) {
  if (error.code == "conflict")
    throw ApiError{409, "conflict", "an inbound route for this number exists"};
  throw_store_error(error);
}

store::InboundRoute route_or_404(ApiContext& ctx, store::Id id) {
  auto found = value_or_throw(ctx.inbound_routes.find(id));
  if (!found) throw ApiError{404, "not_found", "no such inbound route"};
  return *found;
}

Response list_routes(ApiContext& ctx) {
  const auto routes = value_or_throw(ctx.inbound_routes.list());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& route : routes) items.push_back(to_json_view(route));
  return Response::json({{"items", items}});
}

Response create_route(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  store::InboundRoute route;
  apply_route_body(ctx, body, route, true);
  auto id = ctx.inbound_routes.create(route);
  if (!id) throw_route_store_error(id.error());
  const auto view = to_json_view(route_or_404(ctx, *id));
  ctx.audit.record(request,
                   {"inbound_route.create", "inbound_route", std::to_string(*id), true, view});
  publish_change(ctx, "inbound_routes");
  return Response::json(view, 201);
}

Response update_route(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  const auto before = route_or_404(ctx, id);
  auto route = before;
  apply_route_body(ctx, body, route, false);
  if (auto updated = ctx.inbound_routes.update(route); !updated)
    throw_route_store_error(updated.error());
  const auto view = to_json_view(route_or_404(ctx, id));
  ctx.audit.record(request, {"inbound_route.update",
                             "inbound_route",
                             std::to_string(id),
                             true,
                             {{"before", to_json_view(before)}, {"after", view}}});
  publish_change(ctx, "inbound_routes");
  return Response::json(view);
}

Response delete_route(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto before = route_or_404(ctx, id);
  check(ctx.inbound_routes.remove(id));
  ctx.audit.record(request, {"inbound_route.delete",
                             "inbound_route",
                             std::to_string(id),
                             true,
                             {{"number", before.number}}});
  publish_change(ctx, "inbound_routes");
  return Response::no_content();
}

// ---- outbound rules -------------------------------------------------------------------------

void apply_rule_body(const nlohmann::json& body, store::OutboundRule& rule, bool creating) {
  reject_unknown_fields(
      body, {"name", "pattern", "trunk_id", "strip_digits", "prepend", "priority", "enabled"});
  if (creating || body.contains("name")) rule.name = required_string(body, "name", 1, 64);
  if (creating || body.contains("pattern")) {
    rule.pattern = required_string(body, "pattern", 1, store::kMaxDialPatternLength);
    if (!store::is_valid_dial_pattern(rule.pattern))
      fail_validation(
          "pattern: use digits, X (any digit), Z (1-9), N (2-9), [1-5] or [135] sets and an "
          "optional final '.' (one or more further digits)");
  }
  if (creating || body.contains("trunk_id")) {
    if (!body.contains("trunk_id")) fail_validation("trunk_id is required");
    rule.trunk_id = *optional_int(body, "trunk_id", 1, std::numeric_limits<std::int64_t>::max());
  }
  if (auto strip = optional_int(body, "strip_digits", 0, 20))
    rule.strip_digits = static_cast<int>(*strip);
  if (auto prepend = optional_string(body, "prepend", 0, 21)) rule.prepend = *prepend;
  if (!rule.prepend.empty() && !is_phone_number(rule.prepend, 1, 20))
    fail_validation("prepend must be digits, optionally after '+'");
  if (auto priority = optional_int(body, "priority", 0, 10000))
    rule.priority = static_cast<int>(*priority);
  if (auto enabled = optional_bool(body, "enabled")) rule.enabled = *enabled;
}

[[noreturn]] void throw_rule_store_error(const Error& error) {
  if (error.code == "invalid") throw ApiError{422, "unknown_trunk", "trunk_id names no trunk"};
  throw_store_error(error);
}

store::OutboundRule rule_or_404(ApiContext& ctx, store::Id id) {
  auto found = value_or_throw(ctx.outbound_rules.find(id));
  if (!found) throw ApiError{404, "not_found", "no such outbound rule"};
  return *found;
}

Response list_rules(ApiContext& ctx) {
  const auto rules = value_or_throw(ctx.outbound_rules.list());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& rule : rules) items.push_back(to_json_view(rule));
  return Response::json({{"items", items}});
}

Response create_rule(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  store::OutboundRule rule;
  apply_rule_body(body, rule, true);
  auto id = ctx.outbound_rules.create(rule);
  if (!id) throw_rule_store_error(id.error());
  const auto view = to_json_view(rule_or_404(ctx, *id));
  ctx.audit.record(request,
                   {"outbound_rule.create", "outbound_rule", std::to_string(*id), true, view});
  publish_change(ctx, "outbound_rules");
  return Response::json(view, 201);
}

Response update_rule(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  const auto before = rule_or_404(ctx, id);
  auto rule = before;
  apply_rule_body(body, rule, false);
  if (auto updated = ctx.outbound_rules.update(rule); !updated)
    throw_rule_store_error(updated.error());
  const auto view = to_json_view(rule_or_404(ctx, id));
  ctx.audit.record(request, {"outbound_rule.update",
                             "outbound_rule",
                             std::to_string(id),
                             true,
                             {{"before", to_json_view(before)}, {"after", view}}});
  publish_change(ctx, "outbound_rules");
  return Response::json(view);
}

Response delete_rule(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto before = rule_or_404(ctx, id);
  check(ctx.outbound_rules.remove(id));
  ctx.audit.record(request, {"outbound_rule.delete",
                             "outbound_rule",
                             std::to_string(id),
                             true,
                             {{"name", before.name}, {"pattern", before.pattern}}});
  publish_change(ctx, "outbound_rules");
  return Response::no_content();
}

// ---- request schemas ------------------------------------------------------------------------

nlohmann::json trunk_input_schema() {
  auto schema = trunk_schema();
  for (const char* read_only : {"id", "has_password", "created_at", "updated_at"})
    schema["properties"].erase(read_only);
  schema["properties"]["password"] = {
      {"type", "string"},
      {"description", "registration: required on create; on update absent or empty keeps it"}};
  return schema;
}

nlohmann::json without_read_only(nlohmann::json schema) {
  for (const char* read_only : {"id", "trunk_name", "created_at", "updated_at"})
    schema["properties"].erase(read_only);
  return schema;
}

}  // namespace

void register_telephony_routes(Router& router, ApiContext& ctx) {
  auto create_schema = trunk_input_schema();
  create_schema["required"] = {"name", "kind"};
  const auto update_schema = trunk_input_schema();
  router.add({http::verb::get, "/api/v1/trunks", Access::permission_required("telephony.read"),
              "telephony", "Carrier trunks (passwords are never returned)", nullptr,
              list_schema(trunk_schema(), false)},
             [&ctx](Request&) { return list_trunks(ctx); });
  router.add({http::verb::post, "/api/v1/trunks", Access::permission_required("telephony.manage"),
              "telephony", "Create a trunk", create_schema, trunk_schema(), 201},
             [&ctx](Request& r) { return create_trunk(ctx, r); });
  router.add(
      {http::verb::put, "/api/v1/trunks/{id}", Access::permission_required("telephony.manage"),
       "telephony", "Change a trunk (absent or empty password keeps the stored one)", update_schema,
       trunk_schema()},
      [&ctx](Request& r) { return update_trunk(ctx, r); });
  router.add(
      {http::verb::delete_, "/api/v1/trunks/{id}", Access::permission_required("telephony.manage"),
       "telephony", "Delete a trunk that no outbound rule uses", nullptr, nullptr, 204},
      [&ctx](Request& r) { return delete_trunk(ctx, r); });

  auto route_input = without_read_only(inbound_route_schema());
  auto route_create = route_input;
  route_create["required"] = {"number", "destination"};
  router.add(
      {http::verb::get, "/api/v1/inbound-routes", Access::permission_required("telephony.read"),
       "telephony", "Public numbers (DIDs) and where their calls go", nullptr,
       list_schema(inbound_route_schema(), false)},
      [&ctx](Request&) { return list_routes(ctx); });
  router.add(
      {http::verb::post, "/api/v1/inbound-routes", Access::permission_required("telephony.manage"),
       "telephony", "Route a public number", route_create, inbound_route_schema(), 201},
      [&ctx](Request& r) { return create_route(ctx, r); });
  router.add({http::verb::put, "/api/v1/inbound-routes/{id}",
              Access::permission_required("telephony.manage"), "telephony",
              "Change an inbound route", route_input, inbound_route_schema()},
             [&ctx](Request& r) { return update_route(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/inbound-routes/{id}",
              Access::permission_required("telephony.manage"), "telephony",
              "Delete an inbound route", nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_route(ctx, r); });

  auto rule_input = without_read_only(outbound_rule_schema());
  auto rule_create = rule_input;
  rule_create["required"] = {"name", "pattern", "trunk_id"};
  router.add(
      {http::verb::get, "/api/v1/outbound-rules", Access::permission_required("telephony.read"),
       "telephony", "Outbound dial rules, lowest priority value first", nullptr,
       list_schema(outbound_rule_schema(), false)},
      [&ctx](Request&) { return list_rules(ctx); });
  router.add(
      {http::verb::post, "/api/v1/outbound-rules", Access::permission_required("telephony.manage"),
       "telephony", "Create an outbound dial rule", rule_create, outbound_rule_schema(), 201},
      [&ctx](Request& r) { return create_rule(ctx, r); });
  router.add({http::verb::put, "/api/v1/outbound-rules/{id}",
              Access::permission_required("telephony.manage"), "telephony",
              "Change an outbound dial rule", rule_input, outbound_rule_schema()},
             [&ctx](Request& r) { return update_rule(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/outbound-rules/{id}",
              Access::permission_required("telephony.manage"), "telephony",
              "Delete an outbound dial rule", nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_rule(ctx, r); });
}

}  // namespace hotline::api
