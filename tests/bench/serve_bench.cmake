# HTTP load client for the Thing Description Directory (driven by serve_bench.sh).
pkg_check_modules(HTTPLIB_BENCH REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(nlohmann_json 3 REQUIRED)
add_executable(tinykg_serve_bench ${CMAKE_CURRENT_LIST_DIR}/serve_bench.cc)
target_link_libraries(tinykg_serve_bench PRIVATE PkgConfig::HTTPLIB_BENCH nlohmann_json::nlohmann_json)
tinykg_warnings(tinykg_serve_bench)
