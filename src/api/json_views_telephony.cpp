#include "api/json_views_telephony.hpp"

#include <cctype>
#include <set>
#include <string>

#include "api/json_views.hpp"
#include "common/masking.hpp"

namespace hotline::api {

namespace {

std::string number(const std::string& text, bool full) {
  return full ? text : mask_phone_number(text);
}

// Masks every run of 7 or more digits in free text, e.g. the DID inside a route description.
std::string mask_digit_runs(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      out += text[i++];
      continue;
    }
    auto end = i;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    out += mask_phone_number(text.substr(i, end - i));
    i = end;
  }
  return out;
}

// Event details are free-form JSON written by the call module: numbers are masked wherever a
// field with a number-like name holds a string, at any depth.
void mask_detail(nlohmann::json& value) {
  static const std::set<std::string> kNumberFields = {"caller", "callee", "number", "party", "did"};
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      if (item.is_string() && kNumberFields.count(key))
        item = mask_phone_number(item.get<std::string>());
      else
        mask_detail(item);
    }
  } else if (value.is_array()) {
    for (auto& item : value) mask_detail(item);
  }
}

nlohmann::json leg_view(const store::CallLegRecord& leg, bool full) {
  return {{"role", leg.role},
          {"party", number(leg.party, full)},
          {"kind", leg.kind},
          {"contact", leg.contact},
          {"sip_call_id", leg.sip_call_id},
          {"started_at", leg.started_at ? nlohmann::json(format_iso8601(leg.started_at))
                                        : nlohmann::json(nullptr)},
          {"answered_at", time_or_null(leg.answered_at)},
          {"ended_at", time_or_null(leg.ended_at)},
          {"final_status",
           leg.final_status ? nlohmann::json(leg.final_status) : nlohmann::json(nullptr)},
          {"loss_percent", or_null(leg.loss_percent)},
          {"jitter_ms", or_null(leg.jitter_ms)}};
}

nlohmann::json type(const char* name) {
  return {{"type", name}};
}
nlohmann::json nullable(const char* name) {
  return {{"type", name}, {"nullable", true}};
}
nlohmann::json date_time(bool is_nullable = false) {
  nlohmann::json schema = {{"type", "string"}, {"format", "date-time"}};
  if (is_nullable) schema["nullable"] = true;
  return schema;
}
nlohmann::json string_list() {
  return {{"type", "array"}, {"items", type("string")}};
}

}  // namespace

nlohmann::json to_json_view(const store::Trunk& trunk) {
  return {{"id", trunk.id},
          {"name", trunk.name},
          {"kind", trunk.kind},
          {"enabled", trunk.enabled},
          {"addresses", trunk.addresses},
          {"proxy", trunk.proxy},
          {"transport", trunk.transport},
          {"numbers", trunk.numbers},
          {"caller_id", trunk.caller_id},
          {"max_channels", trunk.max_channels},
          {"username", trunk.username},
          {"has_password", !trunk.password.empty()},
          {"register_expires", trunk.register_expires},
          {"created_at", format_iso8601(trunk.created_at)},
          {"updated_at", format_iso8601(trunk.updated_at)}};
}

nlohmann::json to_json_view(const store::InboundRoute& route) {
  return {{"id", route.id},
          {"number", route.number},
          {"destination_type", route.destination_type},
          {"destination", route.destination},
          {"record", route.record},
          {"enabled", route.enabled},
          {"description", route.description},
          {"created_at", format_iso8601(route.created_at)},
          {"updated_at", format_iso8601(route.updated_at)}};
}

nlohmann::json to_json_view(const store::OutboundRule& rule) {
  return {{"id", rule.id},
          {"name", rule.name},
          {"pattern", rule.pattern},
          {"trunk_id", rule.trunk_id},
          {"trunk_name", rule.trunk_name},
          {"strip_digits", rule.strip_digits},
          {"prepend", rule.prepend},
          {"priority", rule.priority},
          {"enabled", rule.enabled},
          {"created_at", format_iso8601(rule.created_at)},
          {"updated_at", format_iso8601(rule.updated_at)}};
}

nlohmann::json to_json_view(const store::CallRecord& call, bool full_numbers) {
  const auto talk_ms = call.talk_ms();
  return {{"id", call.id},
          {"uuid", call.uuid},
          {"direction", call.direction},
          {"caller", number(call.caller, full_numbers)},
          {"callee", number(call.callee, full_numbers)},
          {"did", number(call.did, full_numbers)},
          {"trunk_name", call.trunk_name},
          {"route", full_numbers ? call.route : mask_digit_runs(call.route)},
          {"answered_by", call.answered_by},
          {"offered_at", format_iso8601(call.offered_at)},
          {"ringing_at", time_or_null(call.ringing_at)},
          {"answered_at", time_or_null(call.answered_at)},
          {"ended_at", time_or_null(call.ended_at)},
          {"talk_seconds", talk_ms ? nlohmann::json((*talk_ms + 500) / 1000) : nlohmann::json()},
          {"disposition", call.disposition},
          {"cause", call.cause},
          {"hangup_side", call.hangup_side},
          {"recording_id", or_null(call.recording_id)},
          {"quality",
           {{"caller_loss_percent", or_null(call.caller_loss_percent)},
            {"caller_jitter_ms", or_null(call.caller_jitter_ms)},
            {"callee_loss_percent", or_null(call.callee_loss_percent)},
            {"callee_jitter_ms", or_null(call.callee_jitter_ms)}}},
          {"numbers_masked", !full_numbers}};
}

