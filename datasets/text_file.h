// Line-by-line reading of plain or gzipped text files (zlib reads both transparently), with
// the file name and line number kept so every parse error can say exactly where it happened.
// Splitting lines into fields and parsing them: datasets/fields.h.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vgrad {

// Throws "PATH: cannot open (...); run `make data` first" when the file is missing.
void check_readable(const std::string& path);

class TextFile {
 public:
  explicit TextFile(std::string path);
  ~TextFile();
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;

  // Next line without its "\n" / "\r\n"; false at end of file.
  bool next(std::string_view& line);
  int64_t line_no() const { return line_no_; }
  const std::string& path() const { return path_; }
  // "PATH:LINE: " for messages about the current line.
  std::string where() const;

 private:
  bool fill();
  std::string path_;
  void* gz_ = nullptr;  // gzFile, kept opaque so zlib.h stays out of the header
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  std::string carry_;  // a line that straddles two reads
  int64_t line_no_ = 0;
  bool eof_ = false;
};

// Blank lines and lines starting with '#' carry no data.
bool is_blank_or_comment(std::string_view line);

// zlib's message for the last error on an open gzFile, without zlib's "PATH: " prefix.
std::string gz_error_text(void* gz, const std::string& path);

}  // namespace vgrad
