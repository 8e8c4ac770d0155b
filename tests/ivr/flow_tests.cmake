# Flow model, validator, interpreter and demo flow: pure unit tests (no database, no daemon).
# Registered directly rather than through hotline_add_gtest so that the test names carry the
# "ivr_flow." prefix and `ctest -R ivr_flow` selects them.
add_executable(ivr_flow_tests flow_interpreter_test.cpp flow_model_test.cpp
                              flow_validator_test.cpp)
target_link_libraries(ivr_flow_tests PRIVATE hotline_ivr GTest::gtest GTest::gtest_main
                                             hotline_options)
gtest_discover_tests(ivr_flow_tests TEST_PREFIX "ivr_flow." DISCOVERY_TIMEOUT 60)
