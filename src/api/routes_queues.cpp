// Queues and their members, and the not-ready reasons agents choose from (docs/cti.md). Every
// change is audited and announced as "acd.changed", which the ACD reloads on.
#include <set>

#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/ivr_entry_points.hpp"
#include "api/validation.hpp"
#include "store/queue_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

const std::set<std::string> kStrategies = {"longest_idle",    "round_robin", "fewest_calls",
                                           "least_talk_time", "ring_all",    "skills"};
const std::set<std::string> kOverflows = {"none", "queue", "message", "callback"};

json member_json(const store::QueueMember& member) {
  return {{"user_id", member.user_id},
          {"username", member.username},
          {"display_name", member.display_name},
          {"extension", member.extension},
          {"tier", member.tier},
          {"level", member.level}};
}

json queue_json(const store::Queue& q) {
  json members = json::array();
  for (const auto& member : q.members) members.push_back(member_json(member));
  return {{"id", q.id},
          {"name", q.name},
          {"display_name", q.display_name},
          {"strategy", q.strategy},
          {"tier_wait_seconds", q.tier_wait_seconds},
          {"ring_timeout_seconds", q.ring_timeout_seconds},
          {"wrap_up_seconds", q.wrap_up_seconds},
          {"max_wait_seconds", q.max_wait_seconds},
          {"max_length", q.max_length},
          {"overflow_type", q.overflow_type},
          {"overflow_target", q.overflow_target},
          {"moh_prompt", q.moh_prompt},
          {"announce_interval_seconds", q.announce_interval_seconds},
          {"announce_position", q.announce_position},
          {"announce_wait", q.announce_wait},
          {"callback_key", q.callback_key},
          {"service_level_seconds", q.service_level_seconds},
          {"service_level_target", q.service_level_target},
          {"warn_wait_seconds", q.warn_wait_seconds},
          {"alert_wait_seconds", q.alert_wait_seconds},
          {"enabled", q.enabled},
          {"members", members},
          {"created_at", format_iso8601(q.created_at)},
          {"updated_at", format_iso8601(q.updated_at)}};
}

std::optional<bool> optional_bool(const json& body, const char* field) {
  if (!body.contains(field)) return std::nullopt;
  if (!body[field].is_boolean()) fail_validation(std::string(field) + " must be true or false");
  return body[field].get<bool>();
}

