// Small text rules the CLI applies in more than one place: trimming input fields and lines,
// checking that input is UTF-8 (proto3 string fields must be), and escaping a value so that text
// output stays one record per line with whitespace-free columns.
#pragma once

#include <string>
#include <string_view>

namespace orderstream::cli {

// Without leading and trailing spaces, tabs, carriage returns and newlines.
std::string_view trim(std::string_view text);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_utf8(std::string_view text);

// `text` with backslash escapes for what would break a text column or line: "\\" for a
// backslash, "\n", "\r", "\t", and "\xHH" for other control bytes and, when `escape_spaces`, for
// a space. Everything else, UTF-8 included, is kept as it is.
std::string escape_text(std::string_view text, bool escape_spaces = true);

}  // namespace orderstream::cli
