# The pure ACD engine: unit tests only (no database, no daemon), prefixed "acd." for ctest -R.
add_executable(acd_engine_tests
  agent_state_machine_test.cpp
  wait_predictor_test.cpp
  routing_strategy_test.cpp
  acd_engine_test.cpp
  dispatch_invariant_test.cpp)
target_link_libraries(acd_engine_tests PRIVATE hotline_acd GTest::gtest GTest::gtest_main
                                               hotline_options)
gtest_discover_tests(acd_engine_tests TEST_PREFIX "acd." DISCOVERY_TIMEOUT 60)
