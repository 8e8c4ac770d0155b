// IVR flows: the draft the designer edits, publish-time validation, the immutable published
// versions calls run and the test version internal phones reach before publishing ("*77" + flow
// id). Every change is audited and announced as "ivr.changed", on which the IVR runtime reloads
// its catalog (calls already in a flow keep their version).
#include <limits>
#include <map>

#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views_ivr.hpp"
#include "api/routes_ivr_support.hpp"
#include "api/validation.hpp"
#include "ivr/flow_json.hpp"
#include "ivr/flow_validator.hpp"
#include "ivr/ivr_catalog.hpp"
#include "store/ivr_flow_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxDescription = 200;
constexpr std::size_t kMaxNote = 200;

// The graph as the server keeps it: the flow's own name wins over whatever the body says, and
// the version number belongs to published versions only.
json normalized_graph(json graph, const std::string& flow_name) {
  if (graph.is_object()) {
    graph["name"] = flow_name;
    graph.erase("version");
  }
  return graph;
}

json empty_draft(const std::string& name) {
  return {{"name", name}, {"nodes", json::object()}};
}

// A draft from the request body: a JSON object that reads as a flow (shape only). nullopt with
// `rejected` set when it does not.
std::optional<json> draft_from_body(const json& body, const std::string& flow_name,
                                    std::optional<Response>& rejected) {
  const auto& draft = body.at("draft");
  if (!draft.is_object()) fail_validation("draft must be a JSON object");
  auto graph = normalized_graph(draft, flow_name);
  const auto parsed = ivr::parse_flow(graph);
  if (!parsed.ok()) {
    rejected = unprocessable("invalid_flow", parsed.status().error().message, "issues",
                             ivr::to_json(parsed.errors));
    return std::nullopt;
  }
  return graph;
}

[[noreturn]] void throw_flow_store_error(const Error& error) {
  if (error.code == "conflict") throw ApiError{409, "conflict", error.message};
  if (error.code == "invalid") fail_validation(error.message);
  throw_store_error(error);
}

store::IvrFlow flow_or_404(store::IvrFlowRepository& flows, store::Id id) {
  auto found = value_or_throw(flows.find(id));
  if (!found) throw ApiError{404, "not_found", "no such flow"};
  return *found;
}

// Whether the draft holds edits that are not published (the version number aside).
std::optional<bool> draft_differs(store::IvrFlowRepository& flows, const store::IvrFlow& flow) {
  if (!flow.published_version) return true;
  const auto published = value_or_throw(flows.published(flow.name));
  if (!published) return std::nullopt;
  return normalized_graph(parse_stored_json(flow.draft), flow.name) !=
         normalized_graph(parse_stored_json(published->graph), flow.name);
}

// Whether the draft holds edits that were not test-published.
bool test_differs(const store::IvrFlow& flow, const store::IvrFlowTest& test) {
  return normalized_graph(parse_stored_json(flow.draft), flow.name) !=
         normalized_graph(parse_stored_json(test.graph), flow.name);
}

json flow_view(store::IvrFlowRepository& flows, const store::IvrFlow& flow, bool with_draft,
               const std::optional<store::IvrFlowTest>& test) {
  auto view = to_json_view(flow, with_draft, draft_differs(flows, flow));
  if (with_draft) view["draft"] = normalized_graph(view["draft"], flow.name);
  add_test_view(view, test, test ? std::optional<bool>(test_differs(flow, *test)) : std::nullopt);
  return view;
}

json flow_view(store::IvrFlowRepository& flows, const store::IvrFlow& flow, bool with_draft) {
  return flow_view(flows, flow, with_draft, value_or_throw(flows.test_version(flow.id)));
}

Response list_flows(ApiContext& ctx) {
  store::IvrFlowRepository flows(ctx.db);
  std::map<store::Id, store::IvrFlowTest> tests;
  for (auto& test : value_or_throw(flows.test_versions())) tests.emplace(test.flow_id, test);
  json items = json::array();
  for (const auto& flow : value_or_throw(flows.list())) {
    const auto test = tests.find(flow.id);
    items.push_back(flow_view(
        flows, flow, false,
        test == tests.end() ? std::nullopt : std::optional<store::IvrFlowTest>(test->second)));
  }
  return Response::json({{"items", items}});
}

