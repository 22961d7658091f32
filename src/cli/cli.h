// The hxctl command line. main() wires the real systems into a CliEnv; tests wire fakes.
#pragma once

#include "src/run/run_env.h"

namespace hx {

using CliEnv = RunEnv;

int runCli(int argc, char** argv, CliEnv& env);

}  // namespace hx
