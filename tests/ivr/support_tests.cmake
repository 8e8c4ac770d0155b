# Working calendar, ID numbers, Chinese wording and templates, data sources (the HTTP source
# against a real HTTP server on 127.0.0.1 that the test binary starts). Test names carry the
# prefix "ivr_support." so that `ctest -R ivr_support` selects exactly these; otherwise this is
# what hotline_add_gtest does (these tests need neither PostgreSQL nor the daemon).
add_executable(ivr_support_tests
  calendar_test.cpp
  chinese_speech_test.cpp
  data_source_test.cpp
  id_number_test.cpp
  loopback_http_server.cpp)
target_include_directories(ivr_support_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ivr_support_tests PRIVATE hotline_ivr GTest::gtest GTest::gtest_main
                                                hotline_options)
gtest_discover_tests(ivr_support_tests TEST_PREFIX "ivr_support." DISCOVERY_TIMEOUT 60)
