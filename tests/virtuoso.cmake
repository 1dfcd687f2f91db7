# The store-level, CLI and HTTP suites again, on a private Virtuoso
# (`ctest -L virtuoso`; part of the default `ctest` run, so CI runs them).
# The fixture starts a new database with scripts/virtuoso.sh and stops it at
# the end; without Virtuoso installed the fixture fails with the install
# command, and the suites fail with it (they are never skipped).
set(TINYKG_VIRTUOSO_SQL_PORT 11131 CACHE STRING "SQL (ODBC) port of the test Virtuoso")
set(TINYKG_VIRTUOSO_HTTP_PORT 18931 CACHE STRING "HTTP (SPARQL) port of the test Virtuoso")
set(_virtuoso_dir "${PROJECT_BINARY_DIR}/virtuoso-test")
set(_virtuoso_script "${PROJECT_SOURCE_DIR}/scripts/virtuoso.sh")
set(TINYKG_VIRTUOSO_TEST_SPEC
    "virtuoso://127.0.0.1:${TINYKG_VIRTUOSO_SQL_PORT}/tinykg?http=${TINYKG_VIRTUOSO_HTTP_PORT}")

add_test(NAME virtuoso_start
  COMMAND env TINYKG_VIRTUOSO_SQL_PORT=${TINYKG_VIRTUOSO_SQL_PORT}
              TINYKG_VIRTUOSO_HTTP_PORT=${TINYKG_VIRTUOSO_HTTP_PORT}
              bash ${_virtuoso_script} fresh ${_virtuoso_dir})
set_tests_properties(virtuoso_start PROPERTIES FIXTURES_SETUP virtuoso LABELS virtuoso TIMEOUT 180)
add_test(NAME virtuoso_stop COMMAND bash ${_virtuoso_script} stop ${_virtuoso_dir})
set_tests_properties(virtuoso_stop PROPERTIES FIXTURES_CLEANUP virtuoso LABELS virtuoso TIMEOUT 120)

# tinykg_virtuoso_test(NAME TARGET FILTER): runs GoogleTest binary TARGET
# (tests matching FILTER) with TINYKG_TEST_STORE pointing at the test server.
function(tinykg_virtuoso_test name target filter)
  if(NOT TARGET ${target})
    return()
  endif()
  add_test(NAME ${name} COMMAND $<TARGET_FILE:${target}> --gtest_filter=${filter})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "TINYKG_TEST_STORE=${TINYKG_VIRTUOSO_TEST_SPEC}"
    FIXTURES_REQUIRED virtuoso LABELS virtuoso TIMEOUT 900)
endfunction()

# Backend-specific tests (spec, server-side rollback, union, store names).
add_executable(virtuoso_store_test ${CMAKE_CURRENT_SOURCE_DIR}/rdf/virtuoso_store_test.cc)
target_link_libraries(virtuoso_store_test PRIVATE tinykg::rdf GTest::gtest GTest::gtest_main)
target_include_directories(virtuoso_store_test PRIVATE ${PROJECT_SOURCE_DIR}/src/rdf ${CMAKE_CURRENT_LIST_DIR}/support)
tinykg_warnings(virtuoso_store_test)
tinykg_virtuoso_test(virtuoso_store_test virtuoso_store_test "*")

# The on-disk tests (reopen, SIGKILL during writes) are about the embedded
# files; handles and results writers do not touch a store.
tinykg_virtuoso_test(virtuoso_rdf_test rdf_test
  "*-*/OnDisk:*/Hashes:*/HashesMemory:StoreOnDisk.*:LmdbEngine.*:LmdbStore.*:StoreSpec.*:RedlandHandles.*:Results.*")
tinykg_virtuoso_test(virtuoso_cli_test cli_test "*")
tinykg_virtuoso_test(virtuoso_serve_test serve_test "Server.*")
# match / explain / bench / report through the CLI on a store made by `tinykg init`
# (the other match tests read an in-memory copy of the shipped graph).
tinykg_virtuoso_test(virtuoso_match_test match_test "MatchCli.*:BenchCli.*:ReportCli.*")

# The shipped queries answer on Virtuoso as on Oxigraph.
add_test(NAME virtuoso_oxigraph_diff
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/rdf/oxigraph_diff.sh $<TARGET_FILE:tinykg>
          ${PROJECT_SOURCE_DIR} ${TINYKG_SHARED_DATA})
set_tests_properties(virtuoso_oxigraph_diff PROPERTIES
  ENVIRONMENT "TINYKG_TEST_STORE=${TINYKG_VIRTUOSO_TEST_SPEC}"
  FIXTURES_REQUIRED virtuoso LABELS virtuoso TIMEOUT 300)
