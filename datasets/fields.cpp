#include "datasets/fields.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "autograd/check.h"

namespace vgrad {

namespace {

std::string_view trim(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

template <class T>
std::errc parse_whole(std::string_view t, T& v) {
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  if (b == e) return std::errc::invalid_argument;
  auto [p, ec] = std::from_chars(b, e, v);
  if (p != e) return std::errc::invalid_argument;
  return ec;
}

// Column names people give edge lists and node tables; a first line made only of these is a
// header whatever the types below it ("id,label" above "alice,admin").
bool is_column_name(std::string_view t) {
  static const char* names[] = {
      "source", "target", "src",    "dst",       "from",      "to",       "u",    "v",
      "node1",  "node2",  "node_1", "node_2",    "id1",       "id2",      "head", "tail",
      "weight", "w",      "value",  "source_id", "target_id", "id",       "node", "node_id",
      "name",   "label",  "class",  "category",  "y",         "community"};
  std::string low(t);
  for (char& c : low) c = (char)std::tolower((unsigned char)c);
  for (const char* n : names)
    if (low == n) return true;
  return false;
}

bool looks_like_header(const Fields& first, const Fields* second, size_t id_columns) {
  bool all_names = true;
  for (size_t k = 0; k < first.size(); ++k) all_names = all_names && is_column_name(first[k]);
  if (all_names) return true;
  if (!second || second->size() != first.size()) return false;
  for (size_t k = 0; k < first.size(); ++k) {
    const bool integer = k < id_columns;
    if (!is_number(first[k], integer) && is_number((*second)[k], integer)) return true;
  }
  return false;
}

}  // namespace

void split_line(std::string_view line, char sep, Fields& out) {
  out.clear();
  const char* p = line.data();
  const char* end = p + line.size();
  if (sep == ' ') {
    while (p < end) {
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      const char* q = p;
      while (q < end && *q != ' ' && *q != '\t') ++q;
      if (q > p) out.emplace_back(p, q - p);
      p = q;
    }
    return;
  }
  for (;;) {
    const char* q = p;
    while (q < end && *q != sep) ++q;
    out.push_back(trim(std::string_view(p, q - p)));
    if (q == end) return;
    p = q + 1;
  }
}

char detect_separator(std::string_view line) {
  if (line.find(',') != std::string_view::npos) return ',';
  if (line.find('\t') == std::string_view::npos) return ' ';
  Fields fs;
  split_line(line, '\t', fs);
  for (std::string_view f : fs)
    if (f.find(' ') != std::string_view::npos) return '\t';
  return ' ';
}

char parse_separator(const std::string& t) {
  if (t == "auto") return 0;
  if (t == "comma" || t == ",") return ',';
  if (t == "tab" || t == "\t" || t == "\\t") return '\t';
  if (t == "space" || t == "whitespace" || t == " ") return ' ';
  fail("--sep: expected auto, comma, tab or space, found '", t, "'");
}

std::errc parse_number(std::string_view t, int64_t& v) { return parse_whole(t, v); }
std::errc parse_number(std::string_view t, double& v) { return parse_whole(t, v); }
std::errc parse_number(std::string_view t, float& v) { return parse_whole(t, v); }

bool is_number(std::string_view t, bool integer) {
  int64_t i;
  double d;
  return (integer ? parse_number(t, i) : parse_number(t, d)) == std::errc();
}

int64_t parse_int_at(const std::string& path, int64_t line, std::string_view token,
                     const char* what) {
  int64_t v = 0;
  if (parse_number(token, v) != std::errc())
    fail(path, ":", line, ": expected ", what, ", found '", token, "'");
  return v;
}

double parse_double_at(const std::string& path, int64_t line, std::string_view token,
                       const char* what) {
  double v = 0;
  if (parse_number(token, v) != std::errc())
    fail(path, ":", line, ": expected a ", what, ", found '", token, "'");
  return v;
}

float parse_float_at(const std::string& path, int64_t line, std::string_view token,
                     const char* what) {
  float v = 0;
  const std::errc ec = parse_number(token, v);
  if (ec == std::errc::result_out_of_range)
    fail(path, ":", line, ": expected a ", what,
         " a float can hold (magnitude 1.2e-38 to 3.4e38, or 0), found '", token, "'");
  if (ec != std::errc()) fail(path, ":", line, ": expected a ", what, ", found '", token, "'");
  if (!std::isfinite(v))
    fail(path, ":", line, ": expected a finite ", what, ", found '", token, "'");
  return v;
}

Table::Table(const std::string& path, char sep, size_t id_columns, const char* rows) : file_(path) {
  if (!next_data_line(first_)) return;
  sep_ = sep ? sep : detect_separator(first_.text);
  split_line(first_.text, sep_, a_);
  const bool have_second = next_data_line(second_);
  if (have_second) split_line(second_.text, sep_, b_);
  header_ = looks_like_header(a_, have_second ? &b_ : nullptr, id_columns);
  check(!header_ || have_second, path, ":", first_.no, ": found only a header line ('", first_.text,
        "'), expected ", rows, " after it");
  columns_ = a_.size();
  give_first_ = !header_;
  give_second_ = have_second;
}

bool Table::next_data_line(Line& out) {
  std::string_view line;
  while (file_.next(line))
    if (!is_blank_or_comment(line)) {
      out.text.assign(line);
      out.no = file_.line_no();
      return true;
    }
  return false;
}

bool Table::next(Fields& out, int64_t& line_no) {
  if (give_first_ || give_second_) {  // the two lines read ahead for the header rule
    out = give_first_ ? a_ : b_;
    line_no = give_first_ ? first_.no : second_.no;
    (give_first_ ? give_first_ : give_second_) = false;
    return true;
  }
  std::string_view line;
  while (file_.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, sep_, out);
    line_no = file_.line_no();
    return true;
  }
  return false;
}

std::string Table::join(const std::vector<std::string>& names) const {
  std::string s;
  for (size_t k = 0; k < names.size(); ++k) {
    if (k) s += sep_ == ',' ? "," : sep_ == '\t' ? "<TAB>" : " ";
    s += names[k];
  }
  return s;
}

void Table::fail_columns(size_t found, int64_t line_no, const std::string& names) const {
  fail(path(), ":", line_no, ": expected ", columns_, " fields '", names, "', found ", found,
       " (line ", first_.no, header_ ? ", the header," : "", " sets the column count)");
}

}  // namespace vgrad
