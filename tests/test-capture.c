/* test-capture.c: `attnview capture` of a real model, against PyTorch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model is ../shared/models/tinystories_260k_v1.bin (skipped with a
 * message when absent, never copied into the project).  Every tensor a
 * capture writes is compared with model-reference.py, a float64 PyTorch
 * forward pass (skipped when python3-torch is missing), within 1e-4 of its
 * largest magnitude, with and without an intervention at layer 1 observed
 * at layers 2-4.  The same model converted to a Hugging Face folder by
 * tools/model-to-hf.py gives an identical capture.  Bad models and prompts
 * exit 2 with one line and leave no file.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "attn-test-util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char *model_path;

static gboolean
have_model (void)
{
  if (g_file_test (model_path, G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip_printf ("the test model %s is absent", model_path);
  return FALSE;
}

static gboolean
have_torch (void)
{
  g_autofree char *out = NULL, *err = NULL;

  if (attn_test_spawn (ARGS (attn_test_python (), "-c", "import torch"), &out, &err) == 0)
    return TRUE;
  g_test_skip ("python3-torch is not installed: no reference to compare with");
  return FALSE;
}

/* attnview capture ARGS; its status, stderr in *err. */
static int
capture (const char *const *args, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *o = NULL, *e = NULL, *line = g_strjoinv (" ", (char **) args);
  int status;

  g_ptr_array_add (argv, (char *) attn_test_attnview ());
  g_ptr_array_add (argv, "capture");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  status = attn_test_spawn ((const char *const *) argv->pdata, &o, &e);
  g_test_message ("attnview capture %s -> %d; stderr: %s", line, status, e);
  if (err)
    *err = g_steal_pointer (&e);
  return status;
}

static const char *ids = "1,403,407,261,378,430,261,400,263,361,261,415,456,303,358,409,289";

