// posix_spawn and a waitpid loop for Node. Hand-written because Node has no posix_spawn or vfork:
// child_process fork()s the whole Node process, which costs milliseconds of page-table copying
// per child; glibc's posix_spawn (clone with CLONE_VM|CLONE_VFORK) copies nothing.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <node_api.h>
#include <paths.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(__GLIBC__) || !__GLIBC_PREREQ(2, 29)
#error "@tessera/spawn-native needs glibc >= 2.29 (posix_spawn_file_actions_addchdir_np, POSIX_SPAWN_SETSID)"
#endif
#define HAVE_ADDCLOSEFROM __GLIBC_PREREQ(2, 34)
#define HAVE_STRERRORNAME __GLIBC_PREREQ(2, 32)

#define CHECK(call)                                        \
  do {                                                     \
    if ((call) != napi_ok) return fail_napi(env, #call);   \
  } while (0)

static napi_value fail_napi(napi_env env, const char* what) {
  const napi_extended_error_info* info = NULL;
  napi_get_last_error_info(env, &info);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    char msg[256];
    snprintf(msg, sizeof msg, "spawn-native: %s failed: %s", what, info && info->error_message ? info->error_message : "unknown");
    napi_throw_error(env, NULL, msg);
  }
  return NULL;
}

/** Throws an Error like Node's system errors: message "<syscall> <path>: <strerror>", code, errno, syscall, path. */
static napi_value throw_errno(napi_env env, int err, const char* syscall, const char* path) {
  char msg[PATH_MAX + 256];
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, path, strerror(err));
  napi_value message, error, value;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
#if HAVE_STRERRORNAME
  const char* name = strerrorname_np(err);
  napi_value code = NULL;
  if (name) napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, message, &error);
#else
  napi_create_error(env, NULL, message, &error);
#endif
  napi_create_int32(env, err, &value);
  napi_set_named_property(env, error, "errno", value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, error, "syscall", value);
  napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, error, "path", value);
  napi_throw(env, error);
  return NULL;
}

/** Every string taken from JS for one call, freed together. */
typedef struct {
  char** items;
  size_t count, cap;
} strings;

static void strings_free(strings* s) {
  for (size_t i = 0; i < s->count; i++) free(s->items[i]);
  free(s->items);
}

static char* keep(strings* s, char* p) {
  if (!p) return NULL;
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    char** items = realloc(s->items, cap * sizeof *items);
    if (!items) {
      free(p);
      return NULL;
    }
    s->items = items;
    s->cap = cap;
  }
  return s->items[s->count++] = p;
}

