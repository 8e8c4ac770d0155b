// Working calendars for the IVR's time conditions: CRUD, CSV import of a year's holidays and
// make-up days, and whether the site is open now. Definitions are checked and stored in the
// normalised form the runtime reads.
#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "api/json_views_ivr.hpp"
#include "api/routes_ivr_support.hpp"
#include "api/validation.hpp"
#include "ivr/calendar_csv.hpp"
#include "ivr/working_calendar.hpp"
#include "store/calendar_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxDescription = 200;

// The definition checked by the runtime's own reader; 422 naming the problem otherwise.
ivr::WorkingCalendar calendar_from(const json& definition) {
  if (!definition.is_object()) fail_validation("definition must be a JSON object");
  auto calendar = ivr::WorkingCalendar::from_json(definition);
  if (!calendar) throw ApiError{422, "invalid_calendar", calendar.error().message};
  return std::move(*calendar);
}

[[noreturn]] void throw_calendar_store_error(const Error& error) {
  if (error.code == "conflict") throw ApiError{409, "conflict", "a calendar with this name exists"};
  if (error.code == "invalid") fail_validation(error.message);
  throw_store_error(error);
}

store::IvrCalendar calendar_or_404(store::CalendarRepository& calendars, store::Id id) {
  auto found = value_or_throw(calendars.find(id));
  if (!found) throw ApiError{404, "not_found", "no such calendar"};
  return *found;
}

Response list_calendars(ApiContext& ctx) {
  store::CalendarRepository calendars(ctx.db);
  json items = json::array();
  for (const auto& calendar : value_or_throw(calendars.list()))
    items.push_back(to_json_view(calendar));
  return Response::json({{"items", items}});
}

Response get_calendar(ApiContext& ctx, Request& request) {
  store::CalendarRepository calendars(ctx.db);
  return Response::json(to_json_view(calendar_or_404(calendars, request.id_param("id"))));
}

Response create_calendar(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"name", "description", "definition"});
  store::IvrCalendar calendar;
  calendar.name = required_ivr_name(body, "name");
  calendar.description = optional_string(body, "description", 0, kMaxDescription).value_or("");
  const auto definition = body.contains("definition")
                              ? calendar_from(body["definition"])
                              : ivr::WorkingCalendar::standard_office_hours();
  calendar.definition = definition.to_json().dump();
  store::CalendarRepository calendars(ctx.db);
  auto id = calendars.create(calendar);
  if (!id) throw_calendar_store_error(id.error());
  const auto view = to_json_view(calendar_or_404(calendars, *id));
  ctx.audit.record(request,
                   {"ivr_calendar.create", "ivr_calendar", std::to_string(*id), true, view});
  publish_ivr_change(ctx, "calendars", *id);
  return Response::json(view, 201);
}

Response update_calendar(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"name", "description", "definition"});
  store::CalendarRepository calendars(ctx.db);
  const auto before = calendar_or_404(calendars, id);
  auto calendar = before;
  if (auto name = optional_ivr_name(body, "name")) calendar.name = *name;
  if (auto description = optional_string(body, "description", 0, kMaxDescription))
    calendar.description = *description;
  if (body.contains("definition"))
    calendar.definition = calendar_from(body["definition"]).to_json().dump();
  if (auto updated = calendars.update(calendar); !updated)
    throw_calendar_store_error(updated.error());
  const auto view = to_json_view(calendar_or_404(calendars, id));
  ctx.audit.record(request, {"ivr_calendar.update",
                             "ivr_calendar",
                             std::to_string(id),
                             true,
                             {{"before", to_json_view(before)}, {"after", view}}});
  publish_ivr_change(ctx, "calendars", id);
  return Response::json(view);
}

Response delete_calendar(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  store::CalendarRepository calendars(ctx.db);
  const auto before = calendar_or_404(calendars, id);
  check(calendars.remove(id));
  ctx.audit.record(
      request,
      {"ivr_calendar.delete", "ivr_calendar", std::to_string(id), true, {{"name", before.name}}});
  publish_ivr_change(ctx, "calendars", id);
  return Response::no_content();
}

