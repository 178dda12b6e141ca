// A SQLite catalog in the layout Iceberg's JDBC catalog and pyiceberg's SqlCatalog use:
//
//   iceberg_tables(catalog_name, table_namespace, table_name, metadata_location,
//                  previous_metadata_location)            PRIMARY KEY (catalog, namespace, name)
//   iceberg_namespace_properties(catalog_name, namespace, property_key, property_value)
//
// A namespace exists when it has a property row ("exists" = "true", as Java and pyiceberg
// write). fos keeps writing each table in the file-system layout (vN.metadata.json, linked
// atomically) and then moves the catalog pointer with a compare-and-swap UPDATE ... WHERE
// metadata_location = <the pointer read>; a writer whose swap found another pointer re-reads
// it and tries again, and never moves the pointer backwards (a newer version already holds
// every older snapshot). So the pointer always names a complete metadata file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace fos::lake {

struct CatalogTable {
  std::string ns;
  std::string name;
  std::string metadata_location;  ///< as stored ("file:/.../metadata/v3.metadata.json")
};

class SqliteCatalog {
 public:
  /// Open (or create) the catalog database at `path` and its two tables. Throws
  /// Error{kIo} naming the file on SQLite errors.
  explicit SqliteCatalog(const std::filesystem::path& path, std::string catalog_name = "fos");
  ~SqliteCatalog();
  SqliteCatalog(const SqliteCatalog&) = delete;
  SqliteCatalog& operator=(const SqliteCatalog&) = delete;

  /// Add the namespace (property "exists" = "true") unless it is there.
  void create_namespace(const std::string& ns);
  /// Every table of this catalog, sorted by namespace and name.
  std::vector<CatalogTable> tables() const;
  /// The metadata location of `ns`.`name`; nullopt when the table is not registered.
  std::optional<std::string> metadata_location(const std::string& ns,
                                               const std::string& name) const;
  /// Point `ns`.`name` at `location` (a vN.metadata.json of version `version`): insert when
  /// absent, else compare-and-swap from the pointer read, retrying after a lost swap; a
  /// pointer already at version >= `version` is left alone. Returns the number of swaps that
  /// lost a race (0 when the first one won).
  int commit(const std::string& ns, const std::string& name, const std::string& location,
             int version);
  /// Test hook: called after commit() read the pointer, before its swap.
  void set_before_swap(std::function<void()> hook) { before_swap_ = std::move(hook); }

 private:
  void execute(const std::string& sql) const;

  std::filesystem::path path_;
  std::string catalog_name_;
  sqlite3* db_ = nullptr;
  std::function<void()> before_swap_;
};

/// "sqlite:PATH" -> PATH; nullopt for any other text (the file-system catalog).
std::optional<std::filesystem::path> sqlite_catalog_path(const std::string& spec);

/// The version N of a ".../vN.metadata.json" location; 0 when it has another form.
int metadata_version(const std::string& location);

}  // namespace fos::lake
