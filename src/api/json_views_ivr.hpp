#pragma once
// JSON forms of the IVR's configuration (flows, versions, calendars, prompts, data sources and
// their records) and of what IVR calls leave behind (voice messages, survey ratings, the IVR
// part of a call). JSON held as text in the store is returned as JSON, not as a string.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/ivr_models.hpp"

namespace hotline::api {

// Stored JSON text as JSON; null when it does not parse (never throws).
nlohmann::json parse_stored_json(const std::string& text);

// `draft_differs`: whether the draft is not the published graph (null when unknown).
nlohmann::json to_json_view(const store::IvrFlow& flow, bool with_draft,
                            std::optional<bool> draft_differs);
nlohmann::json to_json_view(const store::IvrFlowVersion& version, bool with_graph);
// The test version's fields of a flow object: test_code (what an internal phone dials),
// test_published_at, test_published_by and test_differs (the draft is not what was
// test-published); all null without a test version.
void add_test_view(nlohmann::json& flow_view, const std::optional<store::IvrFlowTest>& test,
                   std::optional<bool> test_differs);
nlohmann::json to_json_view(const store::IvrCalendar& calendar);
nlohmann::json to_json_view(const store::Prompt& prompt);
// `records`: the row count of a table source. Without `full_config` the values of HTTP
// headers (API keys) are hidden.
nlohmann::json to_json_view(const store::DataSource& source, std::optional<std::int64_t> records,
                            bool full_config);
// `masked_id`: the record's ID number, already masked by the caller.
nlohmann::json to_json_view(const store::SelfServiceRecord& record, const std::string& masked_id);
// The caller's number masked unless `full_numbers`.
nlohmann::json to_json_view(const store::VoiceMessage& message, bool full_numbers);
nlohmann::json to_json_view(const store::SurveyRating& rating);
// Never the sealed ID number.
nlohmann::json to_json_view(const store::CallIvr& record);

// OpenAPI schemas of the same forms.
nlohmann::json ivr_flow_schema(bool with_draft);
nlohmann::json ivr_flow_version_schema(bool with_graph);
// The answer of a test-publish: flow_id, flow_name, test_code, test_published_at,
// test_published_by, warnings.
nlohmann::json ivr_flow_test_schema();
nlohmann::json ivr_calendar_schema();
nlohmann::json prompt_schema();
nlohmann::json data_source_schema();
nlohmann::json self_service_record_schema();
nlohmann::json voice_message_schema();
nlohmann::json survey_rating_schema();
nlohmann::json call_ivr_schema();

}  // namespace hotline::api
