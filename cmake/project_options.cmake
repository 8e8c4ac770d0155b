# Options applied to every target of the project's own code.
add_library(hotline_options INTERFACE)
target_compile_options(hotline_options INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)
# Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility> (C++20).
target_compile_options(hotline_options INTERFACE -include utility)
target_compile_definitions(hotline_options INTERFACE BOOST_ASIO_NO_DEPRECATED
                                                     BOOST_BEAST_USE_STD_STRING_VIEW)
if(HOTLINE_SANITIZE)
  target_compile_options(hotline_options INTERFACE -fsanitize=address,undefined
                                                   -fno-omit-frame-pointer -fno-sanitize-recover=all
                                                   # SOCI does not export the typeinfo the vptr check needs.
                                                   -fno-sanitize=vptr)
  target_link_options(hotline_options INTERFACE -fsanitize=address,undefined)
  # The sanitized build is the test build: -O1 (what ASan recommends) and line tables only
  # (-g1: stack traces keep functions, files and lines) halve its compile time against the
  # build type's -O2 -g. They come after the build type's flags, so they win.
  target_compile_options(hotline_options INTERFACE -O1 -g1)
endif()

set(HOTLINE_VERSION ${PROJECT_VERSION})
