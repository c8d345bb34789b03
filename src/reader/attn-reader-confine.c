/* attn-reader-confine.c: the reader confined by the kernel itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Once it knows its file, and before libhdf5 reads a byte of it, the reader
 * gives up what a crafted file could use it for.  No helper program and no
 * namespaces: the restrictions are system calls of the process on itself,
 * so confinement costs no start-up time.
 *
 * - Landlock (Linux 5.13, enabled in Debian 12's kernel): of the whole file
 *   system only /usr (the libraries and HDF5's filter plugins, loaded late),
 *   the loader's cache, the process's own /proc entry and the one file, all
 *   read-only; no TCP (ABI 4); no abstract Unix socket or signal outside the
 *   process (ABI 6).  A file that points into another one (external links,
 *   external storage, virtual datasets) then fails to read, cleanly.
 * - seccomp: no new socket of any kind, no program started, no other
 *   process read or written.
 *
 * What the kernel lacks is skipped, not an error: the reader is still a
 * separate process that may crash and hang on its own.
 */
#define _GNU_SOURCE /* O_PATH */
#include "attn-reader-confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define AUDIT_ARCH_HERE 0xc000003eu /* AUDIT_ARCH_X86_64 */
#elif defined(__aarch64__)
#define AUDIT_ARCH_HERE 0xc00000b7u /* AUDIT_ARCH_AARCH64 */
#endif

/* The rights of later Landlock versions (the headers may be older). */
#define FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define NET_BIND_TCP (1ULL << 0)  /* ABI 4 */
#define NET_CONNECT_TCP (1ULL << 1)
#define SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define SCOPE_SIGNAL (1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6; the kernel reads the part of it
 * its version knows (the size given). */
typedef struct
{
  guint64 handled_access_fs, handled_access_net, scoped;
} RulesetAttr;

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

static guint64
handled_fs (int abi)
{
  guint64 fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */

  if (abi >= 2)
    fs |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    fs |= FS_TRUNCATE;
  if (abi >= 5)
    fs |= FS_IOCTL_DEV;
  return fs;
}

/* Allows access beneath path (a directory or a file); a path that is not
 * there is left out. */
static gboolean
allow (int ruleset, const char *path, guint64 access)
{
  struct landlock_path_beneath_attr rule = { .allowed_access = access };
  gboolean ok;

  rule.parent_fd = open (path, O_PATH | O_CLOEXEC);
  if (rule.parent_fd < 0)
    return errno == ENOENT;
  /* a file takes only the rights that apply to files */
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    rule.allowed_access &= ~(guint64) LANDLOCK_ACCESS_FS_READ_DIR;
  ok = syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) == 0;
  close (rule.parent_fd);
  return ok;
}

static gboolean
confine_files (const char *filename)
{
  int abi = (int) syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  RulesetAttr attr = { 0 };
  gsize size = sizeof attr.handled_access_fs;
  gboolean ok;
  int ruleset;

  if (abi < 1)
    return FALSE; /* not built in, or turned off at boot */
  attr.handled_access_fs = handled_fs (abi);
  if (abi >= 4)
    {
      attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP; /* no rule: none allowed */
      size = offsetof (RulesetAttr, scoped);
    }
  if (abi >= 6)
    {
      attr.scoped = SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL;
      size = sizeof attr;
    }
  ruleset = (int) syscall (SYS_landlock_create_ruleset, &attr, size, 0);
  if (ruleset < 0)
    return FALSE;
  ok = allow (ruleset, "/usr", FS_READ | LANDLOCK_ACCESS_FS_EXECUTE)
       && allow (ruleset, "/etc/ld.so.cache", LANDLOCK_ACCESS_FS_READ_FILE)
       && allow (ruleset, "/proc/self", FS_READ) && allow (ruleset, filename, FS_READ)
       && syscall (SYS_landlock_restrict_self, ruleset, 0) == 0;
  close (ruleset);
  return ok;
}

#ifdef AUDIT_ARCH_HERE
#define DENY(nr)                                                                                   \
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),                                                \
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

static gboolean
confine_calls (void)
{
  struct sock_filter filter[] = {
    /* another architecture's numbers mean other calls: refused */
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_HERE, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
#ifdef __x86_64__
    /* the x32 numbers of the same calls */
    BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
#endif
    DENY (SYS_socket),
    DENY (SYS_execve),
    DENY (SYS_execveat),
    DENY (SYS_process_vm_readv),
    DENY (SYS_process_vm_writev),
#if !defined(__SANITIZE_ADDRESS__)
    /* LeakSanitizer stops the threads with ptrace at exit: allowed there */
    DENY (SYS_ptrace),
#endif
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { G_N_ELEMENTS (filter), filter };

  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}
#else
static gboolean
confine_calls (void)
{
  return FALSE;
}
#endif

AttnReaderConfinement
attn_reader_confine (const char *filename)
{
  AttnReaderConfinement done = 0;

  if (g_strcmp0 (g_getenv ("ATTN_READER_SANDBOX"), "0") == 0)
    return 0;
  /* both need it unprivileged; it also keeps set-uid programs inert */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return 0;
  if (confine_files (filename))
    done |= ATTN_READER_CONFINED_FILES;
  if (confine_calls ())
    done |= ATTN_READER_CONFINED_CALLS;
  return done;
}