Response get_flow(ApiContext& ctx, Request& request) {
  store::IvrFlowRepository flows(ctx.db);
  return Response::json(flow_view(flows, flow_or_404(flows, request.id_param("id")), true));
}

Response create_flow(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"name", "description", "draft"});
  store::IvrFlow flow;
  flow.name = required_ivr_name(body, "name");
  flow.description = optional_string(body, "description", 0, kMaxDescription).value_or("");
  json draft = empty_draft(flow.name);
  if (body.contains("draft")) {
    std::optional<Response> rejected;
    auto parsed = draft_from_body(body, flow.name, rejected);
    if (!parsed) return *rejected;
    draft = std::move(*parsed);
  }
  flow.draft = draft.dump();
  flow.draft_updated_by = request.user().user_id;
  store::IvrFlowRepository flows(ctx.db);
  auto id = flows.create(flow);
  if (!id) throw_flow_store_error(id.error());
  const auto view = flow_view(flows, flow_or_404(flows, *id), true);
  ctx.audit.record(request, {"ivr_flow.create",
                             "ivr_flow",
                             std::to_string(*id),
                             true,
                             {{"name", flow.name}, {"description", flow.description}}});
  publish_ivr_change(ctx, "flows", *id);
  return Response::json(view, 201);
}

Response update_flow(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"name", "description", "draft"});
  store::IvrFlowRepository flows(ctx.db);
  const auto before = flow_or_404(flows, id);
  const auto name = optional_ivr_name(body, "name").value_or(before.name);
  const auto description =
      optional_string(body, "description", 0, kMaxDescription).value_or(before.description);
  // Everything is checked before anything is written.
  std::optional<json> draft;
  if (body.contains("draft")) {
    std::optional<Response> rejected;
    draft = draft_from_body(body, name, rejected);
    if (!draft) return *rejected;
  }
  if (name != before.name || description != before.description)
    if (auto updated = flows.update_details(id, name, description); !updated)
      throw_flow_store_error(updated.error());
  if (draft)
    if (auto saved = flows.save_draft(id, draft->dump(), request.user().user_id); !saved)
      throw_flow_store_error(saved.error());
  const auto after = flow_or_404(flows, id);
  ctx.audit.record(request, {"ivr_flow.update",
                             "ivr_flow",
                             std::to_string(id),
                             true,
                             {{"before", to_json_view(before, false, std::nullopt)},
                              {"after", to_json_view(after, false, std::nullopt)},
                              {"draft_changed", draft.has_value()}}});
  publish_ivr_change(ctx, "flows", id);
  return Response::json(flow_view(flows, after, true));
}

Response validate_draft(ApiContext& ctx, Request& request) {
  store::IvrFlowRepository flows(ctx.db);
  const auto flow = flow_or_404(flows, request.id_param("id"));
  const auto report =
      ivr::validate_flow_json(normalized_graph(parse_stored_json(flow.draft), flow.name));
  return Response::json({{"ok", report.ok()},
                         {"errors", ivr::to_json(report.errors())},
                         {"warnings", ivr::to_json(report.warnings())}});
}

Response publish_flow(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  json body = json::object();
  if (!request.raw.body().empty()) body = request.json_body();
  reject_unknown_fields(body, {"note"});
  const auto note = optional_string(body, "note", 0, kMaxNote).value_or("");
  store::IvrFlowRepository flows(ctx.db);
  const auto flow = flow_or_404(flows, id);
  const auto existing = value_or_throw(flows.versions(id));
  const int next_version = existing.empty() ? 1 : existing.front().version + 1;
  auto graph = normalized_graph(parse_stored_json(flow.draft), flow.name);
  if (graph.is_object()) graph["version"] = next_version;
  const auto report = ivr::validate_flow_json(graph);
  if (!report.ok())
    return unprocessable("flow_not_publishable", report.status().error().message, "issues",
                         ivr::to_json(report.errors()));
  auto published = flows.publish(id, graph.dump(), request.user().user_id, note);
  if (!published) throw_flow_store_error(published.error());
  auto view = to_json_view(*published, true);
  view["warnings"] = ivr::to_json(report.warnings());
  ctx.audit.record(request,
                   {"ivr_flow.publish",
                    "ivr_flow",
                    std::to_string(id),
                    true,
                    {{"flow", flow.name}, {"version", published->version}, {"note", note}}});
  publish_ivr_change(ctx, "flows", id);
  return Response::json(view, 201);
}

