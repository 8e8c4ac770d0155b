// Agents at work (docs/cti.md): their live states, state changes (an agent's own, or forced by a
// supervisor of their team), the soft phone bar's commands on the agent's own call, the
// wallboard, and the screen pop of an offered call.
#include "acd/acd_json.hpp"
#include "api/acd_errors.hpp"
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/ivr_entry_points.hpp"
#include "api/validation.hpp"
#include "common/masking.hpp"
#include "store/call_ivr_repository.hpp"
#include "store/queue_repository.hpp"
#include "store/voice_message_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

acd::AcdService& acd_of(ApiContext& ctx) {
  if (!ctx.acd) throw ApiError{503, "unavailable", "the ACD is not running"};
  return *ctx.acd;
}

// Click-to-dial numbers: digits, optionally an international "+"; routing decides the rest.
bool is_dialable(const std::string& number) {
  const auto digits = number.starts_with('+') ? number.substr(1) : number;
  return !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos;
}

store::User user_by_username(ApiContext& ctx, const std::string& username) {
  const auto page =
      value_or_throw(ctx.users.list({username, std::nullopt, std::nullopt, std::nullopt}, {1, 50}));
  for (const auto& user : page.items)
    if (user.username == username) return user;
  throw ApiError{404, "not_found", "no such user"};
}

// A supervisor covers the agents of their own organisation unit and the units beneath it; one
// without a unit, or who may manage queues (administrators), covers everyone.
bool covers(ApiContext& ctx, const Request& request, const store::User& agent) {
  if (request.user().has("acd.manage")) return true;
  const auto supervisor = value_or_throw(ctx.users.find(request.user().user_id));
  if (!supervisor || !supervisor->org_unit_id) return true;
  if (!agent.org_unit_id) return false;
  const auto units = value_or_throw(ctx.org_units.list());
  std::optional<store::Id> unit = agent.org_unit_id;
  for (std::size_t hops = 0; unit && hops <= units.size(); ++hops) {
    if (*unit == *supervisor->org_unit_id) return true;
    std::optional<store::Id> parent;
    for (const auto& candidate : units)
      if (candidate.id == *unit) parent = candidate.parent_id;
    unit = parent;
  }
  return false;
}

json agent_or_404(ApiContext& ctx, store::Id id) {
  const auto view = acd_value(acd_of(ctx).agent(id));
  if (!view) throw ApiError{404, "not_found", "not an agent (no extension)"};
  return acd::agent_json(*view);
}

Response list_agents(ApiContext& ctx, Request&) {
  json items = json::array();
  for (const auto& view : acd_value(acd_of(ctx).agents())) items.push_back(acd::agent_json(view));
  return Response::json({{"items", items}});
}

// Where the soft phone bar can transfer a queue call besides phones: every enabled queue, and
// the published IVR flows with their menus and message nodes (docs/cti.md).
json transfer_targets(ApiContext& ctx) {
  json targets = json::array();
  for (const auto& queue : value_or_throw(store::QueueRepository(ctx.db).list()))
    if (queue.enabled)
      targets.push_back({{"kind", "queue"},
                         {"target", "queue:" + queue.name},
                         {"label", queue.display_name.empty() ? queue.name : queue.display_name}});
  for (const auto& point : ivr_entry_points(ctx.db))
    targets.push_back(
        {{"kind", "ivr"}, {"target", "ivr:" + point.target()}, {"label", point.label}});
  return targets;
}

Response my_agent(ApiContext& ctx, Request& request) {
  auto body = agent_or_404(ctx, request.user().user_id);
  json reasons = json::array();
  for (const auto& reason : value_or_throw(store::QueueRepository(ctx.db).reasons()))
    if (reason.enabled) reasons.push_back(reason.name);
  body["reasons"] = reasons;
  body["transfer_targets"] = transfer_targets(ctx);
  return Response::json(body);
}

