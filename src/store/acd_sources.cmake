target_sources(hotline_store PRIVATE
  agent_state_repository.cpp
  callback_repository.cpp
  missed_call_repository.cpp
  queue_repository.cpp
  queue_visit_repository.cpp
)
