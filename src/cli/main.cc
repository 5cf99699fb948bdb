// The stio binary: server and command line in one.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return stio::cli::Main(args, std::cin, std::cout, std::cerr);
}
