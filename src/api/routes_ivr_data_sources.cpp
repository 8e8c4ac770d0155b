// Self-service data sources: the built-in table (filled by CSV import, rows keyed by a keyed
// hash of the ID number and the number itself sealed) and HTTP JSON services. ID numbers never
// reach a log, an audit entry or an error message in clear; the admin view shows them masked.
#include <algorithm>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>

#include "api/api_context.hpp"
#include "api/csv_table.hpp"
#include "api/http/router.hpp"
#include "api/json_views_ivr.hpp"
#include "api/routes_ivr_support.hpp"
#include "api/validation.hpp"
#include "common/masking.hpp"
#include "ivr/http_json_source.hpp"
#include "ivr/id_number.hpp"
#include "ivr/table_source.hpp"
#include "store/data_source_repository.hpp"
#include "store/self_service_repository.hpp"

namespace hotline::api {

namespace {

using nlohmann::json;

constexpr const char* kIdColumn = "id_number";
constexpr std::size_t kMaxParams = 20;
constexpr std::size_t kMaxParamChars = 200;
constexpr int kTableTestTimeoutMs = 10000;
constexpr int kHttpTestGraceMs = 2000;  // beyond the source's own timeout

const SecretBox& secrets_or_503(ApiContext& ctx) {
  if (!ctx.secrets)
    throw ApiError{503, "unavailable", "the secret key is not loaded in this process"};
  return *ctx.secrets;
}

// The config checked by the reader the runtime uses for that kind.
void check_config(const std::string& kind, const json& config) {
  if (!config.is_object()) fail_validation("config must be a JSON object");
  if (kind == "table") {
    if (auto parsed = ivr::parse_table_source_config(config, 0); !parsed)
      throw ApiError{422, "invalid_config", parsed.error().message};
  } else {
    if (auto parsed = ivr::parse_http_json_source_config(config); !parsed)
      throw ApiError{422, "invalid_config", parsed.error().message};
  }
}

[[noreturn]] void throw_source_store_error(const Error& error) {
  if (error.code == "conflict")
    throw ApiError{409, "conflict", "a data source with this name exists"};
  if (error.code == "invalid") fail_validation(error.message);
  throw_store_error(error);
}

store::DataSource source_or_404(store::DataSourceRepository& sources, store::Id id) {
  auto found = value_or_throw(sources.find(id));
  if (!found) throw ApiError{404, "not_found", "no such data source"};
  return *found;
}

json source_view(ApiContext& ctx, const store::DataSource& source, const Request& request) {
  std::optional<std::int64_t> records;
  if (source.kind == "table")
    records = value_or_throw(store::SelfServiceRepository(ctx.db).count(source.id));
  return to_json_view(source, records, request.user().has("ivr.manage"));
}

void apply_source_body(const json& body, store::DataSource& source, bool creating) {
  reject_unknown_fields(body, {"name", "kind", "config", "enabled"});
  if (creating || body.contains("name")) source.name = required_ivr_name(body, "name");
  if (creating || body.contains("kind")) source.kind = required_string(body, "kind", 1, 16);
  if (source.kind != "table" && source.kind != "http")
    fail_validation("kind must be table or http");
  if (body.contains("config")) source.config = body["config"].dump();
  if (auto enabled = optional_boolean(body, "enabled")) source.enabled = *enabled;
  check_config(source.kind, parse_stored_json(source.config));
}

Response list_sources(ApiContext& ctx, Request& request) {
  store::DataSourceRepository sources(ctx.db);
  json items = json::array();
  for (const auto& source : value_or_throw(sources.list()))
    items.push_back(source_view(ctx, source, request));
  return Response::json({{"items", items}});
}

Response get_source(ApiContext& ctx, Request& request) {
  store::DataSourceRepository sources(ctx.db);
  return Response::json(source_view(ctx, source_or_404(sources, request.id_param("id")), request));
}

Response create_source(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  store::DataSource source;
  source.config = "{}";
  apply_source_body(body, source, true);
  store::DataSourceRepository sources(ctx.db);
  auto id = sources.create(source);
  if (!id) throw_source_store_error(id.error());
  const auto created = source_or_404(sources, *id);
  ctx.audit.record(request, {"ivr_data_source.create",
                             "ivr_data_source",
                             std::to_string(*id),
                             true,
                             {{"name", created.name}, {"kind", created.kind}}});
  publish_ivr_change(ctx, "data_sources", *id);
  return Response::json(source_view(ctx, created, request), 201);
}

Response update_source(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  store::DataSourceRepository sources(ctx.db);
  const auto before = source_or_404(sources, id);
  auto source = before;
  apply_source_body(body, source, false);
  if (source.kind != before.kind && before.kind == "table" &&
      value_or_throw(store::SelfServiceRepository(ctx.db).count(id)) > 0)
    throw ApiError{409, "conflict", "the table holds records: delete the source instead"};
  if (auto updated = sources.update(source); !updated) throw_source_store_error(updated.error());
  const auto after = source_or_404(sources, id);
  // Configs may hold API keys: the audit says what changed, not the values.
  ctx.audit.record(request, {"ivr_data_source.update",
                             "ivr_data_source",
                             std::to_string(id),
                             true,
                             {{"name", after.name},
                              {"renamed_from", before.name != after.name ? before.name : ""},
                              {"kind", after.kind},
                              {"enabled", after.enabled},
                              {"config_changed", before.config != after.config}}});
  publish_ivr_change(ctx, "data_sources", id);
  return Response::json(source_view(ctx, after, request));
}

Response delete_source(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  store::DataSourceRepository sources(ctx.db);
  const auto before = source_or_404(sources, id);
  check(sources.remove(id));
  ctx.audit.record(request, {"ivr_data_source.delete",
                             "ivr_data_source",
                             std::to_string(id),
                             true,
                             {{"name", before.name}, {"kind", before.kind}}});
  publish_ivr_change(ctx, "data_sources", id);
  return Response::no_content();
}

bool is_field_name(const std::string& text) {
  return matches_charset(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", 1,
                         64);
}

Response csv_rejected(const std::vector<CsvLineError>& errors) {
  json lines = json::array();
  for (const auto& error : errors)
    lines.push_back({{"line", error.line}, {"message", error.message}});
  return unprocessable("invalid_csv",
                       std::to_string(errors.size()) + " bad line(s); nothing was imported",
                       "lines", lines);
}

Response import_records(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const bool replace = flag_query(request, "replace");
  store::DataSourceRepository sources(ctx.db);
  const auto source = source_or_404(sources, id);
  if (source.kind != "table")
    throw ApiError{422, "invalid_config", "only table sources hold imported records"};
  const auto& secrets = secrets_or_503(ctx);

  auto table = parse_csv_table(request.raw.body());
  if (table.header.empty() && table.ok())
    return csv_rejected({{1, "the file is empty: the first line must be the header"}});
  std::vector<CsvLineError> errors = std::move(table.errors);
  const int header_line = table.rows.empty() ? 1 : table.rows.front().line - 1;
  if (!table.header.empty()) {
    if (table.header.front() != kIdColumn)
      errors.push_back({header_line, "the first column must be id_number"});
    if (table.header.size() < 2)
      errors.push_back({header_line, "the header needs at least one field after id_number"});
    std::set<std::string> names;
    for (std::size_t i = 1; i < table.header.size(); ++i) {
      const auto& name = table.header[i];
      if (!is_field_name(name) || name == kIdColumn)
        errors.push_back({header_line, "column " + std::to_string(i + 1) +
                                           ": field names are letters, digits and _"});
      else if (!names.insert(name).second)
        errors.push_back({header_line, "column " + std::to_string(i + 1) + ": duplicate field"});
    }
  }
  std::vector<store::SelfServiceRecord> rows;
  std::map<std::string, int> seen;  // normalised ID -> line, to report duplicates
  for (const auto& row : table.rows) {
    const auto check = ivr::check_id_number(row.fields.front());
    if (!check.ok()) {
      errors.push_back({row.line, "id_number: " + std::string(ivr::to_string(*check.problem))});
      continue;
    }
    if (auto [it, fresh] = seen.emplace(check.normalized, row.line); !fresh) {
      errors.push_back({row.line, "id_number: the same as line " + std::to_string(it->second)});
      continue;
    }
    json fields = json::object();
    for (std::size_t i = 1; i < row.fields.size(); ++i) fields[table.header[i]] = row.fields[i];
    store::SelfServiceRecord record;
    record.lookup_key = ivr::table_lookup_key(secrets, check.normalized);
    record.id_sealed = secrets.encrypt(check.normalized);
    record.fields = fields.dump();
    rows.push_back(std::move(record));
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end(),
              [](const CsvLineError& a, const CsvLineError& b) { return a.line < b.line; });
    return csv_rejected(errors);
  }
  if (rows.empty()) return csv_rejected({{header_line, "the file has no records"}});

