// Splitting a text line into fields, and parsing them with the file and line kept for errors:
// the allocation-free pieces under the edge-list reader (a 4M-line file calls them per line).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vgrad {

// Reused across lines: after the first few lines, splitting allocates nothing.
using Fields = std::vector<std::string_view>;

// sep ' ': runs of spaces and tabs separate, empty fields are skipped (the historical format).
// sep ',' or '\t': each one separates (so "a,,b" has an empty middle field); fields are trimmed
// of spaces and of one pair of surrounding double quotes (no quoted separators: a comma inside
// quotes still separates).
void split_line(std::string_view line, char sep, Fields& out);
// ',' when the line has a comma; '\t' when it has a tab and a field between tabs holds a space
// (ids with spaces); else ' ' (spaces or tabs, in any mix).
char detect_separator(std::string_view line);
// "auto" -> 0, "comma" or "," -> ',', "tab" -> '\t', "space" or "whitespace" -> ' '; throws
// "--sep: expected auto, comma, tab or space, found 'X'".
char parse_separator(const std::string& text);

// The whole token must be the number, else "PATH:LINE: expected WHAT, found 'TOKEN'" (a float:
// "expected a WHAT, ...").
int64_t parse_int_at(const std::string& path, int64_t line, std::string_view token,
                     const char* what);
double parse_double_at(const std::string& path, int64_t line, std::string_view token,
                       const char* what);

}  // namespace vgrad
