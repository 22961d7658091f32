#include "src/providers/rendered_file.h"

#include "src/platform/atomic_file.h"

namespace hx {

Status deliverRenderedFile(CommandRunner& commands, const std::string& path,
                           const std::string& rendered, const std::optional<std::string>& current,
                           const Json& reloadCommand, mode_t mode) {
  if (current && *current == rendered) return Status::ok();
  if (Status s = writeFileAtomically(path, rendered, mode); !s) return s;
  if (!reloadCommand.is_array() || reloadCommand.empty()) return Status::ok();
  std::vector<std::string> argv;
  for (const auto& word : reloadCommand) {
    if (!word.is_string())
      return Status::error(ErrorKind::kTerminal,
                           path + " was written, but its reloadCommand is not a list of strings");
    argv.push_back(word.get<std::string>());
  }
  return reloadAfterWrite(commands, argv, path);
}

}  // namespace hx