// Puts the draft on the test line: validated exactly as publish validates it (same 422 with
// the issues), then stored as the flow's test version, replacing the previous one. Internal
// phones dial test_code to hear it; the public number keeps the published version.
Response test_publish_flow(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  json body = json::object();
  if (!request.raw.body().empty()) body = request.json_body();
  reject_unknown_fields(body, {});
  store::IvrFlowRepository flows(ctx.db);
  const auto flow = flow_or_404(flows, id);
  const auto graph = normalized_graph(parse_stored_json(flow.draft), flow.name);
  const auto report = ivr::validate_flow_json(graph);
  if (!report.ok())
    return unprocessable("flow_not_publishable", report.status().error().message, "issues",
                         ivr::to_json(report.errors()));
  auto stored = flows.test_publish(id, graph.dump(), request.user().user_id);
  if (!stored) throw_flow_store_error(stored.error());
  const auto code = ivr::test_dial_code(id);
  ctx.audit.record(request, {"ivr_flow.test_publish",
                             "ivr_flow",
                             std::to_string(id),
                             true,
                             {{"flow", flow.name}, {"test_code", code}}});
  publish_ivr_change(ctx, "flows", id);
  json view = json::object();
  add_test_view(view, *stored, false);
  view.erase("test_differs");
  view["flow_id"] = id;
  view["flow_name"] = flow.name;
  view["warnings"] = ivr::to_json(report.warnings());
  return Response::json(view);
}

// Takes the test version off the test line: the code then gets the apology.
Response withdraw_test_flow(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  store::IvrFlowRepository flows(ctx.db);
  const auto flow = flow_or_404(flows, id);
  if (!value_or_throw(flows.withdraw_test(id)))
    throw ApiError{404, "not_found", "the flow has no test version"};
  ctx.audit.record(request, {"ivr_flow.test_withdraw",
                             "ivr_flow",
                             std::to_string(id),
                             true,
                             {{"flow", flow.name}, {"test_code", ivr::test_dial_code(id)}}});
  publish_ivr_change(ctx, "flows", id);
  return Response::no_content();
}

Response list_versions(ApiContext& ctx, Request& request) {
  store::IvrFlowRepository flows(ctx.db);
  const auto flow = flow_or_404(flows, request.id_param("id"));
  json items = json::array();
  for (const auto& version : value_or_throw(flows.versions(flow.id)))
    items.push_back(to_json_view(version, false));
  return Response::json({{"items", items}});
}

Response get_version(ApiContext& ctx, Request& request) {
  store::IvrFlowRepository flows(ctx.db);
  const auto flow = flow_or_404(flows, request.id_param("id"));
  const auto number = request.id_param("version");
  if (number > std::numeric_limits<int>::max()) throw ApiError{404, "not_found", "no such version"};
  const auto version = value_or_throw(flows.version(flow.name, static_cast<int>(number)));
  if (!version) throw ApiError{404, "not_found", "no such version"};
  return Response::json(to_json_view(*version, true));
}

Response delete_flow(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  store::IvrFlowRepository flows(ctx.db);
  const auto before = flow_or_404(flows, id);
  if (auto removed = flows.remove(id); !removed) {
    if (removed.error().code == "conflict")
      throw ApiError{409, "conflict",
                     "an inbound route sends calls to this flow: route the number elsewhere first"};
    throw_store_error(removed.error());
  }
  ctx.audit.record(
      request, {"ivr_flow.delete", "ivr_flow", std::to_string(id), true, {{"name", before.name}}});
  publish_ivr_change(ctx, "flows", id);
  return Response::no_content();
}

