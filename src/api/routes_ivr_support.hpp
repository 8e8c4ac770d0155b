#pragma once
// Helpers shared by the IVR, message and survey routes: names, query parameters, the
// "ivr.changed" announcement, 422 answers that carry details.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/api_context.hpp"
#include "api/http/http_types.hpp"
#include "common/clock.hpp"
#include "store/models.hpp"

namespace hotline::api {

// Names flows, calendars, prompts and data sources are referred to by: [a-z0-9_-]{1,64}.
bool is_ivr_name(const std::string& text);
std::string required_ivr_name(const nlohmann::json& body, const char* field);
std::optional<std::string> optional_ivr_name(const nlohmann::json& body, const char* field);
std::optional<bool> optional_boolean(const nlohmann::json& body, const char* field);

// Tells the IVR runtime (and watching UIs) to reload: what changed and which record.
void publish_ivr_change(ApiContext& ctx, const char* what, store::Id id);

// {"error": {"code", "message", <detail_key>: detail}} with status 422.
Response unprocessable(const std::string& code, const std::string& message,
                       const char* detail_key = nullptr, const nlohmann::json& detail = nullptr);

// ?name=<ISO 8601>; 400 when present but not a date or time.
std::optional<EpochMs> time_query(const Request& request, const char* name);
// ?name=true|false|1|0 (absent: false); 400 otherwise.
bool flag_query(const Request& request, const char* name);
// ?page=&page_size= with page_size at most 100.
store::Page page_query(const Request& request);

}  // namespace hotline::api