Response set_state(ApiContext& ctx, Request& request) {
  const auto agent = user_by_username(ctx, request.path_params.at("username"));
  const bool self = agent.id == request.user().user_id;
  if (self && !request.user().has("agent.work"))
    throw ApiError{403, "forbidden", "agent.work is required"};
  if (!self && (!request.user().has("agents.supervise") || !covers(ctx, request, agent)))
    throw ApiError{403, "forbidden", "only the agent or a supervisor of their team"};
  const auto body = request.json_body();
  reject_unknown_fields(body, {"state", "reason"});
  const auto state = required_string(body, "state", 1, 16);
  const auto reason = optional_string(body, "reason", 0, 40).value_or("");
  if (state == "not_ready" && !reason.empty()) {
    bool known = false;
    for (const auto& candidate : value_or_throw(store::QueueRepository(ctx.db).reasons()))
      known = known || (candidate.enabled && candidate.name == reason);
    if (!known) fail_validation("unknown not-ready reason '" + reason + "'");
  }
  const auto view = acd_value(acd_of(ctx).request_state(
      agent.id, state, reason, std::optional<store::Id>(request.user().user_id)));
  if (!self)
    ctx.audit.record(request,
                     {"agent.force_state",
                      "user",
                      std::to_string(agent.id),
                      true,
                      {{"username", agent.username}, {"state", state}, {"reason", reason}}});
  return Response::json(acd::agent_json(view));
}

Response call_action(ApiContext& ctx, Request& request) {
  const auto action = request.path_params.at("action");
  json body = json::object();
  if (!request.raw.body().empty()) body = request.json_body();
  reject_unknown_fields(body, {"target", "digits", "number"});
  std::string target = optional_string(body, "target", 0, 64).value_or("");  // "" as absent
  if (action == "dtmf") target = required_string(body, "digits", 1, 32);
  if (action == "dial") {
    const auto number = body.contains("number") ? required_string(body, "number", 1, 32)
                                                : required_string(body, "target", 1, 32);
    if (!is_dialable(number)) fail_validation("number: digits, optionally starting with +");
    const auto uuid = acd_value(acd_of(ctx).dial(request.user().user_id, number, std::nullopt));
    ctx.audit.record(request, {"agent.dial", "call", uuid, true, {{"number", number}}});
    auto agent = agent_or_404(ctx, request.user().user_id);
    agent["dialled_call"] = uuid;
    return Response::json(agent);
  }
  check_acd(acd_of(ctx).agent_call_action(request.user().user_id, action, target));
  return Response::json(agent_or_404(ctx, request.user().user_id));
}

Response wallboard(ApiContext& ctx, Request&) {
  json queues = json::array();
  for (const auto& view : acd_value(acd_of(ctx).queues())) queues.push_back(acd::queue_json(view));
  json agents = json::array();
  for (const auto& view : acd_value(acd_of(ctx).agents())) agents.push_back(acd::agent_json(view));
  return Response::json({{"at", format_iso8601(now_ms())}, {"queues", queues}, {"agents", agents}});
}

