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
#endif
