/* polusgen fake <stdint.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_STDINT_H
#define _POLUS_STDINT_H
#include <_polus_types.h>
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef signed char int_least8_t;
typedef short int_least16_t;
typedef int int_least32_t;
typedef long int_least64_t;
typedef unsigned char uint_least8_t;
typedef unsigned short uint_least16_t;
typedef unsigned int uint_least32_t;
typedef unsigned long uint_least64_t;
typedef signed char int_fast8_t;
typedef long int_fast16_t;
typedef long int_fast32_t;
typedef long int_fast64_t;
typedef unsigned char uint_fast8_t;
typedef unsigned long uint_fast16_t;
typedef unsigned long uint_fast32_t;
typedef unsigned long uint_fast64_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;
typedef long intmax_t;
typedef unsigned long uintmax_t;
#define INT8_MAX INT8_MAX
#define INT16_MAX INT16_MAX
#define INT32_MAX INT32_MAX
#define INT64_MAX INT64_MAX
#define UINT8_MAX UINT8_MAX
#define UINT16_MAX UINT16_MAX
#define UINT32_MAX UINT32_MAX
#define UINT64_MAX UINT64_MAX
#define SIZE_MAX SIZE_MAX
#define INTPTR_MAX INTPTR_MAX
#define UINTPTR_MAX UINTPTR_MAX
#define INTMAX_MAX INTMAX_MAX
#define UINTMAX_MAX UINTMAX_MAX
#endif
