// A stand-alone `stio ir` for benchmarks (the real CLI wires the same RunIrCommand).
#include <iostream>
#include <string>
#include <vector>

#include "search/ir_tool.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return stio::search::RunIrCommand(args, std::cout, std::cerr);
}