// Applies the fields present in `body` to `q` and checks the whole result.
void read_queue(const json& body, store::Queue& q, bool creating) {
  reject_unknown_fields(body, {"name",
                               "display_name",
                               "strategy",
                               "tier_wait_seconds",
                               "ring_timeout_seconds",
                               "wrap_up_seconds",
                               "max_wait_seconds",
                               "max_length",
                               "overflow_type",
                               "overflow_target",
                               "moh_prompt",
                               "announce_interval_seconds",
                               "announce_position",
                               "announce_wait",
                               "callback_key",
                               "service_level_seconds",
                               "service_level_target",
                               "warn_wait_seconds",
                               "alert_wait_seconds",
                               "enabled"});
  if (creating || body.contains("name")) {
    q.name = required_string(body, "name", 1, 40);
    if (!matches_charset(q.name, "abcdefghijklmnopqrstuvwxyz0123456789_-", 1, 40))
      fail_validation("name: lower-case letters, digits, _ and - only");
  }
  q.display_name = optional_string(body, "display_name", 0, 60).value_or(q.display_name);
  q.strategy = optional_string(body, "strategy", 1, 20).value_or(q.strategy);
  if (!kStrategies.contains(q.strategy)) fail_validation("strategy: unknown routing strategy");
  const auto number = [&body](const char* field, int value, int min, int max) {
    return static_cast<int>(optional_int(body, field, min, max).value_or(value));
  };
  q.tier_wait_seconds = number("tier_wait_seconds", q.tier_wait_seconds, 0, 3600);
  q.ring_timeout_seconds = number("ring_timeout_seconds", q.ring_timeout_seconds, 5, 120);
  q.wrap_up_seconds = number("wrap_up_seconds", q.wrap_up_seconds, 0, 3600);
  q.max_wait_seconds = number("max_wait_seconds", q.max_wait_seconds, 0, 86400);
  q.max_length = number("max_length", q.max_length, 0, 10000);
  q.overflow_type = optional_string(body, "overflow_type", 1, 16).value_or(q.overflow_type);
  if (!kOverflows.contains(q.overflow_type))
    fail_validation("overflow_type: none, queue, message or callback");
  q.overflow_target = optional_string(body, "overflow_target", 0, 80).value_or(q.overflow_target);
  if (q.overflow_type == "queue" && (q.overflow_target.empty() || q.overflow_target == q.name))
    fail_validation("overflow_target: another queue's name");
  if (q.overflow_type == "message" && q.overflow_target.empty())
    fail_validation("overflow_target: the IVR message node that takes the message (flow#node)");
  q.moh_prompt = optional_string(body, "moh_prompt", 0, 64).value_or(q.moh_prompt);
  q.announce_interval_seconds =
      number("announce_interval_seconds", q.announce_interval_seconds, 0, 3600);
  if (q.announce_interval_seconds > 0 && q.announce_interval_seconds < 10)
    fail_validation("announce_interval_seconds: 0 (off) or at least 10");
  q.announce_position = optional_bool(body, "announce_position").value_or(q.announce_position);
  q.announce_wait = optional_bool(body, "announce_wait").value_or(q.announce_wait);
  q.callback_key = optional_string(body, "callback_key", 0, 1).value_or(q.callback_key);
  if (!q.callback_key.empty() && !matches_charset(q.callback_key, "0123456789*#", 1, 1))
    fail_validation("callback_key: one of 0-9 * #, or empty");
  q.service_level_seconds = number("service_level_seconds", q.service_level_seconds, 1, 600);
  q.service_level_target = number("service_level_target", q.service_level_target, 1, 100);
  q.warn_wait_seconds = number("warn_wait_seconds", q.warn_wait_seconds, 0, 3600);
  q.alert_wait_seconds = number("alert_wait_seconds", q.alert_wait_seconds, 0, 3600);
  if (q.alert_wait_seconds < q.warn_wait_seconds)
    fail_validation("alert_wait_seconds must not be below warn_wait_seconds");
  q.enabled = optional_bool(body, "enabled").value_or(q.enabled);
}

store::Queue queue_or_404(ApiContext& ctx, store::Id id) {
  auto found = value_or_throw(store::QueueRepository(ctx.db).find(id));
  if (!found) throw ApiError{404, "not_found", "no such queue"};
  return *found;
}

void changed(ApiContext& ctx, const std::string& what) {
  ctx.events.publish({"acd.changed", {{"what", what}}, "acd.read"});
}

Response list_queues(ApiContext& ctx, Request&) {
  json items = json::array();
  for (const auto& queue : value_or_throw(store::QueueRepository(ctx.db).list()))
    items.push_back(queue_json(queue));
  return Response::json({{"items", items}});
}

Response create_queue(ApiContext& ctx, Request& request) {
  store::Queue queue;
  read_queue(request.json_body(), queue, true);
  const auto id = value_or_throw(store::QueueRepository(ctx.db).create(queue));
  const auto created = queue_or_404(ctx, id);
  ctx.audit.record(request,
                   {"queue.create", "queue", std::to_string(id), true, queue_json(created)});
  changed(ctx, "queue");
  return Response::json(queue_json(created), 201);
}

Response update_queue(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto before = queue_or_404(ctx, id);
  store::Queue queue = before;
  read_queue(request.json_body(), queue, false);
  check(store::QueueRepository(ctx.db).update(queue));
  const auto after = queue_or_404(ctx, id);
  ctx.audit.record(request, {"queue.update",
                             "queue",
                             std::to_string(id),
                             true,
                             {{"before", queue_json(before)}, {"after", queue_json(after)}}});
  changed(ctx, "queue");
  return Response::json(queue_json(after));
}

