#include "datasets/text_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "autograd/check.h"

namespace vgrad {

std::string gz_error_text(void* gz, const std::string& path) {
  int code = 0;
  std::string msg = gzerror(static_cast<gzFile>(gz), &code);
  // zlib prefixes its message with the path, which our messages already start with.
  if (msg.rfind(path + ": ", 0) == 0) msg = msg.substr(path.size() + 2);
  return msg;
}

void check_readable(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    fail(path, ": cannot open (no such file); run `make data` first");
  if (std::filesystem::is_directory(path, ec))
    fail(path, ": cannot open (is a directory, expected a file)");
}

// 64 KB line and zlib buffers: larger ones cost every small file a fresh mmap, the fuzz
// targets' bottleneck, while large files read no slower.
TextFile::TextFile(std::string path) : path_(std::move(path)), buf_(1 << 16) {
  check_readable(path_);
  gzFile gz = gzopen(path_.c_str(), "rb");
  check(gz != nullptr, path_, ": cannot open (", std::strerror(errno), ")");
  gzbuffer(gz, 1 << 16);
  gz_ = gz;
}

TextFile::~TextFile() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

std::string TextFile::where() const { return cat(path_, ":", line_no_, ": "); }

bool TextFile::fill() {
  if (eof_) return false;
  gzFile gz = static_cast<gzFile>(gz_);
  int n = gzread(gz, buf_.data(), (unsigned)buf_.size());
  if (n < 0)
    fail(path_, ":", line_no_ + 1, ": corrupt or truncated gzip data (", gz_error_text(gz_, path_),
         ")");
  begin_ = 0;
  end_ = (size_t)n;
  if (n == 0) {
    // A gzip stream cut short reads as a clean end with an error flag set.
    int code = 0;
    gzerror(gz, &code);
    if (code != Z_OK && code != Z_STREAM_END)
      fail(path_, ":", line_no_ + 1, ": corrupt or truncated gzip data (",
           gz_error_text(gz_, path_), ")");
    eof_ = true;
    return false;
  }
  return true;
}

bool TextFile::next(std::string_view& line) {
  carry_.clear();
  bool have_carry = false;
  for (;;) {
    if (begin_ == end_ && !fill()) {
      if (!have_carry) return false;
      break;  // last line without a trailing newline
    }
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl) {
      size_t len = (const char*)nl - start;
      if (have_carry) {
        carry_.append(start, len);
        begin_ += len + 1;
        break;
      }
      line = std::string_view(start, len);
      begin_ += len + 1;
      ++line_no_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return true;
    }
    carry_.append(start, end_ - begin_);
    have_carry = true;
    begin_ = end_;
  }
  ++line_no_;
  line = carry_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

bool is_blank_or_comment(std::string_view line) {
  for (char c : line) {
    if (c == '#') return true;
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

}  // namespace vgrad
