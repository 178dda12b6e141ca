// Rendering one patient's record as rows of the per-patient CDM tables.
//
// Pure functions of (record, vocabulary, directory): safe on worker threads.
// Shared tables (provider, care_site, their locations) and the vocabulary
// tables are written once, by the sink's finish().
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "omop/vocab/vocab.hpp"
#include "omop/write/table_rows.hpp"
#include "record/patient_record.hpp"
#include "record/provider.hpp"

namespace fos::omop {

/// The tables every patient contributes rows to, in output order.
enum class PatientTable : uint8_t {
  kPerson,
  kObservationPeriod,
  kVisitOccurrence,
  kConditionOccurrence,
  kDrugExposure,
  kProcedureOccurrence,
  kDeviceExposure,
  kMeasurement,
  kObservation,
  kDeath,
  kConditionEra,
  kDrugEra,
  kLocation,
};
inline constexpr size_t kPatientTableCount = 13;
std::string_view table_name(PatientTable table);

/// What a run of patients produced: rows per table (in PatientTable order) and what they
/// refer to.
struct PatientRows {
  explicit PatientRows(TableRows::Form form = TableRows::Form::kColumns);

  std::array<TableRows, kPatientTableCount> tables;
  std::set<int32_t> concepts;         ///< every concept id written
  std::set<uint64_t> providers;       ///< provider ids referenced
  std::set<uint64_t> organizations;   ///< organization (care site) ids referenced
  uint64_t unmapped = 0;              ///< codes written as concept 0
  int64_t min_person_id = INT64_MAX;  ///< person ids double as person location ids
  int64_t max_person_id = 0;
};

/// Vocabulary::map results remembered for one thread's run of patients: the same codes come
/// back in every patient, and one probe of a flat hash table by (vocabulary, code) replaces a
/// key built on the heap and several lookups. Not thread-safe: one per worker (or per block).
class MappingCache {
 public:
  explicit MappingCache(const Vocabulary& vocabulary) : vocabulary_(vocabulary) {}
  /// vocabulary.map(vocabulary_id, code), computed once per distinct pair.
  const CodeMapping& map(std::string_view vocabulary_id, std::string_view code);
  /// The same for a record's code. A code whose text is borrowed (record/text.hpp: it outlives
  /// the records, and so this cache) is remembered by the address of its text, not hashed.
  const CodeMapping& map(const record::Code& code);

 private:
  // Open addressing with linear probing in power-of-two tables kept at most half full; a slot
  // with a null mapping is empty.
  struct TextSlot {
    uint64_t hash = 0;
    std::string vocabulary_id;
    std::string code;
    const CodeMapping* mapping = nullptr;
  };
  struct BorrowedSlot {
    const char* data = nullptr;
    size_t size = 0;
    record::CodeSystem system{};
    const CodeMapping* mapping = nullptr;
  };
  const CodeMapping& map_borrowed(const record::Code& code);
  void grow_texts();
  void grow_borrowed();

  const Vocabulary& vocabulary_;
  std::deque<CodeMapping> mappings_;  ///< every mapping computed (stable addresses)
  std::vector<TextSlot> texts_;
  size_t texts_used_ = 0;
  std::vector<BorrowedSlot> borrowed_;
  size_t borrowed_used_ = 0;
};

struct RenderContext {
  const Vocabulary& vocabulary;
  const record::ProviderDirectory& directory;
  Date reference_date;
  /// When set, codes are mapped through it (it must wrap `vocabulary`).
  MappingCache* mappings = nullptr;
};

/// Append one patient's rows to `out`.
void render_patient(const record::PatientRecord& patient, const RenderContext& context,
                    PatientRows& out);

/// OMOP vocabulary_id of a record code system ("" when OMOP has none).
std::string_view vocabulary_id(record::CodeSystem system);

/// The event table for a code: the table of its standard concept's domain (Condition,
/// Drug, Procedure, Device, Measurement, Observation), else `fallback` (the record
/// entry's own table) with concept 0 when the code has no standard concept or one of
/// another domain.
struct Routing {
  PatientTable table = PatientTable::kObservation;
  int32_t concept_id = 0;  ///< 0: unmapped
  CodeMapping mapping;
};
Routing route(const Vocabulary& vocabulary, const record::Code& code, PatientTable fallback);
/// route() for a code whose mapping is known.
Routing route(const CodeMapping& mapping, PatientTable fallback);

}  // namespace fos::omop
