// The one exception type of fos, and the kinds of failure it carries.
//
// Exceptions end a command (DuckDB's rule); expected misses are std::optional,
// and recoverable problems go to Diagnostics. Messages carry their location:
// "config/demographics.yaml: line 4: unknown key 'sexx'".
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace fos {

enum class ErrorKind {
  kInvalidInput,  ///< a user-supplied option or input file is wrong
  kConfig,        ///< a configuration file is malformed or inconsistent
  kIo,            ///< the file system refused a read or a write
  kModule,        ///< a disease module is malformed
  kFhirpath,      ///< a FHIRPath expression is malformed or cannot be evaluated
  kMapping,       ///< a record cannot be mapped between models
  kSql,           ///< the SQL engine reported an error
  kInternal,      ///< a bug in fos
};

/// Name of an error kind, as printed by the CLI ("invalid input", "io", ...).
std::string_view to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

/// Throw an Error of the given kind. Marked noreturn so callers need no dummy return.
[[noreturn]] void fail(ErrorKind kind, const std::string& message);

/// Programmer errors only: never triggered by user input.
#define FOS_ASSERT(cond)                                                                   \
  do {                                                                                     \
    if (!(cond))                                                                           \
      ::fos::fail(::fos::ErrorKind::kInternal, std::string("assertion failed: ") + #cond + \
                                                   " at " + __FILE__ + ":" +               \
                                                   std::to_string(__LINE__));              \
  } while (0)

}  // namespace fos
