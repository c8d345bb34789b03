/* attn-digest-cache.c: the SHA-256 of data already read, kept between runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One small file an entry, named by the SHA-256 of the file's identity and
 * the caller's key, holding the digest in hex: written beside and renamed
 * into place, so a reader finds a whole entry or none; an entry of any
 * other shape is passed over.  Now and then a store removes the entries
 * nobody wrote for ENTRY_DAYS (those of files long gone).
 */
#include "attn-digest-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define ENTRY_PREFIX "attnview-digest-1"
/* Longer than any file system's clock step (ext4: a few milliseconds, FAT:
 * two seconds) and than a writer's flush. */
#define SETTLE_US ((gint64) 3 * G_USEC_PER_SEC)
#define ENTRY_DAYS 90
#define HEX_LEN 64

void
attn_file_identity_from_stat (AttnFileIdentity *id, const struct stat *st)
{
  *id = (AttnFileIdentity){
    .dev = (guint64) st->st_dev,
    .ino = (guint64) st->st_ino,
    .size = (guint64) st->st_size,
    .mtime_ns = (gint64) st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
    .ctime_ns = (gint64) st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec,
  };
}

gboolean
attn_file_identity_equal (const AttnFileIdentity *a, const AttnFileIdentity *b)
{
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns
         && a->ctime_ns == b->ctime_ns;
}

char *
attn_digest_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "attnview", "digests", NULL);
}

/* The entry's path: its name is the hex SHA-256 of identity and key. */
static char *
entry_path (const AttnFileIdentity *file, const void *key, gsize key_len)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *dir = attn_digest_cache_dir ();
  guint64 words[5] = { GUINT64_TO_LE (file->dev), GUINT64_TO_LE (file->ino),
                       GUINT64_TO_LE (file->size), GUINT64_TO_LE ((guint64) file->mtime_ns),
                       GUINT64_TO_LE ((guint64) file->ctime_ns) };

  g_checksum_update (sum, (const guchar *) ENTRY_PREFIX, sizeof ENTRY_PREFIX);
  g_checksum_update (sum, (const guchar *) words, sizeof words);
  g_checksum_update (sum, key, (gssize) key_len);
  return g_build_filename (dir, g_checksum_get_string (sum), NULL);
}

gboolean
attn_digest_cache_lookup (const AttnFileIdentity *file, const void *key, gsize key_len,
                          guint8 digest[32])
{
  g_autofree char *path = entry_path (file, key, key_len);
  char text[HEX_LEN + 2];
  ssize_t got;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return FALSE;
  do
    got = read (fd, text, sizeof text);
  while (got < 0 && errno == EINTR);
  close (fd);
  if (got != HEX_LEN + 1 || text[HEX_LEN] != '\n')
    return FALSE;
  for (guint i = 0; i < 32; i++)
    {
      int hi = g_ascii_xdigit_value (text[2 * i]), lo = g_ascii_xdigit_value (text[2 * i + 1]);

      if (hi < 0 || lo < 0 || g_ascii_isupper (text[2 * i]) || g_ascii_isupper (text[2 * i + 1]))
        return FALSE;
      digest[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

/* Removes the entries (and left-over temporary files) older than
 * ENTRY_DAYS. */
static void
prune (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  gint64 before = g_get_real_time () / G_USEC_PER_SEC - (gint64) ENTRY_DAYS * 24 * 3600;
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      struct stat st;

      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_mtime < before)
        g_unlink (path);
    }
}

void
attn_digest_cache_store (const AttnFileIdentity *before, const AttnFileIdentity *after,
                         gint64 asked_us, const void *key, gsize key_len,
                         const guint8 digest[32])
{
  g_autofree char *path = NULL, *tmp = NULL, *dir = NULL;
  char text[HEX_LEN + 1];
  gboolean ok;
  int fd;

  if (!attn_file_identity_equal (before, after)
      || MAX (after->mtime_ns, after->ctime_ns) / 1000 + SETTLE_US > asked_us)
    return;
  dir = attn_digest_cache_dir ();
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return;
  if (g_random_int_range (0, 64) == 0)
    prune (dir);
  for (guint i = 0; i < 32; i++)
    {
      text[2 * i] = "0123456789abcdef"[digest[i] >> 4];
      text[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
    }
  text[HEX_LEN] = '\n';
  path = entry_path (after, key, key_len);
  tmp = g_strdup_printf ("%s.%d-%08x.tmp", path, (int) getpid (), g_random_int ());
  if ((fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
    return;
  ok = write (fd, text, sizeof text) == (ssize_t) sizeof text;
  ok = close (fd) == 0 && ok;
  if (!ok || g_rename (tmp, path) != 0)
    g_unlink (tmp);
}
