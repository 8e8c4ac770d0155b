#pragma once
// The JSON shapes of agents and queues that the API answers and the event bus publishes
// (docs/cti.md). Phone numbers are masked here; screens that may see them ask elsewhere.
#include <nlohmann/json.hpp>

#include "acd/acd_service.hpp"

namespace hotline::acd {

nlohmann::json agent_json(const AgentView& view);
// The wallboard's line of a queue: live counts, today's figures and its colour thresholds.
nlohmann::json queue_json(const QueueView& view);

}  // namespace hotline::acd
