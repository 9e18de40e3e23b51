// Results are written to NAME.tmp.PID and renamed over NAME, so a crash or a full disk never
// leaves a half-written file under the real name.
#pragma once
#include <string>

namespace vgrad::tools {
void write_file_atomically(const std::string& path, const std::string& contents);
}
