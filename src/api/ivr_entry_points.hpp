#pragma once
// Places in the published IVR flows a caller can be sent to from outside the IVR: an agent's
// transfer (the flow's start, its menus and message nodes) and a queue's message overflow (its
// message nodes). Read from the published graphs.
#include <string>
#include <vector>

#include "store/database.hpp"

namespace hotline::api {

struct IvrEntryPoint {
  std::string flow;
  std::string node;   // empty: the flow's start
  std::string type;   // the node's type ("menu", "message"); "flow" for the start
  std::string label;  // "<flow description or name>" or "<…> · <node name>"
  std::string target() const { return node.empty() ? flow : flow + "#" + node; }
};

// Every published flow's start, menu and message nodes, by flow name. Throws ApiError when the
// database fails (routes answer 500).
std::vector<IvrEntryPoint> ivr_entry_points(store::Database& db);

}  // namespace hotline::api
