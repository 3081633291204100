/* polusgen fake <math.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_MATH_H
#define _POLUS_MATH_H
typedef float float_t;
typedef double double_t;
#define HUGE_VAL HUGE_VAL
#define INFINITY INFINITY
#define NAN NAN
#define M_PI M_PI
#define M_E M_E
double fabs(double); double floor(double); double ceil(double); double round(double);
double sqrt(double); double pow(double, double); double exp(double); double log(double);
double log10(double); double log2(double); double sin(double); double cos(double); double tan(double);
double atan(double); double atan2(double, double); double fmod(double, double);
double modf(double, double *); double frexp(double, int *); double ldexp(double, int);
double trunc(double); double rint(double); long lround(double); long lrint(double);
float fabsf(float); float floorf(float); float ceilf(float); float sqrtf(float);
int isnan(double); int isinf(double); int isfinite(double);
/* more names the real header defines (values are its business) */
#define FP_ILOGB0 FP_ILOGB0
#define FP_ILOGBNAN FP_ILOGBNAN
#define FP_INFINITE FP_INFINITE
#define FP_NAN FP_NAN
#define FP_NORMAL FP_NORMAL
#define FP_SUBNORMAL FP_SUBNORMAL
#define FP_ZERO FP_ZERO
#define HUGE_VALF HUGE_VALF
#define HUGE_VALL HUGE_VALL
#define MATH_ERREXCEPT MATH_ERREXCEPT
#define MATH_ERRNO MATH_ERRNO
#define M_1_PI M_1_PI
#define M_2_PI M_2_PI
#define M_2_SQRTPI M_2_SQRTPI
#define M_LN10 M_LN10
#define M_LN2 M_LN2
#define M_LOG10E M_LOG10E
#define M_LOG2E M_LOG2E
#define M_PI_2 M_PI_2
#define M_PI_4 M_PI_4
#define M_SQRT1_2 M_SQRT1_2
#define M_SQRT2 M_SQRT2
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define FP_INT_DOWNWARD FP_INT_DOWNWARD
#define FP_INT_TONEAREST FP_INT_TONEAREST
#define FP_INT_TONEARESTFROMZERO FP_INT_TONEARESTFROMZERO
#define FP_INT_TOWARDZERO FP_INT_TOWARDZERO
#define FP_INT_UPWARD FP_INT_UPWARD
#define FP_LLOGB0 FP_LLOGB0
#define FP_LLOGBNAN FP_LLOGBNAN
#define HUGE_VAL_F128 HUGE_VAL_F128
#define HUGE_VAL_F32 HUGE_VAL_F32
#define HUGE_VAL_F32X HUGE_VAL_F32X
#define HUGE_VAL_F64 HUGE_VAL_F64
#define HUGE_VAL_F64X HUGE_VAL_F64X
#define MAXFLOAT MAXFLOAT
#define SNAN SNAN
#define SNANF SNANF
#define SNANF128 SNANF128
#define SNANF32 SNANF32
#define SNANF32X SNANF32X
#define SNANF64 SNANF64
#define SNANF64X SNANF64X
#define SNANL SNANL
#endif /* GNU */
#endif
