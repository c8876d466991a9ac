// PSYSCORE_VECTOR_CLONES: GCC's function multi-versioning for plain loops.
// The function is compiled twice, for x86-64-v3 (AVX2 and fused
// multiply-add, Haswell and later) and for the baseline x86-64 target, and
// the body is picked once at load time from the CPU's features. Use it only
// in translation units without Eigen (or other code whose inline functions
// must be the same everywhere), so that no other instruction set leaks into
// shared definitions.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define PSYSCORE_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PSYSCORE_VECTOR_CLONES
#endif
