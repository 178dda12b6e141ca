// SqliteCatalog: the JDBC/pyiceberg SQL catalog tables in a SQLite file, compare-and-swap.
#include "lake/iceberg/catalog_sqlite.hpp"

#include <sqlite3.h>

#include <charconv>
#include <utility>

#include "core/error.hpp"

namespace fos::lake {
namespace {

constexpr int kMaxSwaps = 1000;
constexpr int kBusyTimeoutMs = 30000;

// One prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, std::filesystem::path path)
      : db_(db), path_(std::move(path)) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) check(SQLITE_ERROR);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text) {
    check(sqlite3_bind_text(stmt_, index, text.c_str(), -1, SQLITE_TRANSIENT));
    return *this;
  }
  /// True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) check(rc);
    return false;
  }
  std::string text(int column) const {
    const unsigned char* v = sqlite3_column_text(stmt_, column);
    return v == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(v));
  }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  void check(int rc) const {
    if (rc == SQLITE_OK) return;
    fail(ErrorKind::kIo, "SQLite catalog " + path_.string() + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  std::filesystem::path path_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

std::optional<std::filesystem::path> sqlite_catalog_path(const std::string& spec) {
  constexpr std::string_view kPrefix = "sqlite:";
  if (!spec.starts_with(kPrefix) || spec.size() == kPrefix.size()) return std::nullopt;
  return std::filesystem::path(spec.substr(kPrefix.size()));
}

int metadata_version(const std::string& location) {
  constexpr std::string_view kSuffix = ".metadata.json";
  const size_t slash = location.rfind('/');
  std::string_view name(location);
  if (slash != std::string::npos) name.remove_prefix(slash + 1);
  if (!name.starts_with('v') || !name.ends_with(kSuffix)) return 0;
  name = name.substr(1, name.size() - 1 - kSuffix.size());
  int v = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
  return ec == std::errc() && end == name.data() + name.size() ? v : 0;
}

SqliteCatalog::SqliteCatalog(const std::filesystem::path& path, std::string catalog_name)
    : path_(path), catalog_name_(std::move(catalog_name)) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    fail(ErrorKind::kIo, "SQLite catalog " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  execute(
      "CREATE TABLE IF NOT EXISTS iceberg_tables (catalog_name VARCHAR(255) NOT NULL, "
      "table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, "
      "metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), "
      "PRIMARY KEY (catalog_name, table_namespace, table_name))");
  execute(
      "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (catalog_name VARCHAR(255) NOT "
      "NULL, namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255), property_value "
      "VARCHAR(1000), PRIMARY KEY (catalog_name, namespace, property_key))");
}

SqliteCatalog::~SqliteCatalog() {
  sqlite3_close(db_);
}

void SqliteCatalog::execute(const std::string& sql) const {
  Statement(db_, sql, path_).step();
}

void SqliteCatalog::create_namespace(const std::string& ns) {
  Statement insert(db_,
                   "INSERT OR IGNORE INTO iceberg_namespace_properties (catalog_name, namespace, "
                   "property_key, property_value) VALUES (?1, ?2, 'exists', 'true')",
                   path_);
  insert.bind(1, catalog_name_).bind(2, ns).step();
}

std::vector<CatalogTable> SqliteCatalog::tables() const {
  Statement select(db_,
                   "SELECT table_namespace, table_name, metadata_location FROM iceberg_tables "
                   "WHERE catalog_name = ?1 AND metadata_location IS NOT NULL ORDER BY 1, 2",
                   path_);
  select.bind(1, catalog_name_);
  std::vector<CatalogTable> out;
  while (select.step()) out.push_back({select.text(0), select.text(1), select.text(2)});
  return out;
}

std::optional<std::string> SqliteCatalog::metadata_location(const std::string& ns,
                                                            const std::string& name) const {
  Statement select(db_,
                   "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ?1 AND "
                   "table_namespace = ?2 AND table_name = ?3",
                   path_);
  select.bind(1, catalog_name_).bind(2, ns).bind(3, name);
  if (!select.step() || select.is_null(0)) return std::nullopt;
  return select.text(0);
}

int SqliteCatalog::commit(const std::string& ns, const std::string& name,
                          const std::string& location, int version) {
  create_namespace(ns);
  for (int lost = 0; lost < kMaxSwaps; ++lost) {
    const std::optional<std::string> current = metadata_location(ns, name);
    if (!current) {
      Statement insert(db_,
                       "INSERT OR IGNORE INTO iceberg_tables (catalog_name, table_namespace, "
                       "table_name, metadata_location, previous_metadata_location) "
                       "VALUES (?1, ?2, ?3, ?4, NULL)",
                       path_);
      insert.bind(1, catalog_name_).bind(2, ns).bind(3, name).bind(4, location).step();
      if (sqlite3_changes(db_) == 1) return lost;
      continue;  // registered concurrently: swap against that pointer (not a lost swap)
    }
    if (metadata_version(*current) >= version) return lost;  // a newer version is current
    if (before_swap_) before_swap_();
    Statement swap(db_,
                   "UPDATE iceberg_tables SET metadata_location = ?4, previous_metadata_location "
                   "= ?5 WHERE catalog_name = ?1 AND table_namespace = ?2 AND table_name = ?3 "
                   "AND metadata_location = ?5",
                   path_);
    swap.bind(1, catalog_name_).bind(2, ns).bind(3, name).bind(4, location).bind(5, *current);
    swap.step();
    if (sqlite3_changes(db_) == 1) return lost;
  }
  fail(ErrorKind::kIo, "SQLite catalog " + path_.string() + ": " + ns + "." + name +
                           ": pointer swap failed " + std::to_string(kMaxSwaps) + " times");
}

}  // namespace fos::lake
