/* `tidu serve` and `tidu user`: the HTTP server and its accounts. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tidu/accounts.h"
#include "tidu/server.h"
#include "tidu/store.h"

static const cli_option serve_opts[] = {
    {"listen", 'l', "HOST:PORT", "监听地址(默认 127.0.0.1:8080;端口 0 = 任一空闲端口)",
     "address to listen on (default 127.0.0.1:8080; port 0 = any free port)"},
    CLI_OPT_DB,
    {"db-read", 0, "URL|PATH",
     "只读工作(列表、统计、导出、模拟、梯度报表)读此库,如流复制备库;写入与会话仍在 --db (同 "
     "$TIDU_DB_READ)",
     "read-only work (lists, stats, exports, simulations, ladder reports) reads this database, "
     "e.g. a streaming replica; writes and sessions stay on --db (as $TIDU_DB_READ)"},
    {"threads", 0, "N", "工作线程数(默认 4)", "worker threads (default 4)"},
    {"assess-rate", 0, "N", "每个地址每分钟匿名测评次数上限(默认 60;0 = 不限)",
     "anonymous assessments per address per minute (default 60; 0 = no limit)"},
    {"secure-cookies", 0, NULL, "会话 Cookie 加 Secure(在 TLS 反向代理之后)",
     "mark session cookies Secure (behind a TLS proxy)"},
    {"routes", 0, NULL, "列出全部接口后退出", "print the API routes and exit"},
    {NULL, 0, NULL, NULL, NULL},
};

static const cli_option user_opts[] = {
    CLI_OPT_DB,
    {"role", 0, "ROLE", "角色 admin|official|institution|enterprise",
     "role admin|official|institution|enterprise"},
    {"scope", 0, "S", "官员:行政区划代码前缀;机构:机构名称;企业:统一社会信用代码",
     "official: region code prefix; institution: its name; enterprise: its USCC"},
    {"password-stdin", 0, NULL, "从标准输入读口令(默认随机生成并显示一次)",
     "read the password from stdin (default: generate and show it once)"},
    {"label", 0, "TEXT", "令牌用途说明", "what the token is for"},
    {NULL, 0, NULL, NULL, NULL},
};

const cli_spec cli_serve_specs[] = {
    {"serve", "[options]", "启动网页界面与 JSON 接口服务", "serve the web UI and the JSON API",
     serve_opts,
     "首次在空登记库上启动时创建管理员 admin 并显示一次随机口令。\n"
     "The first start on a registry without users creates user admin and prints its random "
     "password once.\n例 / Example:\n  tidu serve --db tidu.db --listen 127.0.0.1:8080\n",
     NULL, 0},
    {"user", "add|list|disable|enable|passwd|token NAME [options]", "管理服务的用户账户",
     "manage the server's user accounts", user_opts,
     "例 / Examples:\n  tidu user add zhang --role official --scope 3205\n"
     "  tidu user add firm1 --role enterprise --scope 91320500MA1N2K3P99\n"
     "  tidu user token zhang --label reporting\n  tidu user disable zhang\n",
     NULL, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* ---- serve ---- */

static volatile sig_atomic_t g_stop;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static void log_line(void *ud, const char *line) {
  (void)ud;
  char ts[32];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  fprintf(stderr, "%s %s\n", ts, line);
}

static void on_ready(void *ud, int port) {
  (void)ud;
  printf("tidu serve: http://127.0.0.1:%d/ (Ctrl-C 停止 / to stop)\n", port);
  fflush(stdout);
}

static void on_admin(void *ud, const char *password) {
  (void)ud;
  printf("首次启动:已创建管理员 / first start, created the admin:\n  用户/user: admin\n"
         "  口令/password: %s\n(只显示这一次,请妥善保存 / shown once, keep it safe)\n",
         password);
  fflush(stdout);
}