/* capture and reference of the same run, compared tensor by tensor. */
static void
check_against_reference (const char *const *live)
{
  g_autoptr (GPtrArray) cap = g_ptr_array_new (), ref = g_ptr_array_new ();
  g_autofree char *err = NULL, *out = NULL;
  const char *common[] = { model_path, "--token-ids", ids };

  if (!have_model () || !have_torch ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    g_ptr_array_add (cap, (char *) common[i]), g_ptr_array_add (ref, (char *) common[i]);
  for (guint i = 0; live[i]; i++)
    g_ptr_array_add (cap, (char *) live[i]), g_ptr_array_add (ref, (char *) live[i]);
  g_ptr_array_add (cap, "-o"), g_ptr_array_add (cap, "cap.h5"), g_ptr_array_add (cap, NULL);
  g_assert_cmpint (capture ((const char *const *) cap->pdata, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_ptr_array_insert (ref, 0, (char *) "model-reference.py");
  g_ptr_array_add (ref, "-o"), g_ptr_array_add (ref, "ref.h5"), g_ptr_array_add (ref, NULL);
  g_free (attn_test_run_python_argv ((const char *const *) ref->pdata));
  out = attn_test_run_python ("check-capture.py", "cap.h5", "ref.h5", "--tol", "1e-4", NULL);
  g_test_message ("%s", out);
  g_unlink ("cap.h5"), g_unlink ("ref.h5");
}

static void
test_clean (void)
{
  check_against_reference (ARGS ("--op", "none"));
}

static void
test_scale_value_query (void)
{
  check_against_reference (ARGS ("--component", "value", "--component", "query", "--op", "scale",
                                 "--eps", "0.5,1e-3", "--layer", "1"));
}

static void
test_noise_heads_tokens (void)
{
  check_against_reference (ARGS ("--component", "key", "--op", "noise", "--eps", "2",
                                 "--layer", "1", "--head", "0,5", "--tokens", "3:9", "--seed", "7"));
}

static void
test_mean_zero (void)
{
  check_against_reference (ARGS ("--op", "mean", "--layer", "1,3", "--tokens", "2:12"));
  check_against_reference (ARGS ("--component", "value", "--op", "zero", "--layer", "1"));
}

/* The single file and its Hugging Face conversion: the same numbers. */
static void
test_hf_identical (void)
{
  g_autofree char *err = NULL;
  const char *live[] = { "--component", "value", "--op", "scale", "--eps", "0.5", "--layer", "1" };
  g_autoptr (GPtrArray) a = g_ptr_array_new (), b = g_ptr_array_new ();

  if (!have_model ())
    return;
  g_free (attn_test_run_python ("../tools/model-to-hf.py", model_path, "hf", NULL));
  g_ptr_array_add (a, model_path), g_ptr_array_add (b, "hf");
  for (guint i = 0; i < G_N_ELEMENTS (live); i++)
    g_ptr_array_add (a, (char *) live[i]), g_ptr_array_add (b, (char *) live[i]);
  g_ptr_array_add (a, "--prompt"), g_ptr_array_add (b, "--prompt");
  g_ptr_array_add (a, "Lily saw a big dog."), g_ptr_array_add (b, "Lily saw a big dog.");
  g_ptr_array_add (a, "-o"), g_ptr_array_add (b, "-o");
  g_ptr_array_add (a, "a.h5"), g_ptr_array_add (b, "b.h5");
  g_ptr_array_add (a, NULL), g_ptr_array_add (b, NULL);
  g_assert_cmpint (capture ((const char *const *) a->pdata, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (capture ((const char *const *) b->pdata, &err), ==, 0);
  g_free (attn_test_run_python ("compare-captures.py", "a.h5", "b.h5", NULL));
  g_unlink ("a.h5"), g_unlink ("b.h5");
}

/* Greedy decoding from the start token gives the model card's sentence. */
static void
test_generate (void)
{
  g_autofree char *err = NULL;

  if (!have_model ())
    return;
  g_assert_cmpint (capture (ARGS (model_path, "--token-ids", "1", "--generate", "40", "-o", "g.h5"),
                            &err), ==, 0);
  g_assert_nonnull (strstr (err, "generated: Once upon a time, there was a little girl named "
                                 "Lily. She loved to play outside in the park."));
  g_unlink ("g.h5");
}

/* path: the model's bytes with [at, at + n) replaced by with (or cut at
 * at when with is NULL). */
static void
write_damaged (const char *path, gsize at, const char *with, gsize n)
{
  g_autoptr (GBytes) bytes = attn_test_read_file (model_path);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);

  if (with)
    memcpy (copy + at, with, n);
  g_assert_true (g_file_set_contents (path, (const char *) copy, with ? len : at, NULL));
}

static void
assert_refused (const char *const *args, const char *word)
{
  g_autofree char *err = NULL, *before = attn_test_listing (), *after = NULL;

  g_assert_cmpint (capture (args, &err), ==, 2);
  g_assert_nonnull (strstr (err, word));
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
  after = attn_test_listing ();
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_models (void)
{
  if (!have_model ())
    return;
  write_damaged ("empty.bin", 0, NULL, 0);
  assert_refused (ARGS ("empty.bin", "--token-ids", "1,2", "-o", "x.h5"), "too short");
  g_unlink ("empty.bin");
  write_damaged ("cut.bin", 100000, NULL, 0);
  assert_refused (ARGS ("cut.bin", "--token-ids", "1,2", "-o", "x.h5"), "truncated");
  write_damaged ("magic.bin", 5, "lamma", 5);
  assert_refused (ARGS ("magic.bin", "--token-ids", "1,2", "-o", "x.h5"), "not a model");
  write_damaged ("version.bin", 0, "\2", 1);
  assert_refused (ARGS ("version.bin", "--token-ids", "1,2", "-o", "x.h5"), "not a model");
  write_damaged ("heads.bin", 30, "\3\0\0\0", 4);
  assert_refused (ARGS ("heads.bin", "--token-ids", "1,2", "-o", "x.h5"), "heads");
  g_unlink ("cut.bin"), g_unlink ("magic.bin"), g_unlink ("version.bin"), g_unlink ("heads.bin");
  g_assert_cmpint (g_mkdir ("empty", 0755), ==, 0);
  assert_refused (ARGS ("empty", "--token-ids", "1,2", "-o", "x.h5"), "config.json");
  assert_refused (ARGS ("no-such.bin", "--token-ids", "1,2", "-o", "x.h5"), "no such");
  g_rmdir ("empty");
}

static void
test_bad_prompts (void)
{
  g_autoptr (GString) long_ids = g_string_new ("1");

  if (!have_model ())
    return;
  for (guint i = 0; i < 600; i++)
    g_string_append (long_ids, ",5");
  assert_refused (ARGS (model_path, "--prompt", "", "-o", "x.h5"), "empty");
  assert_refused (ARGS (model_path, "--token-ids", long_ids->str, "-o", "x.h5"), "1 to 512");
  assert_refused (ARGS (model_path, "--token-ids", "1,512", "-o", "x.h5"), "vocabulary");
  assert_refused (ARGS (model_path, "--token-ids", "1,2", "--op", "scale", "--eps", "2",
                        "--layer", "5", "-o", "x.h5"), "layer");
  assert_refused (ARGS (model_path, "--token-ids", "1,2", "--op", "scale", "--eps", "2",
                        "--head", "8", "-o", "x.h5"), "head");
  assert_refused (ARGS (model_path, "--token-ids", "1,2", "--op", "mean", "--tokens", "1:5",
                        "-o", "x.h5"), "token range");
  assert_refused (ARGS (model_path, "-o", "x.h5"), "prompt");
}

/* render of a model: the figure, its saved view, and the view drawn again
 * to the same bytes; a model without a prompt is refused.  The runs stop
 * at the last layer the view draws (a fixed layer, or a range's end), and
 * no layer drawn is left out (NaN). */
static void
test_render_model (void)
{
  g_autofree char *err = NULL, *out = NULL;
  g_autoptr (GBytes) a = NULL, b = NULL;
  const char *argv_cmd[] = { attn_test_attnview (), "render", model_path, "--prompt", "Lily saw a dog.",
                             "--component", "value", "--op", "scale", "--eps", "1,0.1",
                             "--layer", "1", "--select", "layer=3", "--rows", "component",
                             "--cols", "epsilon", "--save-view", "m.json", "-o", "m1.png", NULL };
  const char *argv_view[] = { attn_test_attnview (), "render", model_path, "--view", "m.json",
                              "-o", "m2.png", NULL };
  const char *argv_bad[] = { attn_test_attnview (), "render", model_path, "-o", "m3.png", NULL };
  /* the runs stop at the last layer drawn: layer 3 shown through a range */
  const char *argv_range[] = { attn_test_attnview (), "render", model_path, "--prompt", "Lily saw a dog.",
                               "--rows", "layer", "--range", "layer=2:4", "-o", "m4.png", NULL };

  if (!have_model ())
    return;
  g_assert_cmpint (attn_test_spawn (argv_cmd, &out, &err), ==, 0);
  /* the runs stop at layer 3, not before it: no layer drawn is NaN */
  g_assert_null (strstr (err, "NaN"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (attn_test_spawn (argv_range, &out, &err), ==, 0);
  g_assert_null (strstr (err, "NaN"));
  g_unlink ("m4.png");
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (attn_test_spawn (argv_view, &out, &err), ==, 0);
  a = attn_test_read_file ("m1.png");
  b = attn_test_read_file ("m2.png");
  g_assert_nonnull (a);
  g_assert_true (g_bytes_equal (a, b));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (attn_test_spawn (argv_bad, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--prompt"));
  g_unlink ("m1.png"), g_unlink ("m2.png"), g_unlink ("m.json");
}

int
main (int argc, char **argv)
{
  g_autofree char *models = NULL;

  g_test_init (&argc, &argv, NULL);
  /* ../shared/models beside the checkout, or ATTN_MODELS_DIR */
  models = g_getenv ("ATTN_MODELS_DIR") ? g_strdup (g_getenv ("ATTN_MODELS_DIR"))
                                        : g_build_filename (attn_test_srcdir (), "..", "shared",
                                                            "models", NULL);
  model_path = g_canonicalize_filename ("tinystories_260k_v1.bin", models);
  g_assert_cmpint (g_chdir (attn_test_tmpdir ()), ==, 0);
  g_test_add_func ("/capture/clean", test_clean);
  g_test_add_func ("/capture/scale-value-query", test_scale_value_query);
  g_test_add_func ("/capture/noise-heads-tokens", test_noise_heads_tokens);
  g_test_add_func ("/capture/mean-zero", test_mean_zero);
  g_test_add_func ("/capture/hf-identical", test_hf_identical);
  g_test_add_func ("/capture/generate", test_generate);
  g_test_add_func ("/capture/bad-models", test_bad_models);
  g_test_add_func ("/capture/bad-prompts", test_bad_prompts);
  g_test_add_func ("/capture/render-model", test_render_model);
  return g_test_run ();
}
