// Splitting a text line into fields, parsing them with the file and line kept for errors, and
// reading a table (an edge list, a features or labels file) as people write them: separator
// detected, header detected, every line as many fields as the first. The one splitter and the
// one set of number parsers under every text reader (a 4M-line file calls them per line, so
// they allocate nothing once warm).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "datasets/text_file.h"

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

// std::from_chars over the whole token (one leading '+' allowed): std::errc() when the token
// is exactly one number, result_out_of_range when it is one the type cannot hold,
// invalid_argument otherwise (an empty token too).
std::errc parse_number(std::string_view token, int64_t& v);
std::errc parse_number(std::string_view token, double& v);
std::errc parse_number(std::string_view token, float& v);
bool is_number(std::string_view token, bool integer);

// The whole token must be the number, else "PATH:LINE: expected WHAT, found 'TOKEN'" (a float:
// "expected a WHAT, ...").
int64_t parse_int_at(const std::string& path, int64_t line, std::string_view token,
                     const char* what);
double parse_double_at(const std::string& path, int64_t line, std::string_view token,
                       const char* what);
// Also refuses what a float cannot hold and non-finite values, saying which.
float parse_float_at(const std::string& path, int64_t line, std::string_view token,
                     const char* what);
inline int64_t parse_int(const TextFile& f, std::string_view token, const char* what) {
  return parse_int_at(f.path(), f.line_no(), token, what);
}
inline float parse_finite_float(const TextFile& f, std::string_view token, const char* what) {
  return parse_float_at(f.path(), f.line_no(), token, what);
}

// A table as people write one (an edge list, a keyed features or labels file):
//   separator  forced, or detected from the first data line (detect_separator)
//   header     the first data line is one when all its fields are column names (source,
//              target, id, label, weight, ...) or when one of its fields is not a number where
//              the next data line's is (as Python's csv.Sniffer votes on column types); the
//              first `id_columns` columns are ids, so only integers count as numbers there
//   columns    every data line must have as many fields as the first (or the header)
// Blank lines and '#' comments are skipped.
class Table {
 public:
  // `rows` names the data for "found only a header line, expected ROWS after it".
  Table(const std::string& path, char sep, size_t id_columns, const char* rows);
  const std::string& path() const { return file_.path(); }
  char sep() const { return sep_; }
  bool header() const { return header_; }
  bool empty() const { return columns_ == 0; }  // no data line at all
  size_t columns() const { return columns_; }
  int64_t columns_line() const { return first_.no; }
  int64_t first_data_line() const { return header_ ? second_.no : first_.no; }
  // The next data line (after the header), split; false at the end.
  bool next(Fields& out, int64_t& line_no);
  // Throws "PATH:LINE: expected N fields 'NAMES', found M (line L[, the header,] sets the
  // column count)" when `fs` has not columns() fields.
  void check_columns(const Fields& fs, int64_t line_no, const std::string& names) const {
    if (fs.size() != columns_) fail_columns(fs.size(), line_no, names);
  }
  // "a,b,c" / "a<TAB>b<TAB>c" / "a b c" for messages.
  std::string join(const std::vector<std::string>& names) const;

 private:
  struct Line {
    std::string text;
    int64_t no = 0;
  };
  bool next_data_line(Line& out);
  [[noreturn]] void fail_columns(size_t found, int64_t line_no, const std::string& names) const;
  TextFile file_;
  char sep_ = ' ';
  bool header_ = false;
  size_t columns_ = 0;
  Line first_, second_;
  bool give_first_ = false, give_second_ = false;  // read ahead, not yet returned
  Fields a_, b_;
};

}  // namespace vgrad
