/* fuzz-util.c: what every libFuzzer target of attnview shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "fuzz-util.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* GLib stops a fatal message with SIGTRAP, which libFuzzer does not catch
 * (the run would end with no artifact): abort here instead. */
static void
drop_message (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      fprintf (stderr, "%s-%s **: %s\n", domain ? domain : "",
               level & G_LOG_LEVEL_ERROR ? "ERROR" : "CRITICAL", message);
      abort ();
    }
}

void
fuzz_init (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  setenv ("LC_ALL", "C", TRUE);
  setlocale (LC_ALL, "C");
  g_log_set_default_handler (drop_message, NULL);
  g_once_init_leave (&done, 1);
}

char *
fuzz_temp_file (const uint8_t *data, size_t size)
{
  static guint counter = 0;
  const char *dir = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
  g_autofree char *name = g_strdup_printf ("attnview-fuzz-%d-%u.bin", (int) getpid (), counter++);
  char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    {
      g_free (path);
      return NULL;
    }
  return path;
}

void
fuzz_temp_file_remove (char *path)
{
  if (path != NULL)
    unlink (path);
  g_free (path);
}

char **
fuzz_split (const uint8_t *data, size_t size, guint max)
{
  GPtrArray *parts = g_ptr_array_new ();
  size_t start = 0;

  for (size_t i = 0; i <= size; i++)
    {
      gboolean last = parts->len + 1 == max;
      if (i < size && (data[i] != 0 || last))
        continue;
      g_ptr_array_add (parts, g_strndup ((const char *) data + start, i - start));
      start = i + 1;
    }
  g_ptr_array_add (parts, NULL);
  return (char **) g_ptr_array_free (parts, FALSE);
}
