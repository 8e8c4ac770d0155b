# Injected after project(hotline) by run.sh (CMAKE_PROJECT_hotline_INCLUDE), so the bench builds
# without editing the top-level CMakeLists.txt. Target names resolve at generate time.
add_subdirectory(${CMAKE_SOURCE_DIR}/bench/media ${CMAKE_BINARY_DIR}/bench/media)
