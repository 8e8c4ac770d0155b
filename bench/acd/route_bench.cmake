# Injected after project(hotline) by route.sh (CMAKE_PROJECT_hotline_INCLUDE), so the bench
# builds without editing the top-level CMakeLists.txt. Target names resolve at generate time.
add_subdirectory(${CMAKE_SOURCE_DIR}/bench/acd ${CMAKE_BINARY_DIR}/bench/acd)
