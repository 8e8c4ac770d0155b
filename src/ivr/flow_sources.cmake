# Flow model, publish-time validator and interpreter, and the bureau's demo flows.
target_sources(hotline_ivr PRIVATE
  demo_flow.cpp
  flow_interpreter.cpp
  flow_issue.cpp
  flow_json.cpp
  flow_model.cpp
  flow_template.cpp
  flow_validator.cpp
)
