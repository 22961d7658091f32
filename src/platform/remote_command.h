// Commands that cross a remote shell. OpenSSH joins every argument after the destination with
// spaces and hands the line to the remote user's shell, so an argv that is safe locally
// (["ssh", "admin@fw", "ufw", "allow", ..., "comment", "$(touch /tmp/x)"]) runs the comment there.
// Every word after the destination is therefore quoted for a POSIX shell before the command runs,
// so the remote shell rebuilds exactly the argv hxctl meant (the plan shows the same words).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hx {

// Whether argv[0] is ssh (by its base name).
bool isSsh(const std::vector<std::string>& argv);
// The index of ssh's destination (the first argument that is neither an option nor an option's
// value), or nullopt when argv is not an ssh command or names none.
std::optional<size_t> sshDestination(const std::vector<std::string>& argv);
// The host of ssh's destination ("admin@127.0.0.1" -> "127.0.0.1"; ssh://user@host:port too).
std::optional<std::string> sshHost(const std::vector<std::string>& argv);
// `argv` with every word after an ssh destination quoted for the remote shell; other commands
// unchanged.
std::vector<std::string> forRemoteShell(const std::vector<std::string>& argv);
// One word, single-quoted for a POSIX shell ('it'\''s').
std::string shellQuoted(const std::string& word);

}  // namespace hx