nlohmann::json call_detail_view(const store::CallRecord& call,
                                const std::vector<store::CallEvent>& events, bool full_numbers) {
  auto view = to_json_view(call, full_numbers);
  nlohmann::json legs = nlohmann::json::array();
  for (const auto& leg : call.legs) legs.push_back(leg_view(leg, full_numbers));
  nlohmann::json event_views = nlohmann::json::array();
  for (const auto& event : events) {
    auto detail = nlohmann::json::parse(event.detail_json, nullptr, false);
    if (detail.is_discarded()) detail = nlohmann::json::object();
    if (!full_numbers) mask_detail(detail);
    event_views.push_back(
        {{"at", format_iso8601(event.at)}, {"type", event.type}, {"detail", detail}});
  }
  view["legs"] = std::move(legs);
  view["events"] = std::move(event_views);
  return view;
}

nlohmann::json to_json_view(const store::Recording& recording, bool full_numbers) {
  return {{"id", recording.id},
          {"call_id", recording.call_id},
          {"call_uuid", recording.call_uuid},
          {"caller", number(recording.caller, full_numbers)},
          {"callee", number(recording.callee, full_numbers)},
          {"format", recording.format},
          {"mime_type", recording.mime_type},
          {"started_at", format_iso8601(recording.started_at)},
          {"duration_ms", recording.duration_ms},
          {"bytes", recording.bytes},
          {"sha256", recording.sha256}};
}

nlohmann::json trunk_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"name", type("string")},
            {"kind", {{"type", "string"}, {"enum", {"ip_peer", "registration"}}}},
            {"enabled", type("boolean")},
            {"addresses", string_list()},
            {"proxy", type("string")},
            {"transport", {{"type", "string"}, {"enum", {"udp", "tcp"}}}},
            {"numbers", string_list()},
            {"caller_id", type("string")},
            {"max_channels", type("integer")},
            {"username", type("string")},
            {"has_password", type("boolean")},
            {"register_expires", type("integer")},
            {"created_at", date_time()},
            {"updated_at", date_time()}}}};
}

nlohmann::json inbound_route_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"number", type("string")},
            {"destination_type", {{"type", "string"}, {"enum", {"extension", "ivr", "queue"}}}},
            {"destination", type("string")},
            {"record", type("boolean")},
            {"enabled", type("boolean")},
            {"description", type("string")},
            {"created_at", date_time()},
            {"updated_at", date_time()}}}};
}

nlohmann::json outbound_rule_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"name", type("string")},
            {"pattern", type("string")},
            {"trunk_id", type("integer")},
            {"trunk_name", type("string")},
            {"strip_digits", type("integer")},
            {"prepend", type("string")},
            {"priority", type("integer")},
            {"enabled", type("boolean")},
            {"created_at", date_time()},
            {"updated_at", date_time()}}}};
}

nlohmann::json call_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"uuid", type("string")},
            {"direction", {{"type", "string"}, {"enum", {"inbound", "internal", "outbound"}}}},
            {"caller", type("string")},
            {"callee", type("string")},
            {"did", type("string")},
            {"trunk_name", type("string")},
            {"route", type("string")},
            {"answered_by", type("string")},
            {"offered_at", date_time()},
            {"ringing_at", date_time(true)},
            {"answered_at", date_time(true)},
            {"ended_at", date_time(true)},
            {"talk_seconds", nullable("integer")},
            {"disposition", type("string")},
            {"cause", type("string")},
            {"hangup_side", type("string")},
            {"recording_id", nullable("integer")},
            {"quality",
             {{"type", "object"},
              {"properties",
               {{"caller_loss_percent", nullable("number")},
                {"caller_jitter_ms", nullable("number")},
                {"callee_loss_percent", nullable("number")},
                {"callee_jitter_ms", nullable("number")}}}}},
            {"numbers_masked", type("boolean")}}}};
}

nlohmann::json call_detail_schema() {
  auto schema = call_schema();
  schema["properties"]["legs"] = {{"type", "array"},
                                  {"items",
                                   {{"type", "object"},
                                    {"properties",
                                     {{"role", type("string")},
                                      {"party", type("string")},
                                      {"kind", type("string")},
                                      {"contact", type("string")},
                                      {"sip_call_id", type("string")},
                                      {"started_at", date_time(true)},
                                      {"answered_at", date_time(true)},
                                      {"ended_at", date_time(true)},
                                      {"final_status", nullable("integer")},
                                      {"loss_percent", nullable("number")},
                                      {"jitter_ms", nullable("number")}}}}}};
  schema["properties"]["events"] = {
      {"type", "array"},
      {"items",
       {{"type", "object"},
        {"properties",
         {{"at", date_time()}, {"type", type("string")}, {"detail", type("object")}}}}}};
  return schema;
}

nlohmann::json recording_schema() {
  return {{"type", "object"},
          {"properties",
           {{"id", type("integer")},
            {"call_id", type("integer")},
            {"call_uuid", type("string")},
            {"caller", type("string")},
            {"callee", type("string")},
            {"format", type("string")},
            {"mime_type", type("string")},
            {"started_at", date_time()},
            {"duration_ms", type("integer")},
            {"bytes", type("integer")},
            {"sha256", type("string")}}}};
}

nlohmann::json paged_schema(const nlohmann::json& item) {
  return {{"type", "object"},
          {"properties",
           {{"items", {{"type", "array"}, {"items", item}}},
            {"total", type("integer")},
            {"page", type("integer")},
            {"page_size", type("integer")}}}};
}

}  // namespace hotline::api
