# The pure routing engine (no I/O): unit-tested in tests/acd, benchmarked in bench/acd.
target_sources(hotline_acd PRIVATE
  acd_types.cpp
  agent_state_machine.cpp
  routing_strategy.cpp
  waiting_line.cpp
  wait_predictor.cpp
  acd_engine.cpp)
