// lovctl: the staff and provider command line.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  return lov::cli::Main(argc, argv, std::cout, std::cerr);
}