int cmd_serve(int argc, char **argv) {
  const cli_spec *spec = &cli_serve_specs[0];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  if (cli_get(spec, &a, "routes")) {
    char *routes = tidu_server_routes();
    fputs(routes ? routes : "", stdout);
    free(routes);
    cli_args_free(&a);
    return CLI_OK;
  }
  tidu_server_options o = {0};
  o.listen = cli_get(spec, &a, "listen") ? cli_get(spec, &a, "listen") : "127.0.0.1:8080";
  o.db_path = cli_db_path(cli_get(spec, &a, "db"));
  const char *rd =
      cli_get(spec, &a, "db-read") ? cli_get(spec, &a, "db-read") : getenv("TIDU_DB_READ");
  o.db_read = rd && *rd && strcmp(rd, o.db_path) ? rd : NULL;
  o.secure_cookies = cli_get(spec, &a, "secure-cookies") != NULL;
  o.log = log_line;
  o.ready = on_ready;
  o.admin_created = on_admin;
  long long n;
  if (cli_get(spec, &a, "threads")) {
    if (cli_parse_int(cli_get(spec, &a, "threads"), 1, 64, &n)) {
      cli_args_free(&a);
      return cli_usage(spec, "--threads 应为 1–64 / --threads wants 1-64");
    }
    o.threads = (int)n;
  }
  if (cli_get(spec, &a, "assess-rate")) {
    if (cli_parse_int(cli_get(spec, &a, "assess-rate"), 0, 1000000, &n)) {
      cli_args_free(&a);
      return cli_usage(spec, "--assess-rate 应为非负整数 / --assess-rate wants a count");
    }
    o.assess_per_minute = n ? (int)n : -1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  tidu_error err;
  tidu_error_clear(&err);
  tidu_code code = tidu_server_run(&o, &g_stop, &err);
  cli_args_free(&a);
  if (code != TIDU_OK) {
    cli_print_error(&err);
    return cli_exit_code(code);
  }
  fprintf(stderr, "tidu serve: 已停止 / stopped\n");
  return CLI_OK;
}

/* ---- user ---- */

static int print_user(const tidu_user *u, void *ud) {
  (void)ud;
  printf("%-20s %-12s %-20s %s%s\n", u->name, tidu_role_name(u->role), u->scope[0] ? u->scope : "-",
         u->created_at, u->disabled ? "  (已停用 / disabled)" : "");
  return 0;
}

static int read_password(char *buf, size_t size) {
  if (!fgets(buf, (int)size, stdin)) return -1;
  buf[strcspn(buf, "\r\n")] = 0;
  return buf[0] ? 0 : -1;
}

/* "add" and "passwd" with --password-stdin: the password from stdin, or an error. */
static tidu_code stdin_password(const cli_spec *spec, const cli_args *a, char *pw, size_t size,
                                int *from_stdin, tidu_error *err) {
  *from_stdin = cli_get(spec, a, "password-stdin") != NULL;
  if (*from_stdin && read_password(pw, size))
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "标准输入没有口令 / no password on stdin");
  return TIDU_OK;
}

static tidu_code user_add(const cli_spec *spec, const cli_args *a, tidu_store *s, const char *name,
                          tidu_error *err) {
  char pw[256], made[17] = "";
  int from_stdin;
  tidu_code rc = stdin_password(spec, a, pw, sizeof pw, &from_stdin, err);
  if (rc != TIDU_OK) return rc;
  int role = tidu_role_parse(cli_get(spec, a, "role") ? cli_get(spec, a, "role") : "");
  if (role < 0)
    return tidu_error_set(err, TIDU_ERR_USAGE, NULL, 0, 0,
                          "--role 应为 admin|official|institution|enterprise / --role must be "
                          "admin|official|institution|enterprise");
  rc = tidu_account_add(s, name, from_stdin ? pw : NULL, (tidu_role)role, cli_get(spec, a, "scope"),
                        made, err);
  if (rc == TIDU_OK && made[0]) printf("口令 / password: %s\n", made);
  if (rc == TIDU_OK) tidu_store_audit(s, "cli", "user add", NULL, name, NULL);
  return rc;
}

