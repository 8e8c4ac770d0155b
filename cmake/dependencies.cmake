# Every dependency comes from Debian 12 packages (installed by ./hotline setup).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
find_package(OpenSSL REQUIRED)

# SOCI 4.0 on Debian ships no CMake package: import its libraries by hand.
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIB soci_postgresql REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(SQLite3 REQUIRED)
add_library(soci INTERFACE)
target_include_directories(soci SYSTEM INTERFACE /usr/include/soci ${PostgreSQL_INCLUDE_DIRS})
target_link_libraries(soci INTERFACE ${SOCI_POSTGRESQL_LIB} ${SOCI_SQLITE_LIB} ${SOCI_CORE_LIB}
                                     PostgreSQL::PostgreSQL SQLite::SQLite3)
