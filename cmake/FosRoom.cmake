# fos_add_room(NAME <target> SOURCES ... [DEPS ...] [TESTS ...] [TEST_DEPS ...])
# One static library per room; its *_test.cpp files become one GoogleTest binary.
# Dependencies point one way (downstream rooms link upstream ones, never back).
function(fos_add_room)
  cmake_parse_arguments(R "" "NAME" "SOURCES;DEPS;TESTS;TEST_DEPS" ${ARGN})
  add_library(${R_NAME} STATIC ${R_SOURCES})
  target_include_directories(${R_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${R_NAME} PUBLIC ${R_DEPS})
  if(FOS_DEVELOPER_MODE AND R_TESTS)
    add_executable(${R_NAME}_test ${R_TESTS})
    target_link_libraries(${R_NAME}_test PRIVATE ${R_NAME} ${R_TEST_DEPS} GTest::gtest_main)
    target_compile_definitions(${R_NAME}_test PRIVATE
      FOS_SOURCE_DIR="${CMAKE_SOURCE_DIR}" FOS_SHARED_DIR="${FOS_SHARED_DIR}")
    gtest_discover_tests(${R_NAME}_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
  endif()
endfunction()
