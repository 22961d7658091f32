// A file hxctl renders whole from the specs (a gateway's key file, a prometheus.yml): written
// atomically only when the rendering differs from what is on disk, then the spec's
// reloadCommand runs so the service rereads it. Shared by the providers of such files.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "reconciler/resource.h"
#include "reconciler/status.h"
#include "src/platform/command_runner.h"

namespace hx {

// `current`: the file's bytes as read before rendering (nullopt: no file). `reloadCommand`: the
// spec's argv (anything but a non-empty array of strings: nothing to run). Unchanged bytes are
// neither written nor reloaded.
Status deliverRenderedFile(CommandRunner& commands, const std::string& path,
                           const std::string& rendered, const std::optional<std::string>& current,
                           const Json& reloadCommand, mode_t mode);

}  // namespace hx
