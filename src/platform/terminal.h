// The width of the terminal a file descriptor writes to.
#pragma once

#include <cstddef>

namespace hx {

// Columns of the terminal on `fd` ($COLUMNS first, as shells set it, else the tty's own size);
// 0 when `fd` is not a terminal: piped output is never cut to a width.
size_t terminalColumns(int fd);

}  // namespace hx
