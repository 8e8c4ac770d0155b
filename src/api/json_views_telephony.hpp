#pragma once
// JSON forms of trunks, number routes, call records and recordings. Phone numbers are masked
// (common/masking.hpp) unless `full_numbers`, i.e. the caller holds calls.numbers.
#include <nlohmann/json.hpp>
#include <vector>

#include "store/telephony_models.hpp"

namespace hotline::api {

// Never includes the password: only whether one is stored.
nlohmann::json to_json_view(const store::Trunk& trunk);
nlohmann::json to_json_view(const store::InboundRoute& route);
nlohmann::json to_json_view(const store::OutboundRule& rule);
nlohmann::json to_json_view(const store::CallRecord& call, bool full_numbers);
// The call with its legs and events (numbers inside event details masked too).
nlohmann::json call_detail_view(const store::CallRecord& call,
                                const std::vector<store::CallEvent>& events, bool full_numbers);
nlohmann::json to_json_view(const store::Recording& recording, bool full_numbers);

// OpenAPI schemas of the same forms.
nlohmann::json trunk_schema();
nlohmann::json inbound_route_schema();
nlohmann::json outbound_rule_schema();
nlohmann::json call_schema();
nlohmann::json call_detail_schema();
nlohmann::json recording_schema();
// {"items", "total", "page", "page_size"}.
nlohmann::json paged_schema(const nlohmann::json& item);

}  // namespace hotline::api