// What the agent sees when a call is offered: where the caller came from, what they did in the
// IVR (the ID number only masked), and their history with the hotline.
Response screen_pop(ApiContext& ctx, Request& request) {
  const auto uuid = request.path_params.at("uuid");
  const auto record = value_or_throw(ctx.calls.find_by_uuid(uuid));
  if (!record) throw ApiError{404, "not_found", "no such call"};
  const auto queued = acd_value(acd_of(ctx).queued_call(uuid));
  const auto me = acd_value(acd_of(ctx).agent(request.user().user_id));
  const bool mine = (queued && std::find(queued->offered_to.begin(), queued->offered_to.end(),
                                         request.user().user_id) != queued->offered_to.end()) ||
                    (me && (me->state.call == uuid || me->call_uuid == uuid));  // a callback
  if (!mine && !request.user().has("agents.read"))
    throw ApiError{403, "forbidden", "the call is not offered to you"};
  const bool full = request.user().has("calls.numbers");
  const auto number = [full](const std::string& n) { return full ? n : mask_phone_number(n); };
  json body = {{"uuid", uuid},
               {"caller", number(record->caller)},
               {"did", record->did},
               {"queue", queued ? json(queued->queue) : json(me ? me->call_queue : "")},
               {"wait_seconds", queued ? (now_ms() - queued->entered_at) / 1000 : 0},
               {"offered_at", format_iso8601(record->offered_at)}};
  json ivr = nullptr;
  body["id_number"] = nullptr;
  if (auto path = store::CallIvrRepository(ctx.db).find(record->id); path && *path) {
    const auto& found = **path;
    ivr = {{"flow", found.flow},
           {"path", json::parse(found.path, nullptr, false)},
           {"outcome", found.outcome},
           {"self_served", found.self_served}};
    if (queued) ivr["handed_over"] = queued->context;
    // The ID number the caller keyed is shown masked; reading it is audited like personal data.
    if (!found.id_sealed.empty() && ctx.secrets) {
      if (auto opened = ctx.secrets->decrypt(found.id_sealed); opened) {
        body["id_number"] = mask_id_number(*opened);
        ctx.audit.record(request, {"call.id_number_view", "call", uuid, true, {{"masked", true}}});
      }
    }
  }
  body["ivr"] = ivr;
  json previous = json::array();
  store::CallFilter filter;
  filter.number = record->caller;
  const auto history = value_or_throw(ctx.calls.query(filter, {1, 6}));
  for (const auto& call : history.items) {
    if (call.uuid == uuid) continue;
    previous.push_back({{"uuid", call.uuid},
                        {"offered_at", format_iso8601(call.offered_at)},
                        {"disposition", call.disposition},
                        {"answered_by", call.answered_by}});
  }
  body["previous_calls"] = previous;
  json messages = json::array();
  store::VoiceMessageFilter message_filter;
  message_filter.caller = record->caller;
  const auto left =
      value_or_throw(store::VoiceMessageRepository(ctx.db).query(message_filter, {1, 5}));
  for (const auto& message : left.items)
    messages.push_back({{"id", message.id},
                        {"created_at", format_iso8601(message.created_at)},
                        {"status", message.status}});
  body["messages"] = messages;
  return Response::json(body);
}

json monitor_json(const call::MonitorSession& session) {
  return {{"id", session.id},
          {"call", session.call_uuid},
          {"agent_extension", session.agent_extension},
          {"supervisor_extension", session.supervisor_extension},
          {"mode", session.mode},
          {"state", session.joined ? "joined" : "ringing"}};
}

std::string monitor_mode(const json& body) {
  const auto mode = required_string(body, "mode", 1, 10);
  if (mode != "listen" && mode != "whisper" && mode != "barge")
    fail_validation("mode must be listen, whisper or barge");
  return mode;
}

Response start_monitor(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"agent", "mode"});
  const auto agent = user_by_username(ctx, required_string(body, "agent", 1, 64));
  const auto mode = monitor_mode(body);
  if (!covers(ctx, request, agent))
    throw ApiError{403, "forbidden", "the agent is not in your team"};
  const auto session = acd_value(acd_of(ctx).monitor(agent.id, request.user().user_id, mode));
  ctx.audit.record(request, {"monitor.start",
                             "user",
                             std::to_string(agent.id),
                             true,
                             {{"monitor", session.id},
                              {"agent", agent.username},
                              {"call", session.call_uuid},
                              {"mode", mode}}});
  return Response::json(monitor_json(session), 201);
}

// Only the supervisor who started a session (or one who may manage queues) changes or ends it.
call::MonitorSession own_session(ApiContext& ctx, Request& request, const std::string& id) {
  const auto session = acd_value(acd_of(ctx).monitor_session(id));
  if (!session) throw ApiError{404, "not_found", "no such monitoring session"};
  const auto me = value_or_throw(ctx.users.find(request.user().user_id));
  if (!request.user().has("acd.manage") &&
      (!me || !me->extension || *me->extension != session->supervisor_extension))
    throw ApiError{403, "forbidden", "not your monitoring session"};
  return *session;
}

