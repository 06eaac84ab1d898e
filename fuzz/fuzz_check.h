// A broken property stops the fuzzer with the input that broke it.
#ifndef LOV_FUZZ_FUZZ_CHECK_H_
#define LOV_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define LOV_FUZZ_CHECK(condition)                                              \
  do {                                                                         \
    if (!(condition)) {                                                        \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, \
                   #condition);                                                \
      std::abort();                                                            \
    }                                                                          \
  } while (false)

#endif  // LOV_FUZZ_FUZZ_CHECK_H_
