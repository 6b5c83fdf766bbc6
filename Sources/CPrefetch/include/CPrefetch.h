// A hint to the CPU that memory at an address will be read soon, so a cache miss overlaps with
// other work instead of stalling it (GCC/Clang's __builtin_prefetch). Swift has no equivalent.
#ifndef CPREFETCH_H
#define CPREFETCH_H

static inline __attribute__((always_inline)) void clustertop_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
