# Training steps/s of the engine's dense and conv kernels; compared with NumPy
# by engine_bench.sh (not part of ctest).
add_executable(engine_bench ${CMAKE_CURRENT_LIST_DIR}/engine_bench.cc)
target_link_libraries(engine_bench PRIVATE tinykg::engine)
tinykg_warnings(engine_bench)
