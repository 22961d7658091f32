// Files hxctl writes for others to read (JWTs, the gateway's key file, generated secrets):
// private (0600) from the first byte, and replaced atomically so no reader sees half a file.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "reconciler/status.h"

namespace hx {

// Writes to a temporary file in the same directory, fsyncs it, renames it over `path` and
// fsyncs the directory. Creates missing parent directories (0700). `mode`: 0600 unless the
// file holds no secret and another service must read it (a prometheus.yml: 0644).
Status writeFileAtomically(const std::string& path, const std::string& content, mode_t mode = 0600);

// Creates the missing directories of `dir` 0700 whatever the umask (an existing one is left as it
// is): a store's directory, a keys directory, a token's.
Status createPrivateDirectories(const std::string& dir);

// The file's content, nothing if it does not exist, or an error if it cannot be read.
Result<std::optional<std::string>> readFileIfExists(const std::string& path);

}  // namespace hx
