#pragma once
// The bureau's demo flows, as the JSON the database stores. The demo seeds them; tests check
// that they pass the publish-time validator.
#include <nlohmann/json.hpp>

namespace hotline::ivr {

// "main": welcome; outside working hours an announcement, self-service and message-taking; in
// hours a menu: 1 social insurance, 2 medical insurance, 3 self-service progress query,
// 0 or no input an agent.
nlohmann::json bureau_demo_flow();

// "survey": the satisfaction survey played to the caller when the agent hangs up first.
nlohmann::json bureau_survey_flow();

}  // namespace hotline::ivr