/** A JS string as a C string, or NULL with a TypeError thrown naming `what`. */
static char* c_string(napi_env env, strings* s, napi_value v, const char* what) {
  napi_valuetype t;
  size_t len = 0;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_string) {
    char msg[128];
    snprintf(msg, sizeof msg, "spawn: %s must be a string", what);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  napi_get_value_string_utf8(env, v, NULL, 0, &len);
  char* p = keep(s, malloc(len + 1));
  if (!p) {
    napi_throw_error(env, "ENOMEM", "spawn: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, p, len + 1, &len);
  if (strlen(p) != len) {
    char msg[128];
    snprintf(msg, sizeof msg, "spawn: %s contains a NUL byte", what);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  return p;
}

/** A JS array of strings as a NULL-terminated vector, or NULL with a TypeError thrown. */
static char** c_vector(napi_env env, strings* s, napi_value v, const char* what) {
  bool is_array = false;
  uint32_t n = 0;
  char label[64];
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) {
    snprintf(label, sizeof label, "spawn: %s must be an array of strings", what);
    napi_throw_type_error(env, NULL, label);
    return NULL;
  }
  napi_get_array_length(env, v, &n);
  char** vec = (char**)keep(s, calloc((size_t)n + 1, sizeof(char*)));
  if (!vec) {
    napi_throw_error(env, "ENOMEM", "spawn: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    if (napi_get_element(env, v, i, &item) != napi_ok) return NULL;
    snprintf(label, sizeof label, "%s[%u]", what, i);
    if (!(vec[i] = c_string(env, s, item, label))) return NULL;
  }
  return vec;
}

/**
 * Finds a bare program name in the PATH of the task's environment (not ours), as execvpe and
 * libuv do: an empty entry is the working directory; relative entries are relative to `cwd`,
 * where the child will be when it execs. Returns 0 and the path to exec, or an errno.
 */
static int resolve(const char* file, char* const* envp, const char* cwd, char* out, size_t size) {
  if (file[0] == '\0') return ENOENT;
  if (strchr(file, '/')) {
    if ((size_t)snprintf(out, size, "%s", file) >= size) return ENAMETOOLONG;
    return 0;
  }
  const char* path = _PATH_DEFPATH;
  for (char* const* e = envp; *e; e++) {
    if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
  }
  int cwd_fd = -1, result = ENOENT;
  for (const char* dir = path;; dir++) {
    const char* end = strchrnul(dir, ':');
    int len = (int)(end - dir);
    if ((size_t)snprintf(out, size, "%.*s%s%s", len, dir, len ? "/" : "", file) >= size) {
      result = ENAMETOOLONG;
    } else {
      int at = AT_FDCWD;
      if (out[0] != '/') {
        if (cwd_fd < 0) cwd_fd = open(cwd, O_PATH | O_DIRECTORY | O_CLOEXEC);
        at = cwd_fd;
      }
      struct stat st;
      if (at != -1 && fstatat(at, out, &st, 0) == 0 && S_ISREG(st.st_mode)) {
        if (faccessat(at, out, X_OK, AT_EACCESS) == 0) {
          result = 0;
          break;
        }
        result = EACCES;  // as execvp: remember, keep looking
      }
    }
    if (*end == '\0') break;
    dir = end;
  }
  if (cwd_fd >= 0) close(cwd_fd);
  return result;
}

/** Opens a task's output file in append mode, close-on-exec, never as fd 0-2 (dup2 onto itself keeps CLOEXEC). */
static int open_output(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0 && fd < 3) {
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int err = errno;
    close(fd);
    errno = err;
    fd = high;
  }
  return fd;
}

/**
 * Adds a signal to a set without sigaddset's refusal of glibc's two internal signals (32, 33):
 * glibc's posix_spawn leaves those ignored in the child unless they are in the default set, and a
 * task must start with every disposition at its default, as it would after fork and exec.
 */
static void add_raw(sigset_t* set, int sig) {
  unsigned long* words = (unsigned long*)set;
  const size_t bits = 8 * sizeof(unsigned long);
  words[(size_t)(sig - 1) / bits] |= 1UL << ((size_t)(sig - 1) % bits);
}

#if !HAVE_ADDCLOSEFROM
/** Without posix_spawn_file_actions_addclosefrom_np: mark every fd >= 3 close-on-exec. */
static void cloexec_from_3(void) {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return;
  struct dirent* e;
  while ((e = readdir(d))) {
    int fd = atoi(e->d_name);
    if (fd >= 3 && fd != dirfd(d)) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  closedir(d);
}
#endif

/**
 * spawn(file, argv, envp, cwd, stdoutPath, stderrPath) -> pid. The child gets its own session
 * (process group id = pid), default handlers for every signal and an empty signal mask, stdin
 * from /dev/null, stdout and stderr appended to the two files, `cwd` as working directory, no other
 * fd of ours, and exactly `envp`. Throws an Error naming the step that failed.
 */
static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 6) {
    napi_throw_type_error(env, NULL, "spawn: expected (file, argv, envp, cwd, stdoutPath, stderrPath)");
    return NULL;
  }
  strings s = {0};
  napi_value result = NULL;
  char* file = c_string(env, &s, args[0], "file");
  char** argv = file ? c_vector(env, &s, args[1], "argv") : NULL;
  char** envp = argv ? c_vector(env, &s, args[2], "envp") : NULL;
  char* cwd = envp ? c_string(env, &s, args[3], "cwd") : NULL;
  char* out_path = cwd ? c_string(env, &s, args[4], "stdoutPath") : NULL;
  char* err_path = out_path ? c_string(env, &s, args[5], "stderrPath") : NULL;
  if (!err_path) goto done;
  if (!argv[0]) {
    napi_throw_type_error(env, NULL, "spawn: argv must hold at least argv[0]");
    goto done;
  }

  char exe[PATH_MAX];
  int rc = resolve(file, envp, cwd, exe, sizeof exe);
  if (rc) {
    throw_errno(env, rc, "posix_spawn", file);
    goto done;
  }
  int out = open_output(out_path);
  if (out < 0) {
    throw_errno(env, errno, "open", out_path);
    goto done;
  }
  int err = open_output(err_path);
  if (err < 0) {
    throw_errno(env, errno, "open", err_path);
    close(out);
    goto done;
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t all, none;
  sigfillset(&all);
  for (int sig = 32; sig < SIGRTMIN; sig++) add_raw(&all, sig);
  sigemptyset(&none);
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setsigdefault(&attr, &all);  // Node ignores SIGPIPE; the task must not inherit that
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd);
#if HAVE_ADDCLOSEFROM
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#else
  cloexec_from_3();
#endif
  pid_t pid = 0;
  rc = posix_spawn(&pid, exe, &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out);
  close(err);
  if (rc) {
    // One errno for every step in the child: name the working directory when it is the culprit.
    struct stat st;
    if (stat(cwd, &st) != 0) throw_errno(env, errno, "chdir", cwd);
    else if (!S_ISDIR(st.st_mode)) throw_errno(env, ENOTDIR, "chdir", cwd);
    else throw_errno(env, rc, "posix_spawn", exe);
    goto done;
  }
  napi_create_int32(env, pid, &result);
done:
  strings_free(&s);
  return result;
}

/** reap() -> [{pid, code, signal}]: every child that has ended since the last call (waitpid(-1, WNOHANG)). */
static napi_value Reap(napi_env env, napi_callback_info info) {
  napi_value list;
  CHECK(napi_create_array(env, &list));
  uint32_t n = 0;
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == -1 && errno == EINTR) continue;
    if (pid <= 0) break;  // 0: children run, none ended; -1 ECHILD: no children at all
    napi_value item, pid_v, code_v, signal_v;
    CHECK(napi_create_object(env, &item));
    CHECK(napi_create_int32(env, pid, &pid_v));
    if (WIFEXITED(status)) {
      CHECK(napi_create_int32(env, WEXITSTATUS(status), &code_v));
      CHECK(napi_get_null(env, &signal_v));
    } else {
      CHECK(napi_get_null(env, &code_v));
      CHECK(napi_create_int32(env, WTERMSIG(status), &signal_v));
    }
    CHECK(napi_set_named_property(env, item, "pid", pid_v));
    CHECK(napi_set_named_property(env, item, "code", code_v));
    CHECK(napi_set_named_property(env, item, "signal", signal_v));
    CHECK(napi_set_element(env, list, n++, item));
  }
  return list;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"spawn", NULL, Spawn, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reap", NULL, Reap, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
