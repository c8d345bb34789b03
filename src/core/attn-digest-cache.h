/* attn-digest-cache.h: the SHA-256 of data already read, kept between runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A figure's provenance hashes every stored chunk its panels read
 * (attn_figure_digest): at 1.7 GB/s a core, the longest part of drawing a
 * large file.  Drawn again from the same file (the usual way to a paper's
 * figure: the same data, another colour map or range), the digest is the
 * one of last time, kept in the user's cache directory under what names the
 * file's state (device, inode, size, change and modification times, all
 * from the descriptor that read it) and what was hashed (a key of the
 * caller's).  Any write to the file moves its change time, so a changed
 * file is never matched; an entry is kept only when the file was the same
 * before and after the hashing and its times are older than the hashing by
 * more than the file system's clock step (a write in the same step as the
 * reading would leave them alone).  Losing the cache loses nothing but time.
 */
#pragma once

#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 dev, ino, size;
  gint64 mtime_ns, ctime_ns;
} AttnFileIdentity;

void attn_file_identity_from_stat (AttnFileIdentity *id, const struct stat *st);
gboolean attn_file_identity_equal (const AttnFileIdentity *a, const AttnFileIdentity *b);

/* The digest kept for what key names in the file, TRUE when there is one. */
gboolean attn_digest_cache_lookup (const AttnFileIdentity *file, const void *key, gsize key_len,
                                   guint8 digest[32]);

/* Keeps the digest of what key names, hashed between asked_us (real time,
 * g_get_real_time) and the identity after; nothing when the file changed
 * between before and after or too recently. */
void attn_digest_cache_store (const AttnFileIdentity *before, const AttnFileIdentity *after,
                              gint64 asked_us, const void *key, gsize key_len,
                              const guint8 digest[32]);

/* The folder of the entries ($XDG_CACHE_HOME/attnview/digests). */
char *attn_digest_cache_dir (void);

G_END_DECLS
