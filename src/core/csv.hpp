// CSV text (RFC 4180): quoting rules shared by every CSV the project writes.
//
// A field is quoted when it holds a comma, a quote, CR or LF, or is an empty
// string; quotes inside are doubled. An absent value (SQL NULL) is written as
// nothing at all, so readers can tell NULL from "".
#pragma once

#include <string>
#include <string_view>

namespace fos {

/// Append one field, quoted if needed (an empty string is written as "").
void append_csv_field(std::string& out, std::string_view text);

}  // namespace fos