Response import_calendar(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const bool replace = flag_query(request, "replace");
  store::CalendarRepository calendars(ctx.db);
  const auto before = calendar_or_404(calendars, id);
  const auto parsed = ivr::parse_calendar_csv(request.raw.body());
  if (!parsed.ok()) {
    json lines = json::array();
    for (const auto& error : parsed.errors)
      lines.push_back({{"line", error.line}, {"message", error.reason}});
    return unprocessable(
        "invalid_csv",
        std::to_string(parsed.errors.size()) + " bad line(s) in the file; nothing was imported",
        "lines", lines);
  }
  if (parsed.rows.empty())
    return unprocessable("invalid_csv", "the file has no dates; nothing was imported", "lines",
                         json::array());
  auto calendar = calendar_from(parse_stored_json(before.definition));
  if (replace)
    for (const auto& exception : calendar.exceptions()) calendar.remove_exception(exception.date);
  for (const auto& row : parsed.rows)
    if (auto set = calendar.set_exception(row); !set)
      return unprocessable("invalid_csv",
                           ivr::format_calendar_date(row.date) + ": " + set.error().message,
                           "lines", json::array());
  auto updated = before;
  updated.definition = calendar.to_json().dump();
  if (auto stored = calendars.update(updated); !stored) throw_calendar_store_error(stored.error());
  const auto view = to_json_view(calendar_or_404(calendars, id));
  ctx.audit.record(request,
                   {"ivr_calendar.import",
                    "ivr_calendar",
                    std::to_string(id),
                    true,
                    {{"name", before.name}, {"rows", parsed.rows.size()}, {"replace", replace}}});
  publish_ivr_change(ctx, "calendars", id);
  return Response::json({{"imported", parsed.rows.size()}, {"calendar", view}});
}

Response calendar_status(ApiContext& ctx, Request& request) {
  store::CalendarRepository calendars(ctx.db);
  const auto stored = calendar_or_404(calendars, request.id_param("id"));
  auto calendar = ivr::WorkingCalendar::from_json(parse_stored_json(stored.definition));
  if (!calendar) throw ApiError{422, "invalid_calendar", calendar.error().message};
  const auto now = now_ms();
  const bool open = calendar->is_open(now);
  const auto next = open ? calendar->next_closing(now) : calendar->next_opening(now);
  return Response::json({{"open", open},
                         {"next_change", next ? json(format_iso8601(*next)) : json(nullptr)},
                         {"now", format_iso8601(now)}});
}

json calendar_input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"name", {{"type", "string"}, {"pattern", "^[a-z0-9_-]{1,64}$"}}},
            {"description", {{"type", "string"}, {"maxLength", kMaxDescription}}},
            {"definition",
             {{"type", "object"},
              {"description", "weekly hours and exceptions (src/ivr/working_calendar.hpp)"}}}}}};
}

}  // namespace

void register_ivr_calendar_routes(Router& router, ApiContext& ctx) {
  const auto read = Access::permission_required("ivr.read");
  const auto manage = Access::permission_required("ivr.manage");
  auto create_schema = calendar_input_schema();
  create_schema["required"] = {"name"};
  const json list = {
      {"type", "object"},
      {"properties", {{"items", {{"type", "array"}, {"items", ivr_calendar_schema()}}}}}};
  const json imported = {
      {"type", "object"},
      {"properties", {{"imported", {{"type", "integer"}}}, {"calendar", ivr_calendar_schema()}}}};
  const json status = {{"type", "object"},
                       {"properties",
                        {{"open", {{"type", "boolean"}}},
                         {"next_change", {{"type", {"string", "null"}}}},
                         {"now", {{"type", "string"}}}}}};

  router.add(
      {http::verb::get, "/api/v1/ivr/calendars", read, "ivr", "Working calendars", nullptr, list},
      [&ctx](Request&) { return list_calendars(ctx); });
  router.add({http::verb::post, "/api/v1/ivr/calendars", manage, "ivr",
              "Create a working calendar (default: office hours Monday to Friday)", create_schema,
              ivr_calendar_schema(), 201},
             [&ctx](Request& r) { return create_calendar(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/calendars/{id}", read, "ivr", "A working calendar",
              nullptr, ivr_calendar_schema()},
             [&ctx](Request& r) { return get_calendar(ctx, r); });
  router.add({http::verb::put, "/api/v1/ivr/calendars/{id}", manage, "ivr",
              "Change a working calendar", calendar_input_schema(), ivr_calendar_schema()},
             [&ctx](Request& r) { return update_calendar(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/ivr/calendars/{id}", manage, "ivr",
              "Delete a working calendar", nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_calendar(ctx, r); });
  router.add({http::verb::post,
              "/api/v1/ivr/calendars/{id}/import",
              manage,
              "ivr",
              "Import holidays and make-up days from CSV (text/csv body; all or nothing)",
              nullptr,
              imported,
              200,
              {{"replace", "boolean", "true: the file's dates replace every exception"}}},
             [&ctx](Request& r) { return import_calendar(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/calendars/{id}/status", read, "ivr",
              "Whether the calendar is open now, and when that changes", nullptr, status},
             [&ctx](Request& r) { return calendar_status(ctx, r); });
}

}  // namespace hotline::api
