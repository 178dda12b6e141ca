# Third-party dependencies: Debian packages, and DuckDB from the npm registry
# (scripts/setup.sh unpacks it into third_party/duckdb; FOS_DUCKDB_DIR points elsewhere).
find_package(fmt REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 QUIET)
find_package(Threads REQUIRED)
if(NOT CLI11_FOUND)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE ${CLI11_INCLUDE_DIR})
endif()

set(FOS_DUCKDB_DIR "$ENV{FOS_DUCKDB_DIR}" CACHE PATH "Folder with lib/libduckdb.so and include/duckdb.h")
if(NOT FOS_DUCKDB_DIR)
  set(FOS_DUCKDB_DIR ${CMAKE_SOURCE_DIR}/third_party/duckdb CACHE PATH "" FORCE)
endif()
find_library(DUCKDB_LIBRARY duckdb PATHS ${FOS_DUCKDB_DIR}/lib ${FOS_DUCKDB_DIR} NO_DEFAULT_PATH)
find_path(DUCKDB_INCLUDE_DIR duckdb.h PATHS ${FOS_DUCKDB_DIR}/include ${FOS_DUCKDB_DIR} NO_DEFAULT_PATH)
if(NOT DUCKDB_LIBRARY OR NOT DUCKDB_INCLUDE_DIR)
  message(FATAL_ERROR "DuckDB not found in ${FOS_DUCKDB_DIR}: run scripts/setup.sh, or set "
                      "FOS_DUCKDB_DIR to a folder holding lib/libduckdb.so and include/duckdb.h")
endif()
add_library(duckdb::duckdb SHARED IMPORTED)
set_target_properties(duckdb::duckdb PROPERTIES
  IMPORTED_LOCATION ${DUCKDB_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${DUCKDB_INCLUDE_DIR})
get_filename_component(FOS_DUCKDB_LIBDIR ${DUCKDB_LIBRARY} DIRECTORY)
set(CMAKE_BUILD_RPATH ${FOS_DUCKDB_LIBDIR})
set(CMAKE_INSTALL_RPATH ${FOS_DUCKDB_LIBDIR})

if(FOS_DEVELOPER_MODE)
  find_package(GTest REQUIRED)
  find_package(benchmark REQUIRED)
endif()

# The shared oracles (test data written by others) that tests read in place. The product
# never needs them. Default: ../shared beside the checkout; FOS_SHARED_DIR overrides.
if(DEFINED ENV{FOS_SHARED_DIR})
  set(_fos_shared_default $ENV{FOS_SHARED_DIR})
else()
  get_filename_component(_fos_shared_default ${CMAKE_SOURCE_DIR}/../shared ABSOLUTE)
endif()
set(FOS_SHARED_DIR ${_fos_shared_default} CACHE PATH "Folder holding the shared oracles (tests only)")
if(FOS_DEVELOPER_MODE AND NOT EXISTS ${FOS_SHARED_DIR}/oracles)
  message(WARNING "No oracles in ${FOS_SHARED_DIR}: the oracle tests will fail; set FOS_SHARED_DIR")
endif()