Response delete_queue(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto queue = queue_or_404(ctx, id);
  if (ctx.acd) {
    const auto live = ctx.acd->queues();
    if (live) {
      for (const auto& view : *live)
        if (view.config.name == queue.name && view.live.waiting > 0)
          throw ApiError{409, "not_empty", "callers are waiting in this queue"};
    }
  }
  check(store::QueueRepository(ctx.db).remove(id));
  ctx.audit.record(request,
                   {"queue.delete", "queue", std::to_string(id), true, {{"name", queue.name}}});
  changed(ctx, "queue");
  return Response::no_content();
}

Response set_members(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto before = queue_or_404(ctx, id);
  const auto body = json::parse(request.raw.body(), nullptr, false);
  if (body.is_discarded()) throw ApiError{400, "invalid_json", "the body is not JSON"};
  if (!body.is_array() || body.size() > 1000)
    fail_validation("members: an array of {user_id, tier, level}");
  std::vector<store::QueueMember> members;
  std::set<store::Id> seen;
  for (const auto& item : body) {
    if (!item.is_object()) fail_validation("members: an array of {user_id, tier, level}");
    reject_unknown_fields(item, {"user_id", "tier", "level"});
    store::QueueMember member;
    const auto user = optional_int(item, "user_id", 1, INT64_MAX);
    if (!user) fail_validation("members: user_id is required");
    member.user_id = *user;
    member.tier = static_cast<int>(optional_int(item, "tier", 1, 9).value_or(1));
    member.level = static_cast<int>(optional_int(item, "level", 1, 10).value_or(5));
    if (!seen.insert(member.user_id).second) fail_validation("members: a user is named twice");
    const auto found = value_or_throw(ctx.users.find(member.user_id));
    if (!found) fail_validation("members: no user " + std::to_string(member.user_id));
    if (!found->extension) fail_validation("members: " + found->username + " has no extension");
    members.push_back(member);
  }
  check(store::QueueRepository(ctx.db).set_members(id, members));
  const auto after = queue_or_404(ctx, id);
  json before_members = json::array(), after_members = json::array();
  for (const auto& m : before.members) before_members.push_back(member_json(m));
  for (const auto& m : after.members) after_members.push_back(member_json(m));
  ctx.audit.record(request, {"queue.members",
                             "queue",
                             std::to_string(id),
                             true,
                             {{"before", before_members}, {"after", after_members}}});
  changed(ctx, "members");
  return Response::json(queue_json(after));
}

json reason_json(const store::NotReadyReason& reason) {
  return {{"id", reason.id},
          {"name", reason.name},
          {"sort_order", reason.sort_order},
          {"enabled", reason.enabled}};
}

store::NotReadyReason read_reason(const json& body, store::NotReadyReason reason, bool creating) {
  reject_unknown_fields(body, {"name", "sort_order", "enabled"});
  if (creating || body.contains("name")) reason.name = required_string(body, "name", 1, 20);
  reason.sort_order =
      static_cast<int>(optional_int(body, "sort_order", -1000, 1000).value_or(reason.sort_order));
  reason.enabled = optional_bool(body, "enabled").value_or(reason.enabled);
  return reason;
}

store::NotReadyReason reason_or_404(ApiContext& ctx, store::Id id) {
  for (const auto& reason : value_or_throw(store::QueueRepository(ctx.db).reasons()))
    if (reason.id == id) return reason;
  throw ApiError{404, "not_found", "no such reason"};
}

Response list_reasons(ApiContext& ctx, Request&) {
  json items = json::array();
  for (const auto& reason : value_or_throw(store::QueueRepository(ctx.db).reasons()))
    items.push_back(reason_json(reason));
  return Response::json({{"items", items}});
}

