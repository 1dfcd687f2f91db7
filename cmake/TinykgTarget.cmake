# Helpers shared by every module's CMakeLists.txt.

# tinykg_warnings(TARGET): the project's warning set, as errors unless
# TINYKG_WERROR is OFF.
function(tinykg_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wcast-align -Wunused
                         -Woverloaded-virtual)
  if(TINYKG_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12's -Wrestrict fires inside libstdc++'s std::string when
    # `"literal" + std::string&&` (basic_string::insert -> _M_replace) is
    # inlined at -O3 (Release): a known false positive, GCC bug 105329
    # (also 105651), fixed in GCC 13. There are hundreds of such
    # expressions, so on GCC 12 only the warning stays a warning instead of
    # an error; src/base/status.cc is written so that it does not fire.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
       AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-error=restrict)
    endif()
  endif()
endfunction()

# tinykg_module(NAME SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...]):
# a static library tinykg_NAME (alias tinykg::NAME) whose public headers live
# in src/NAME/include/tinykg/NAME/.
function(tinykg_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(tinykg_${name} STATIC ${ARG_SOURCES})
  add_library(tinykg::${name} ALIAS tinykg_${name})
  target_include_directories(tinykg_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(tinykg_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  tinykg_warnings(tinykg_${name})
endfunction()
