#include "api/json_views_ivr.hpp"

#include "api/json_views.hpp"
#include "common/masking.hpp"
#include "ivr/ivr_catalog.hpp"

namespace hotline::api {

namespace {

nlohmann::json time_text(EpochMs ms) {
  return ms ? nlohmann::json(format_iso8601(ms)) : nlohmann::json(nullptr);
}

nlohmann::json type(const char* name) {
  return {{"type", name}};
}
nlohmann::json nullable(const char* name) {
  return {{"type", {name, "null"}}};
}
nlohmann::json object_schema(nlohmann::json properties) {
  return {{"type", "object"}, {"properties", std::move(properties)}};
}

constexpr const char* kHiddenValue = "********";

}  // namespace

nlohmann::json parse_stored_json(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(nullptr) : value;
}

nlohmann::json to_json_view(const store::IvrFlow& flow, bool with_draft,
                            std::optional<bool> draft_differs) {
  nlohmann::json view = {{"id", flow.id},
                         {"name", flow.name},
                         {"description", flow.description},
                         {"published_version", or_null(flow.published_version)},
                         {"draft_updated_at", time_text(flow.draft_updated_at)},
                         {"draft_updated_by", or_null(flow.draft_updated_by)},
                         {"draft_differs", or_null(draft_differs)},
                         {"created_at", time_text(flow.created_at)},
                         {"updated_at", time_text(flow.updated_at)}};
  if (with_draft) view["draft"] = parse_stored_json(flow.draft);
  return view;
}

nlohmann::json to_json_view(const store::IvrFlowVersion& version, bool with_graph) {
  nlohmann::json view = {{"id", version.id},
                         {"flow_id", version.flow_id},
                         {"flow_name", version.flow_name},
                         {"version", version.version},
                         {"published_by", or_null(version.published_by)},
                         {"published_at", time_text(version.published_at)},
                         {"note", version.note}};
  if (with_graph) view["graph"] = parse_stored_json(version.graph);
  return view;
}

void add_test_view(nlohmann::json& flow_view, const std::optional<store::IvrFlowTest>& test,
                   std::optional<bool> test_differs) {
  flow_view["test_code"] = test ? nlohmann::json(ivr::test_dial_code(test->flow_id)) : nullptr;
  flow_view["test_published_at"] = test ? time_text(test->published_at) : nullptr;
  flow_view["test_published_by"] = test ? or_null(test->published_by) : nullptr;
  flow_view["test_differs"] = test ? or_null(test_differs) : nullptr;
}

nlohmann::json to_json_view(const store::IvrCalendar& calendar) {
  return {{"id", calendar.id},
          {"name", calendar.name},
          {"description", calendar.description},
          {"definition", parse_stored_json(calendar.definition)},
          {"created_at", time_text(calendar.created_at)},
          {"updated_at", time_text(calendar.updated_at)}};
}

nlohmann::json to_json_view(const store::Prompt& prompt) {
  return {{"id", prompt.id},
          {"name", prompt.name},
          {"kind", prompt.kind},
          {"text", prompt.text},
          {"duration_ms", prompt.duration_ms},
          {"sha256", prompt.sha256},
          {"created_by", or_null(prompt.created_by)},
          {"created_at", time_text(prompt.created_at)},
          {"updated_at", time_text(prompt.updated_at)},
          {"audio_url", "/api/v1/ivr/prompts/" + std::to_string(prompt.id) + "/audio"}};
}

nlohmann::json to_json_view(const store::DataSource& source, std::optional<std::int64_t> records,
                            bool full_config) {
  auto config = parse_stored_json(source.config);
  if (!full_config && config.is_object() && config.contains("headers") &&
      config["headers"].is_object())
    for (auto& [name, value] : config["headers"].items()) value = kHiddenValue;
  return {{"id", source.id},
          {"name", source.name},
          {"kind", source.kind},
          {"config", config},
          {"enabled", source.enabled},
          {"records", or_null(records)},
          {"created_at", time_text(source.created_at)},
          {"updated_at", time_text(source.updated_at)}};
}

nlohmann::json to_json_view(const store::SelfServiceRecord& record, const std::string& masked_id) {
  return {{"id", record.id},
          {"id_number", masked_id},
          {"fields", parse_stored_json(record.fields)},
          {"updated_at", time_text(record.updated_at)}};
}

nlohmann::json to_json_view(const store::VoiceMessage& message, bool full_numbers) {
  return {{"id", message.id},
          {"call_id", message.call_id},
          {"call_uuid", message.call_uuid},
          {"caller", full_numbers ? message.caller : mask_phone_number(message.caller)},
          {"flow", message.flow},
          {"duration_ms", message.duration_ms},
          {"status", message.status},
          {"handled_by", or_null(message.handled_by)},
          {"note", message.note},
          {"created_at", time_text(message.created_at)},
          {"updated_at", time_text(message.updated_at)},
          {"audio_url", "/api/v1/messages/" + std::to_string(message.id) + "/audio"}};
}

nlohmann::json to_json_view(const store::SurveyRating& rating) {
  return {{"id", rating.id},
          {"call_id", rating.call_id},
          {"agent_user_id", or_null(rating.agent_user_id)},
          {"agent_extension", rating.agent_extension},
          {"rating", rating.rating},
          {"created_at", time_text(rating.created_at)}};
}

nlohmann::json to_json_view(const store::CallIvr& record) {
  return {{"flow", record.flow},
          {"flow_version", or_null(record.flow_version)},
          {"path", parse_stored_json(record.path)},
          {"outcome", record.outcome},
          {"self_served", record.self_served},
          {"created_at", time_text(record.created_at)},
          {"updated_at", time_text(record.updated_at)}};
}

nlohmann::json ivr_flow_schema(bool with_draft) {
  auto schema = object_schema({{"id", type("integer")},
                               {"name", type("string")},
                               {"description", type("string")},
                               {"published_version", nullable("integer")},
                               {"draft_updated_at", nullable("string")},
                               {"draft_updated_by", nullable("integer")},
                               {"draft_differs", nullable("boolean")},
                               {"test_code", nullable("string")},
                               {"test_published_at", nullable("string")},
                               {"test_published_by", nullable("integer")},
                               {"test_differs", nullable("boolean")},
                               {"created_at", type("string")},
                               {"updated_at", type("string")}});
  if (with_draft) schema["properties"]["draft"] = type("object");
  return schema;
}

nlohmann::json ivr_flow_version_schema(bool with_graph) {
  auto schema = object_schema({{"id", type("integer")},
                               {"flow_id", type("integer")},
                               {"flow_name", type("string")},
                               {"version", type("integer")},
                               {"published_by", nullable("integer")},
                               {"published_at", type("string")},
                               {"note", type("string")}});
  if (with_graph) schema["properties"]["graph"] = type("object");
  return schema;
}

nlohmann::json ivr_flow_test_schema() {
  return object_schema({{"flow_id", type("integer")},
                        {"flow_name", type("string")},
                        {"test_code", type("string")},
                        {"test_published_at", type("string")},
                        {"test_published_by", nullable("integer")},
                        {"warnings", {{"type", "array"}, {"items", type("object")}}}});
}

nlohmann::json ivr_calendar_schema() {
  return object_schema({{"id", type("integer")},
                        {"name", type("string")},
                        {"description", type("string")},
                        {"definition", type("object")},
                        {"created_at", type("string")},
                        {"updated_at", type("string")}});
}

nlohmann::json prompt_schema() {
  return object_schema({{"id", type("integer")},
                        {"name", type("string")},
                        {"kind", {{"type", "string"}, {"enum", {"audio", "tts"}}}},
                        {"text", type("string")},
                        {"duration_ms", type("integer")},
                        {"sha256", type("string")},
                        {"created_by", nullable("integer")},
                        {"created_at", type("string")},
                        {"updated_at", type("string")},
                        {"audio_url", type("string")}});
}

nlohmann::json data_source_schema() {
  return object_schema({{"id", type("integer")},
                        {"name", type("string")},
                        {"kind", {{"type", "string"}, {"enum", {"table", "http"}}}},
                        {"config", type("object")},
                        {"enabled", type("boolean")},
                        {"records", nullable("integer")},
                        {"created_at", type("string")},
                        {"updated_at", type("string")}});
}

nlohmann::json self_service_record_schema() {
  return object_schema({{"id", type("integer")},
                        {"id_number", {{"type", "string"}, {"description", "always masked"}}},
                        {"fields", type("object")},
                        {"updated_at", type("string")}});
}

nlohmann::json voice_message_schema() {
  return object_schema(
      {{"id", type("integer")},
       {"call_id", type("integer")},
       {"call_uuid", type("string")},
       {"caller", {{"type", "string"}, {"description", "masked without calls.numbers"}}},
       {"flow", type("string")},
       {"duration_ms", type("integer")},
       {"status", {{"type", "string"}, {"enum", {"new", "in_progress", "done"}}}},
       {"handled_by", nullable("integer")},
       {"note", type("string")},
       {"created_at", type("string")},
       {"updated_at", type("string")},
       {"audio_url", type("string")}});
}

nlohmann::json survey_rating_schema() {
  return object_schema(
      {{"id", type("integer")},
       {"call_id", type("integer")},
       {"agent_user_id", nullable("integer")},
       {"agent_extension", type("string")},
       {"rating",
        {{"type", "string"},
         {"enum", {"satisfied", "basically_satisfied", "dissatisfied", "not_rated"}}}},
       {"created_at", type("string")}});
}

nlohmann::json call_ivr_schema() {
  return object_schema({{"flow", type("string")},
                        {"flow_version", nullable("integer")},
                        {"path", type("array")},
                        {"outcome", type("string")},
                        {"self_served", type("boolean")},
                        {"created_at", type("string")},
                        {"updated_at", type("string")}});
}

}  // namespace hotline::api