json flow_input_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"name", {{"type", "string"}, {"pattern", "^[a-z0-9_-]{1,64}$"}}},
        {"description", {{"type", "string"}, {"maxLength", kMaxDescription}}},
        {"draft", {{"type", "object"}, {"description", "flow graph (src/ivr/flow_json.hpp)"}}}}}};
}

json issue_list_schema() {
  const json issue = {{"type", "object"},
                      {"properties",
                       {{"severity", {{"type", "string"}}},
                        {"node", {{"type", "string"}}},
                        {"field", {{"type", "string"}}},
                        {"code", {{"type", "string"}}},
                        {"message", {{"type", "string"}}}}}};
  return {{"type", "array"}, {"items", issue}};
}

}  // namespace

void register_ivr_flow_routes(Router& router, ApiContext& ctx) {
  const auto read = Access::permission_required("ivr.read");
  const auto manage = Access::permission_required("ivr.manage");
  auto create_schema = flow_input_schema();
  create_schema["required"] = {"name"};
  const json list = {
      {"type", "object"},
      {"properties", {{"items", {{"type", "array"}, {"items", ivr_flow_schema(false)}}}}}};
  const json versions = {
      {"type", "object"},
      {"properties", {{"items", {{"type", "array"}, {"items", ivr_flow_version_schema(false)}}}}}};
  const json validation = {{"type", "object"},
                           {"properties",
                            {{"ok", {{"type", "boolean"}}},
                             {"errors", issue_list_schema()},
                             {"warnings", issue_list_schema()}}}};
  auto published = ivr_flow_version_schema(true);
  published["properties"]["warnings"] = issue_list_schema();
  const json publish_input = {
      {"type", "object"},
      {"properties", {{"note", {{"type", "string"}, {"maxLength", kMaxNote}}}}}};

  router.add(
      {http::verb::get, "/api/v1/ivr/flows", read, "ivr", "IVR flows, by name", nullptr, list},
      [&ctx](Request&) { return list_flows(ctx); });
  router.add({http::verb::post, "/api/v1/ivr/flows", manage, "ivr",
              "Create a flow (the draft must be well-shaped, not complete)", create_schema,
              ivr_flow_schema(true), 201},
             [&ctx](Request& r) { return create_flow(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/flows/{id}", read, "ivr", "A flow with its draft",
              nullptr, ivr_flow_schema(true)},
             [&ctx](Request& r) { return get_flow(ctx, r); });
  router.add({http::verb::put, "/api/v1/ivr/flows/{id}", manage, "ivr",
              "Rename a flow or save its draft (422 with issues when the draft is ill-shaped)",
              flow_input_schema(), ivr_flow_schema(true)},
             [&ctx](Request& r) { return update_flow(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/ivr/flows/{id}", manage, "ivr",
              "Delete a flow no inbound route uses", nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_flow(ctx, r); });
  router.add({http::verb::post, "/api/v1/ivr/flows/{id}/validate", manage, "ivr",
              "Check the draft as publishing would", nullptr, validation},
             [&ctx](Request& r) { return validate_draft(ctx, r); });
  router.add({http::verb::post, "/api/v1/ivr/flows/{id}/publish", manage, "ivr",
              "Publish the draft as the next version (422 with issues when it is unsafe)",
              publish_input, published, 201},
             [&ctx](Request& r) { return publish_flow(ctx, r); });
  router.add({http::verb::post, "/api/v1/ivr/flows/{id}/test-publish", manage, "ivr",
              "Put the draft on the test line (internal phones dial test_code, \"*77\" + id); "
              "422 with issues when publishing would refuse it",
              nullptr, ivr_flow_test_schema()},
             [&ctx](Request& r) { return test_publish_flow(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/ivr/flows/{id}/test-publish", manage, "ivr",
              "Withdraw the flow's test version (404 when it has none)", nullptr, nullptr, 204},
             [&ctx](Request& r) { return withdraw_test_flow(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/flows/{id}/versions", read, "ivr",
              "Published versions, newest first", nullptr, versions},
             [&ctx](Request& r) { return list_versions(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/flows/{id}/versions/{version}", read, "ivr",
              "One published version with its graph", nullptr, ivr_flow_version_schema(true)},
             [&ctx](Request& r) { return get_version(ctx, r); });
}

}  // namespace hotline::api