  store::SelfServiceRepository records(ctx.db);
  auto written = replace ? records.replace_all(id, rows) : records.upsert_many(id, rows);
  if (!written) {
    if (written.error().code == "invalid" || written.error().code == "constraint")
      return unprocessable("invalid_csv", written.error().message, "lines", json::array());
    throw_store_error(written.error());
  }
  const auto total = value_or_throw(records.count(id));
  ctx.audit.record(
      request,
      {"ivr_data_source.import",
       "ivr_data_source",
       std::to_string(id),
       true,
       {{"name", source.name}, {"imported", *written}, {"records", total}, {"replace", replace}}});
  publish_ivr_change(ctx, "data_sources", id);
  return Response::json({{"imported", *written}, {"records", total}});
}

Response list_records(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  store::DataSourceRepository sources(ctx.db);
  const auto source = source_or_404(sources, id);
  const auto page = page_query(request);
  if (source.kind != "table")
    return Response::json({{"items", json::array()},
                           {"total", 0},
                           {"page", page.page},
                           {"page_size", page.page_size}});
  const auto& secrets = secrets_or_503(ctx);
  const auto result = value_or_throw(store::SelfServiceRepository(ctx.db).list(id, page));
  json items = json::array();
  for (const auto& record : result.items) {
    auto id_number = secrets.decrypt(record.id_sealed);
    items.push_back(to_json_view(record, id_number ? mask_id_number(*id_number) : "(unreadable)"));
  }
  return Response::json({{"items", items},
                         {"total", result.total},
                         {"page", page.page},
                         {"page_size", page.page_size}});
}

std::map<std::string, std::string> test_params(const json& body) {
  reject_unknown_fields(body, {"params"});
  std::map<std::string, std::string> params;
  if (!body.contains("params")) return params;
  const auto& given = body["params"];
  if (!given.is_object()) fail_validation("params must be an object of strings");
  if (given.size() > kMaxParams)
    fail_validation("params may have at most " + std::to_string(kMaxParams) + " entries");
  for (const auto& [name, value] : given.items()) {
    if (!value.is_string()) fail_validation("params." + name + " must be a string");
    if (name.empty() || name.size() > 64) fail_validation("params: bad parameter name");
    if (value.get<std::string>().size() > kMaxParamChars)
      fail_validation("params." + name + " is too long");
    params[name] = value.get<std::string>();
  }
  return params;
}

// Runs one query through a fresh source built from the stored config (the runtime's catalog is
// control-thread state), and waits for its answer.
Response test_source(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto params = test_params(request.json_body());
  store::DataSourceRepository sources(ctx.db);
  const auto source = source_or_404(sources, id);
  if (!ctx.ivr)
    throw ApiError{503, "unavailable", "the IVR runtime is not running in this process"};
  const auto config = parse_stored_json(source.config);

  auto answer = std::make_shared<std::promise<ivr::QueryResult>>();
  auto future = answer->get_future();
  auto deliver = [answer](ivr::QueryResult result) { answer->set_value(std::move(result)); };
  std::optional<ivr::QueryResult> result;
  if (source.kind == "table") {
    const auto& secrets = secrets_or_503(ctx);
    auto table_config = ivr::parse_table_source_config(config, id);
    if (!table_config) throw ApiError{422, "invalid_config", table_config.error().message};
    boost::asio::thread_pool workers(1);
    ivr::TableSource table(*table_config, ctx.db, secrets, workers);
    table.query(params, deliver);
    if (future.wait_for(std::chrono::milliseconds(kTableTestTimeoutMs)) ==
        std::future_status::ready)
      result = future.get();
    workers.join();
  } else {
    auto http_config = ivr::parse_http_json_source_config(config);
    if (!http_config) throw ApiError{422, "invalid_config", http_config.error().message};
    const auto wait = std::chrono::milliseconds(http_config->timeout_ms + kHttpTestGraceMs);
    ivr::HttpJsonSource http(std::move(*http_config));
    http.query(params, deliver);
    if (future.wait_for(wait) == std::future_status::ready) result = future.get();
  }
  if (!result) {
    result.emplace();
    result->error_code = "timeout";
    result->error_detail = "no answer in time";
  }
  ctx.audit.record(request, {"ivr_data_source.test",
                             "ivr_data_source",
                             std::to_string(id),
                             true,
                             {{"name", source.name},
                              {"outcome", std::string(ivr::to_string(result->outcome))},
                              {"error_code", result->error_code}}});
  return Response::json({{"outcome", std::string(ivr::to_string(result->outcome))},
                         {"fields", result->fields},
                         {"error_code", result->error_code},
                         {"error_detail", result->error_detail},
                         {"elapsed_ms", result->elapsed_ms}});
}

json source_input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"name", {{"type", "string"}, {"pattern", "^[a-z0-9_-]{1,64}$"}}},
            {"kind", {{"type", "string"}, {"enum", {"table", "http"}}}},
            {"config", {{"type", "object"}}},
            {"enabled", {{"type", "boolean"}}}}}};
}

}  // namespace

