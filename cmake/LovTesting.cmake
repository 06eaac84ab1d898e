# Test helpers for every folder: unit tests, and integration tests that share
# one Kafka + Redis started by a ctest fixture.
include(GoogleTest)

# Test support shared by integration and end-to-end tests.
add_library(lov_test_support STATIC
  ${PROJECT_SOURCE_DIR}/tests/support/test_stack.cc
  ${PROJECT_SOURCE_DIR}/tests/support/service_process.cc
  ${PROJECT_SOURCE_DIR}/tests/support/service_test_stack.cc
  ${PROJECT_SOURCE_DIR}/tests/support/test_sign_in.cc)
target_include_directories(lov_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(lov_test_support PUBLIC lov_platform lov_grpc_health_proto
  GTest::gtest)
target_compile_definitions(lov_test_support PRIVATE
  LOV_BINARY_DIR="${CMAKE_BINARY_DIR}")

# ---- the local stack for integration and end-to-end tests: one Kafka and one
# Redis on free ports for the whole ctest run, unless LOV_KAFKA_BROKERS and
# LOV_REDIS_ADDR name existing ones.
set(LOV_TEST_RUN_DIR ${CMAKE_BINARY_DIR}/test-stack)
# lov_unit_test(<target> SOURCES ... LIBS ...): pure tests, no infrastructure.
function(lov_unit_test target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main)
  # Header-only helpers shared by every test (status_matchers.h, ...).
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  # Label "unit": the sanitizer build (make sanitize) runs this label.
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
  if(NOT TARGET lov_all_unit_tests)
    add_custom_target(lov_all_unit_tests)
  endif()
  add_dependencies(lov_all_unit_tests ${target})
endfunction()

add_test(NAME stack_up COMMAND env LOV_RUN_DIR=${LOV_TEST_RUN_DIR}
  LOV_REDIS_PORT=auto LOV_KAFKA_PORT=auto LOV_KAFKA_CONTROLLER_PORT=auto
  ${PROJECT_SOURCE_DIR}/deploy/local/stack.sh up)
add_test(NAME stack_down COMMAND env LOV_RUN_DIR=${LOV_TEST_RUN_DIR}
  ${PROJECT_SOURCE_DIR}/deploy/local/stack.sh down --wipe)
set_tests_properties(stack_up PROPERTIES FIXTURES_SETUP stack)
set_tests_properties(stack_down PROPERTIES FIXTURES_CLEANUP stack)

# lov_integration_test(<target> SOURCES ... LIBS ...): a gtest binary whose
# cases run against the fixture's Kafka and Redis.
function(lov_integration_test target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE lov_test_support ${ARG_LIBS}
                        GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE
    LOV_SOURCE_DIR="${PROJECT_SOURCE_DIR}" LOV_BINARY_DIR="${CMAKE_BINARY_DIR}")
  # No SKIPPED here: gtest reports every test of a suite whose
  # SetUpTestSuite failed as skipped, and ctest would count that as success.
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST
    PROPERTIES FIXTURES_REQUIRED stack
               SKIP_REGULAR_EXPRESSION "LOV-INTEGRATION-TESTS-ARE-NEVER-SKIPPED"
               # The services these tests start run signed in, as in
               # production: TLS, and a token of the test binary's own
               # issuer on every call (tests/support/test_sign_in.h).
               ENVIRONMENT LOV_TEST_ENV_FILE=${LOV_TEST_RUN_DIR}/env
               TIMEOUT 300)
endfunction()

