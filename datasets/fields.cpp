#include "datasets/fields.h"

#include <charconv>

#include "autograd/check.h"

namespace vgrad {

namespace {

std::string_view trim(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
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

int64_t parse_int_at(const std::string& path, int64_t line, std::string_view token,
                     const char* what) {
  int64_t v = 0;
  const char* b = token.data();
  const char* e = b + token.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || token.empty())
    fail(path, ":", line, ": expected ", what, ", found '", token, "'");
  return v;
}

double parse_double_at(const std::string& path, int64_t line, std::string_view token,
                       const char* what) {
  double v = 0;
  const char* b = token.data();
  const char* e = b + token.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || token.empty())
    fail(path, ":", line, ": expected a ", what, ", found '", token, "'");
  return v;
}

}  // namespace vgrad
