// ErrorKind names and the throw helper.
#include "core/error.hpp"

namespace fos {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "invalid input";
    case ErrorKind::kConfig:
      return "config";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kModule:
      return "module";
    case ErrorKind::kFhirpath:
      return "fhirpath";
    case ErrorKind::kMapping:
      return "mapping";
    case ErrorKind::kSql:
      return "sql";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "unknown";
}

void fail(ErrorKind kind, const std::string& message) {
  throw Error(kind, message);
}

}  // namespace fos
