/* attn-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdlib.h>

static char *tmpdir;

static const char *
env_or (const char *name, const char *fallback)
{
  const char *v = g_getenv (name);
  return (v && *v) ? v : fallback;
}

const char *
attn_test_srcdir (void)
{
  return env_or ("ATTN_SRCDIR", ".");
}

const char *
attn_test_builddir (void)
{
  return env_or ("ATTN_BUILDDIR", ".");
}

const char *
attn_test_python (void)
{
  return env_or ("ATTN_PYTHON", "/usr/bin/python3");
}

const char *
attn_test_attnview (void)
{
  return env_or ("ATTN_ATTNVIEW", "attnview");
}

static void
remove_tmpdir (void)
{
  g_autoptr (GFile) dir = NULL;
  g_autoptr (GFileEnumerator) e = NULL;
  GFileInfo *info;

  if (tmpdir == NULL || g_getenv ("ATTN_KEEP_TMP"))
    return;
  dir = g_file_new_for_path (tmpdir);
  e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  while (e && (info = g_file_enumerator_next_file (e, NULL, NULL)))
    {
      g_autofree char *p = g_build_filename (tmpdir, g_file_info_get_name (info), NULL);
      g_chmod (p, 0644);
      g_remove (p);
      g_object_unref (info);
    }
  g_chmod (tmpdir, 0755);
  g_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

const char *
attn_test_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      tmpdir = g_dir_make_tmp ("attnview-test-XXXXXX", NULL);
      g_assert_nonnull (tmpdir);
      atexit (remove_tmpdir);
    }
  return tmpdir;
}

int
attn_test_spawn (const char *const *argv, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status,
                     &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + (WIFSIGNALED (status) ? WTERMSIG (status) : 0);
}

char *
attn_test_run_python_argv (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *err = NULL;
  char *out = NULL;
  int rc;

  g_ptr_array_add (argv, g_strdup (attn_test_python ()));
  g_ptr_array_add (argv, g_build_filename (attn_test_srcdir (), "tests", args[0], NULL));
  for (guint i = 1; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  rc = attn_test_spawn ((const char *const *) argv->pdata, &out, &err);
  if (rc != 0)
    g_error ("%s exited with %d: %s", args[0], rc, err);
  return out;
}

char *
attn_test_run_python (const char *script, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (char *) script);
  va_start (ap, script);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return attn_test_run_python_argv ((const char *const *) args->pdata);
}

GBytes *
attn_test_read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    return NULL;
  return g_bytes_new_take (contents, len);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

char *
attn_test_listing (void)
{
  g_autoptr (GDir) dir = g_dir_open (".", 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **) names->pdata);
}
