#include "nn/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "autograd/check.h"

namespace vgrad {
namespace {

// The temporary name of the write in progress, readable from a signal handler: a fixed buffer
// (no allocation) published by an atomic flag. Writes happen on one thread at a time.
char g_temp_path[4096];
std::atomic<bool> g_temp_set{false};

std::string errno_text(int e) { return std::strerror(e); }

void publish_temp(const std::string& tmp) {
  g_temp_set.store(false);
  const size_t n = std::min(tmp.size(), sizeof g_temp_path - 1);
  std::memcpy(g_temp_path, tmp.data(), n);
  g_temp_path[n] = '\0';
  g_temp_set.store(tmp.size() < sizeof g_temp_path);  // a cut-short name would be wrong
}

void fail_removing(const std::string& tmp, const std::string& message) {
  ::unlink(tmp.c_str());
  g_temp_set.store(false);
  fail(message);
}

}  // namespace

void remove_file_in_progress() noexcept {
  if (g_temp_set.load()) ::unlink(g_temp_path);
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  publish_temp(tmp);  // before it exists: a signal from here on removes it
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    g_temp_set.store(false);
    fail(path, ": cannot create ", tmp, ": ", errno_text(errno));
  }
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n == 0 ? "no progress" : errno_text(errno);
      ::close(fd);
      fail_removing(tmp, cat(path, ": write failed after ", done, " bytes: ", why));
    }
    done += (size_t)n;
  }
  // fsync before rename: otherwise a power cut can persist the rename but not the data.
  if (::fsync(fd) != 0) {
    const std::string why = errno_text(errno);
    ::close(fd);
    fail_removing(tmp, cat(path, ": cannot flush ", tmp, ": ", why));
  }
  if (::close(fd) != 0)
    fail_removing(tmp, cat(path, ": cannot flush ", tmp, ": ", errno_text(errno)));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    fail_removing(tmp, cat(path, ": cannot rename ", tmp, " to it: ", errno_text(errno)));
  g_temp_set.store(false);
  // Persist the rename itself; best effort, since the data is already safe either way.
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace vgrad
