// fos_omop_fixture_writer GOOD_DIR BROKEN_DIR: write the hand-made OMOP fixture as omop.duckdb into
// both folders, then damage the second copy in four known ways for the conformance test.
#include <cstdio>
#include <exception>
#include <filesystem>

#include "lake/duckdb/db.hpp"
#include "omop/write/test_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fos_omop_fixture_writer GOOD_DIR BROKEN_DIR\n");
    return 2;
  }
  try {
    for (int i = 1; i < 3; ++i) {
      std::filesystem::remove_all(argv[i]);
      std::filesystem::create_directories(argv[i]);
      fos::omop::testing::write_fixture(argv[i], {fos::omop::OmopFormat::kDuckdb});
    }
    fos::lake::Database db =
        fos::lake::Database::open(std::filesystem::path(argv[2]) / "omop.duckdb");
    fos::lake::Connection con(db);
    con.execute("UPDATE measurement SET unit_concept_id = 8507 WHERE measurement_id = 1000000");
    con.execute("UPDATE visit_occurrence SET person_id = 99 WHERE visit_occurrence_id = 1000000");
    con.execute("INSERT INTO person SELECT * FROM person WHERE person_id = 1");
    con.execute("ALTER TABLE death ALTER death_type_concept_id TYPE VARCHAR");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fos_omop_fixture_writer: %s\n", e.what());
    return 1;
  }
  return 0;
}
