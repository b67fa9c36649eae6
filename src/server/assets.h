/* The web UI's files compiled into the binary (generated table, see tools/embed.c). */
#ifndef TIDU_SERVER_ASSETS_H
#define TIDU_SERVER_ASSETS_H

#include "rules/builtin.h"

/* Paths relative to web/ ("index.html", "node_modules/echarts/dist/echarts.min.js"). */
extern const tidu_builtin_file tidu_web_files[];

#endif