static tidu_code user_passwd(const cli_spec *spec, const cli_args *a, tidu_store *s,
                             const char *name, tidu_error *err) {
  char pw[256], token[TIDU_SECRET_LEN + 1];
  int from_stdin;
  tidu_code rc = stdin_password(spec, a, pw, sizeof pw, &from_stdin, err);
  if (rc != TIDU_OK) return rc;
  if (!from_stdin) {
    tidu_secret_new(token);
    token[16] = 0;
  }
  rc = tidu_account_passwd(s, name, from_stdin ? pw : token, err);
  if (rc == TIDU_OK && !from_stdin) printf("新口令 / new password: %s\n", token);
  return rc;
}

static tidu_code user_disable(const cli_spec *spec, const cli_args *a, tidu_store *s,
                              const char *name, tidu_error *err) {
  (void)spec;
  (void)a;
  return tidu_store_user_set_disabled(s, name, 1, err);
}

static tidu_code user_enable(const cli_spec *spec, const cli_args *a, tidu_store *s,
                             const char *name, tidu_error *err) {
  (void)spec;
  (void)a;
  return tidu_store_user_set_disabled(s, name, 0, err);
}

static tidu_code user_token(const cli_spec *spec, const cli_args *a, tidu_store *s,
                            const char *name, tidu_error *err) {
  char token[TIDU_SECRET_LEN + 1];
  tidu_code rc = tidu_account_token_new(s, name, cli_get(spec, a, "label"), token, err);
  if (rc == TIDU_OK) printf("%s\n", token);
  return rc;
}

static tidu_code user_list(const cli_spec *spec, const cli_args *a, tidu_store *s, const char *name,
                           tidu_error *err) {
  (void)spec;
  (void)a;
  (void)name;
  return tidu_store_user_list(s, print_user, NULL, err);
}

/* `tidu user SUB`: each subcommand with its handler; all but "list" take a NAME. */
static const struct {
  const char *name;
  tidu_code (*run)(const cli_spec *spec, const cli_args *a, tidu_store *s, const char *name,
                   tidu_error *err);
  int takes_name;
} user_subs[] = {
    {"add", user_add, 1},
    {"list", user_list, 0},
    {"disable", user_disable, 1},
    {"enable", user_enable, 1},
    {"passwd", user_passwd, 1},
    {"token", user_token, 1},
    {NULL, NULL, 0},
};

int cmd_user(int argc, char **argv) {
  const cli_spec *spec = &cli_serve_specs[1];
  cli_args a;
  int rc = cli_parse(spec, argc, argv, &a);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  int sub = 0;
  if (a.npos >= 1)
    while (user_subs[sub].name && strcmp(user_subs[sub].name, a.pos[0])) sub++;
  if (a.npos < 1 || ((!user_subs[sub].name || user_subs[sub].takes_name) && a.npos < 2)) {
    cli_args_free(&a);
    return cli_usage(spec, "用法 / usage: tidu user add|list|disable|enable|passwd|token NAME");
  }
  tidu_store *s = NULL;
  rc = cli_open_store(cli_get(spec, &a, "db"), &s);
  tidu_error err;
  tidu_error_clear(&err);
  if (rc == CLI_OK) {
    tidu_code code = user_subs[sub].name
                         ? user_subs[sub].run(spec, &a, s, a.pos[1], &err)
                         : tidu_error_set(&err, TIDU_ERR_USAGE, NULL, 0, 0,
                                          "未知子命令 / unknown subcommand '%s'", a.pos[0]);
    if (code != TIDU_OK) {
      cli_print_error(&err);
      rc = cli_exit_code(code);
    }
  }
  tidu_store_close(s);
  cli_args_free(&a);
  return rc;
}
