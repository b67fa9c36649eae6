/* TIDU_API marks the functions of the public headers: the only symbols libtidu.so exports
 * (the library is built with -fvisibility=hidden; everything else stays internal). */
#ifndef TIDU_API_H
#define TIDU_API_H

#if defined(__GNUC__)
#define TIDU_API __attribute__((visibility("default")))
#else
#define TIDU_API
#endif

#endif
