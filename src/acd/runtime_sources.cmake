# The runtime: the call application behind "queue" routes and the IVR's queue node, agent states
# persisted and published, and the JSON shapes the API and the event bus share.
add_library(hotline_acd_runtime STATIC
  acd_agent_calls.cpp
  acd_callbacks.cpp
  acd_json.cpp
  acd_service.cpp
)
target_link_libraries(hotline_acd_runtime PUBLIC hotline_acd hotline_call hotline_store
                                                 hotline_common)