Response change_monitor(ApiContext& ctx, Request& request) {
  const auto id = request.path_params.at("id");
  const auto before = own_session(ctx, request, id);
  const auto body = request.json_body();
  reject_unknown_fields(body, {"mode"});
  const auto mode = monitor_mode(body);
  check_acd(acd_of(ctx).set_monitor_mode(id, mode));
  ctx.audit.record(request, {"monitor.mode",
                             "monitor",
                             id,
                             true,
                             {{"call", before.call_uuid}, {"from", before.mode}, {"mode", mode}}});
  auto after = before;
  after.mode = mode;
  return Response::json(monitor_json(after));
}

Response stop_monitor(ApiContext& ctx, Request& request) {
  const auto id = request.path_params.at("id");
  const auto session = own_session(ctx, request, id);
  check_acd(acd_of(ctx).end_monitor(id));
  ctx.audit.record(request, {"monitor.end", "monitor", id, true, {{"call", session.call_uuid}}});
  return Response::no_content();
}

}  // namespace

void register_agent_routes(Router& router, ApiContext& ctx) {
  const json state_input = {
      {"type", "object"},
      {"required", {"state"}},
      {"properties",
       {{"state", {{"type", "string"}, {"enum", {"ready", "not_ready", "logged_out"}}}},
        {"reason", {{"type", "string"}, {"maxLength", 40}}}}}};
  router.add({http::verb::get, "/api/v1/agents", Access::permission_required("agents.read"),
              "agents", "Every agent's live state", nullptr, nullptr},
             [&ctx](Request& r) { return list_agents(ctx, r); });
  router.add({http::verb::get, "/api/v1/agents/me", Access::permission_required("agent.work"),
              "agents", "The caller's own agent state and the not-ready reasons", nullptr, nullptr},
             [&ctx](Request& r) { return my_agent(ctx, r); });
  router.add({http::verb::put, "/api/v1/agents/{username}/state", Access::authenticated(), "agents",
              "Ready / not ready / log out: agents for themselves (agent.work), supervisors for "
              "their team (agents.supervise, audited)",
              state_input, nullptr},
             [&ctx](Request& r) { return set_state(ctx, r); });
  router.add({http::verb::post, "/api/v1/agents/me/call/{action}",
              Access::permission_required("agent.work"), "agents",
              "Soft phone bar command on the agent's own call (answer, hangup, hold, unhold, "
              "mute, unmute, transfer, consult, complete_transfer, cancel_consult, conference, "
              "dtmf, end_wrap_up) or click-to-dial (dial)",
              nullptr, nullptr},
             [&ctx](Request& r) { return call_action(ctx, r); });
  const auto monitor = Access::permission_required("agents.monitor");
  router.add({http::verb::post, "/api/v1/monitor", monitor, "agents",
              "Listen / whisper / barge in on an agent's live call from one's own phone "
              "(own team; audited)",
              nullptr, nullptr, 201},
             [&ctx](Request& r) { return start_monitor(ctx, r); });
  router.add({http::verb::put, "/api/v1/monitor/{id}", monitor, "agents",
              "Change a monitoring session's mode", nullptr, nullptr},
             [&ctx](Request& r) { return change_monitor(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/monitor/{id}", monitor, "agents",
              "End a monitoring session", nullptr, nullptr, 204},
             [&ctx](Request& r) { return stop_monitor(ctx, r); });
  router.add({http::verb::get, "/api/v1/wallboard", Access::permission_required("agents.read"),
              "agents", "Queues and agents live, with today's service level", nullptr, nullptr},
             [&ctx](Request& r) { return wallboard(ctx, r); });
  router.add({http::verb::get, "/api/v1/calls/{uuid}/screen-pop", Access::authenticated(), "agents",
              "What the agent a call is offered to sees: IVR path, masked ID number, history",
              nullptr, nullptr},
             [&ctx](Request& r) { return screen_pop(ctx, r); });
}

}  // namespace hotline::api
