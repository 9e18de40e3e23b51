// The one way vgrad writes a file (checkpoints, PNGs, JSON, tables): whole, under a temporary
// name in the same folder (PATH.tmp.PID), fsync'ed, renamed over PATH, then the folder
// fsync'ed so the rename itself survives a power cut. A crash, a full disk or a signal leaves
// either the old PATH or the whole new one, never half of one.
#pragma once
#include <string>

namespace vgrad {

// Throws "PATH: cannot create PATH.tmp.PID: why", "PATH: write failed after N bytes: why",
// "PATH: cannot flush ...", "PATH: cannot rename PATH.tmp.PID to it: why".
void write_file_atomically(const std::string& path, const std::string& contents);

// For a signal handler that is about to _exit: removes the temporary file of the write in
// progress, if any. Async-signal-safe (only unlink).
void remove_file_in_progress() noexcept;

}  // namespace vgrad
