/* polusgen prelude: force-included before every translation unit.
 *
 * It does what the real compiler does implicitly (predefined macros) and
 * removes the GNU spellings pycparser cannot parse.  See README.md. */
#ifndef _POLUS_PRELUDE_H
#define _POLUS_PRELUDE_H

/* ---- what gcc -std=gnu11 on x86_64 Linux predefines ---- */
#define __STDC__ 1
#define __STDC_VERSION__ 201112L
#define __STDC_HOSTED__ 1
#define __GNUC__ 4
#define __GNUC_MINOR__ 2
#define __GNUC_PATCHLEVEL__ 1
#define __linux__ 1
#define __linux 1
#define __gnu_linux__ 1
#define __unix__ 1
#define __unix 1
#define __ELF__ 1
#define __x86_64__ 1
#define __x86_64 1
#define __amd64__ 1
#define __amd64 1
#define __LP64__ 1
#define _LP64 1
#define __CHAR_BIT__ 8
#define __SIZEOF_SHORT__ 2
#define __SIZEOF_INT__ 4
#define __SIZEOF_LONG__ 8
#define __SIZEOF_LONG_LONG__ 8
#define __SIZEOF_POINTER__ 8
#define __SIZEOF_SIZE_T__ 8
#define __ORDER_LITTLE_ENDIAN__ 1234
#define __ORDER_BIG_ENDIAN__ 4321
#define __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__
/* glibc's <features.h> is reached by every libc header; programs test these */
#define __GLIBC__ 2
#define __GLIBC_MINOR__ 36
#define __USE_POSIX 1
#define __USE_XOPEN 1
#define __USE_MISC 1

/* ---- GNU spellings pycparser cannot parse ---- */
#define __attribute__(x)
#define __attribute(x)
#define __declspec(x)
#define _Pragma(x)
#define __extension__
#define __inline__ inline
#define __inline inline
#define __forceinline inline
#define __restrict__ restrict
#define __restrict restrict
/* asm labels on declarations (asm statements are kept by polusgen.frontend.asm) */
#define __asm__(...)
#define __asm(...)
#define __volatile__ volatile
#define __volatile volatile
#define __const const
#define __const__ const
#define __signed__ signed
#define __signed signed
#define __alignof__ _Alignof
#define __alignof _Alignof
#define __thread _Thread_local
#define __THROW
#define __wur
#define __nonnull(x)
#define __BEGIN_DECLS
#define __END_DECLS
/* the rest of glibc's <sys/cdefs.h>, for the real C library headers polusgen
 * has no stand-in for (read from the compiler's include path) */
#define __THROWNL
#define __NTH(fct) fct
#define __NTHNL(fct) fct
#define __LEAF
#define __LEAF_ATTR
#define __P(args) args
#define __PMT(args) args
#define __CONCAT(x, y) x ## y
#define __STRING(x) #x
#define __ptr_t void *
#define __flexarr []
#define __glibc_c99_flexarr_available 1
#define __restrict_arr
#define __REDIRECT(name, proto, alias) name proto
#define __REDIRECT_NTH(name, proto, alias) name proto
#define __REDIRECT_NTHNL(name, proto, alias) name proto
#define __REDIRECT_LDBL(name, proto, alias) name proto
#define __REDIRECT_NTH_LDBL(name, proto, alias) name proto
#define __glibc_likely(cond) (cond)
#define __glibc_unlikely(cond) (cond)
#define __glibc_has_attribute(attr) 0
#define __glibc_has_builtin(name) 0
#define __glibc_has_extension(ext) 0
#define __glibc_macro_warning(message)
#define __always_inline inline
#define __extern_inline extern inline
#define __extern_always_inline extern inline
#define __fortify_function extern inline
#define __attr_access(x)
#define __attr_access_none(argno)
#define __attr_dealloc(dealloc, argno)
#define __attr_dealloc_free
#define __fortified_attr_access(a, o, s)
#define __attribute_alloc_align__(param)
#define __attribute_alloc_size__(params)
#define __attribute_artificial__
#define __attribute_const__
#define __attribute_copy__(arg)
#define __attribute_deprecated__
#define __attribute_deprecated_msg__(msg)
#define __attribute_format_arg__(x)
#define __attribute_format_strfmon__(a, b)
#define __attribute_malloc__
#define __attribute_maybe_unused__
#define __attribute_noinline__
#define __attribute_nonnull__(params)
#define __attribute_nonstring__
#define __attribute_pure__
#define __attribute_returns_twice__
#define __attribute_used__
#define __attribute_warn_unused_result__
#define __returns_nonnull
#define __warnattr(msg)
#define __errordecl(name, msg) extern void name (void)
#define __warndecl(name, msg) extern void name (void)

/* gcc builtins a program may name directly (the __builtin_va_list typedef
 * itself lives in _polus_types.h: this file holds #define lines only, which
 * polusgen feeds to the preprocessor before each translation unit) */
#define __builtin_va_arg(ap, T) __polus_va_arg(ap, (T *)0)
#define __builtin_offsetof(T, m) __polus_offsetof((T *)0, m)
#define __builtin_types_compatible_p(A, B) __polus_types_compatible_p((A *)0, (B *)0)

#endif
