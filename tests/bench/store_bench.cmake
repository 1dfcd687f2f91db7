# Store load and query benchmark (driven by store_bench.sh).
add_executable(tinykg_store_bench ${CMAKE_CURRENT_LIST_DIR}/store_bench.cc)
target_link_libraries(tinykg_store_bench PRIVATE tinykg::rdf)
tinykg_warnings(tinykg_store_bench)