Response create_reason(ApiContext& ctx, Request& request) {
  auto reason = read_reason(request.json_body(), {}, true);
  reason.id = value_or_throw(store::QueueRepository(ctx.db).create_reason(reason));
  ctx.audit.record(request, {"agent_reason.create", "agent_reason", std::to_string(reason.id), true,
                             reason_json(reason)});
  changed(ctx, "reasons");
  return Response::json(reason_json(reason), 201);
}

Response update_reason(ApiContext& ctx, Request& request) {
  const auto before = reason_or_404(ctx, request.id_param("id"));
  const auto after = read_reason(request.json_body(), before, false);
  check(store::QueueRepository(ctx.db).update_reason(after));
  ctx.audit.record(request, {"agent_reason.update",
                             "agent_reason",
                             std::to_string(after.id),
                             true,
                             {{"before", reason_json(before)}, {"after", reason_json(after)}}});
  changed(ctx, "reasons");
  return Response::json(reason_json(after));
}

Response delete_reason(ApiContext& ctx, Request& request) {
  const auto reason = reason_or_404(ctx, request.id_param("id"));
  check(store::QueueRepository(ctx.db).remove_reason(reason.id));
  ctx.audit.record(request, {"agent_reason.delete", "agent_reason", std::to_string(reason.id), true,
                             reason_json(reason)});
  changed(ctx, "reasons");
  return Response::no_content();
}

// Where a queue's message overflow can send callers: the published flows' message nodes.
Response message_targets(ApiContext& ctx) {
  json items = json::array();
  for (const auto& point : ivr_entry_points(ctx.db))
    if (point.type == "message")
      items.push_back({{"target", point.target()}, {"label", point.label}});
  return Response::json({{"items", items}});
}

}  // namespace

void register_queue_routes(Router& router, ApiContext& ctx) {
  const auto read = Access::permission_required("acd.read");
  const auto manage = Access::permission_required("acd.manage");
  router.add({http::verb::get, "/api/v1/queues", read, "queues", "Queues with their members",
              nullptr, nullptr},
             [&ctx](Request& r) { return list_queues(ctx, r); });
  router.add({http::verb::get, "/api/v1/queues/message-targets", read, "queues",
              "IVR message nodes a queue's message overflow can send callers to", nullptr, nullptr},
             [&ctx](Request&) { return message_targets(ctx); });
  router.add({http::verb::post, "/api/v1/queues", manage, "queues", "Create a queue", nullptr,
              nullptr, 201},
             [&ctx](Request& r) { return create_queue(ctx, r); });
  router.add(
      {http::verb::get, "/api/v1/queues/{id}", read, "queues", "One queue", nullptr, nullptr},
      [&ctx](Request& r) {
        return Response::json(queue_json(queue_or_404(ctx, r.id_param("id"))));
      });
  router.add({http::verb::put, "/api/v1/queues/{id}", manage, "queues",
              "Change a queue's settings (fields not sent are kept)", nullptr, nullptr},
             [&ctx](Request& r) { return update_queue(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/queues/{id}", manage, "queues",
              "Delete a queue (refused while callers wait)", nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_queue(ctx, r); });
  router.add({http::verb::put, "/api/v1/queues/{id}/members", manage, "queues",
              "Replace the members: [{user_id, tier, level}]", nullptr, nullptr},
             [&ctx](Request& r) { return set_members(ctx, r); });
  router.add({http::verb::get, "/api/v1/agent-reasons", Access::authenticated(), "queues",
              "Not-ready reasons", nullptr, nullptr},
             [&ctx](Request& r) { return list_reasons(ctx, r); });
  router.add({http::verb::post, "/api/v1/agent-reasons", manage, "queues",
              "Create a not-ready reason", nullptr, nullptr, 201},
             [&ctx](Request& r) { return create_reason(ctx, r); });
  router.add({http::verb::put, "/api/v1/agent-reasons/{id}", manage, "queues",
              "Change a not-ready reason", nullptr, nullptr},
             [&ctx](Request& r) { return update_reason(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/agent-reasons/{id}", manage, "queues",
              "Delete a not-ready reason", nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_reason(ctx, r); });
}

}  // namespace hotline::api
