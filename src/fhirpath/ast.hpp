// The FHIRPath syntax tree (internal to the room).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fhirpath/value.hpp"

namespace fos::fhirpath {

struct FunctionSpec;

struct Node {
  enum class Kind {
    kLiteral,   ///< `literal` holds the value (possibly empty: `{}`)
    kMember,    ///< `name` on the input (a path step)
    kFunction,  ///< `name(args...)` on the input; `function` resolved at parse time
    kInvoke,    ///< children[0] '.' children[1] (member or function)
    kIndex,     ///< children[0] '[' children[1] ']'
    kUnary,     ///< name is "-" or "+"
    kBinary,    ///< name is the operator
    kTypeOp,    ///< `is` / `as`: children[0], name, type_name
    kVariable,  ///< %name
    kThis,      ///< $this
    kIndexVar,  ///< $index
    kTotal,     ///< $total
  };
  Kind kind = Kind::kLiteral;
  size_t position = 0;
  std::string name;
  std::string type_name;
  Collection literal;
  std::vector<std::unique_ptr<Node>> children;
  const FunctionSpec* function = nullptr;
};

}  // namespace fos::fhirpath