void register_ivr_data_source_routes(Router& router, ApiContext& ctx) {
  const auto read = Access::permission_required("ivr.read");
  const auto manage = Access::permission_required("ivr.manage");
  auto create_schema = source_input_schema();
  create_schema["required"] = {"name", "kind"};
  const json list = {
      {"type", "object"},
      {"properties", {{"items", {{"type", "array"}, {"items", data_source_schema()}}}}}};
  const json imported = {
      {"type", "object"},
      {"properties", {{"imported", {{"type", "integer"}}}, {"records", {{"type", "integer"}}}}}};
  const json records = {{"type", "object"},
                        {"properties",
                         {{"items", {{"type", "array"}, {"items", self_service_record_schema()}}},
                          {"total", {{"type", "integer"}}},
                          {"page", {{"type", "integer"}}},
                          {"page_size", {{"type", "integer"}}}}}};
  const json test_input = {
      {"type", "object"},
      {"properties",
       {{"params", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}};
  const json test_output = {
      {"type", "object"},
      {"properties",
       {{"outcome", {{"type", "string"}, {"enum", {"found", "not_found", "error"}}}},
        {"fields", {{"type", "object"}}},
        {"error_code", {{"type", "string"}}},
        {"error_detail", {{"type", "string"}}},
        {"elapsed_ms", {{"type", "integer"}}}}}};

  router.add({http::verb::get, "/api/v1/ivr/data-sources", read, "ivr", "Self-service data sources",
              nullptr, list},
             [&ctx](Request& r) { return list_sources(ctx, r); });
  router.add({http::verb::post, "/api/v1/ivr/data-sources", manage, "ivr",
              "Create a data source (table or http)", create_schema, data_source_schema(), 201},
             [&ctx](Request& r) { return create_source(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/data-sources/{id}", read, "ivr", "A data source",
              nullptr, data_source_schema()},
             [&ctx](Request& r) { return get_source(ctx, r); });
  router.add({http::verb::put, "/api/v1/ivr/data-sources/{id}", manage, "ivr",
              "Change a data source", source_input_schema(), data_source_schema()},
             [&ctx](Request& r) { return update_source(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/ivr/data-sources/{id}", manage, "ivr",
              "Delete a data source (and a table's records)", nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_source(ctx, r); });
  router.add({http::verb::post,
              "/api/v1/ivr/data-sources/{id}/import",
              manage,
              "ivr",
              "Import a table's records from CSV (text/csv body: id_number,<field>,...; all or "
              "nothing)",
              nullptr,
              imported,
              200,
              {{"replace", "boolean", "true: the file replaces the table"}}},
             [&ctx](Request& r) { return import_records(ctx, r); });
  router.add({http::verb::get,
              "/api/v1/ivr/data-sources/{id}/records",
              read,
              "ivr",
              "A table's records, oldest first (ID numbers masked)",
              nullptr,
              records,
              200,
              {{"page", "integer", "1-based"}, {"page_size", "integer", "at most 100"}}},
             [&ctx](Request& r) { return list_records(ctx, r); });
  router.add({http::verb::post, "/api/v1/ivr/data-sources/{id}/test", manage, "ivr",
              "Run one query through the source as stored", test_input, test_output},
             [&ctx](Request& r) { return test_source(ctx, r); });
}

}  // namespace hotline::api
