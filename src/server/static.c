/* The embedded web UI: files are looked up by exact name in a table, never on the file system. */
#include <string.h>

#include "assets.h"
#include "server_int.h"

static const tidu_builtin_file *find(const char *name) {
  for (const tidu_builtin_file *f = tidu_web_files; f->path; f++)
    if (!strcmp(f->path, name)) return f;
  return NULL;
}

static const char *content_type(const char *name) {
  static const char *const TYPES[][2] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
  };
  const char *dot = strrchr(name, '.');
  for (size_t i = 0; dot && i < sizeof TYPES / sizeof TYPES[0]; i++)
    if (!strcmp(dot, TYPES[i][0])) return TYPES[i][1];
  return "application/octet-stream";
}

/* The public names of the embedded files: "/" is the page, "/vendor/echarts.js" the chart
 * library, "/<file>" a file of web/. A name with "..", a backslash or a second "/" (other than
 * under pages/) is simply not in the table. */
static const char *map(const char *path) {
  if (!strcmp(path, "/")) return "index.html";
  if (!strcmp(path, "/vendor/echarts.js")) return "node_modules/echarts/dist/echarts.min.js";
  if (path[0] != '/' || strstr(path, "node_modules") || strstr(path, "docs/")) return NULL;
  return path + 1;
}

/* GET / and the UI's files. */
int route_static(srv_req *rq, srv_resp *rs) {
  if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD"))
    return srv_error(rs, 405, "method_not_allowed", NULL, "不支持的方法 / method not allowed");
  const char *name = map(rq->path);
  const tidu_builtin_file *f = name ? find(name) : NULL;
  if (!f) return srv_error(rs, 404, "not_found", NULL, "没有这个页面 / not found");
  rs->status = 200;
  rs->ctype = content_type(f->path);
  rs->static_body = f->text;
  rs->len = f->len;
  srv_add_header(rs, "Cache-Control: %s", strcmp(name, "index.html") ? "max-age=300" : "no-cache");
  return 200;
}

/* GET /api/openapi.json */
int route_openapi(srv_req *rq, srv_resp *rs) {
  (void)rq;
  const tidu_builtin_file *f = find("docs/openapi.json");
  if (!f) return srv_error(rs, 404, "not_found", NULL, "没有接口说明 / no API description");
  rs->status = 200;
  rs->ctype = "application/json; charset=utf-8";
  rs->static_body = f->text;
  rs->len = f->len;
  return 200;
}
