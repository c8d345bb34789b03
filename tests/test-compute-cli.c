/* test-compute-cli.c: `attnview compute` from the outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The output is read back by h5py (attention-reference.py check): labels,
 * scales and values against the float64 reference.  A refused command
 * exits 2 with one line on stderr and leaves no output nor temporary file;
 * the input stays byte for byte as it was.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "attn-test-util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char *input;
static GBytes *input_bytes;

static int
run_attnview (const char *const *args, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *o = NULL, *e = NULL, *line = g_strjoinv (" ", (char **) args);
  int status;

  g_ptr_array_add (argv, (char *) attn_test_attnview ());
  g_ptr_array_add (argv, "compute");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  status = attn_test_spawn ((const char *const *) argv->pdata, &o, &e);
  g_test_message ("attnview compute %s -> %d; stderr: %s", line, status, e);
  if (err)
    *err = g_steal_pointer (&e);
  return status;
}

static guint
count_entries (void)
{
  g_autoptr (GDir) dir = g_dir_open (".", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

static void
assert_input_untouched (void)
{
  g_autoptr (GBytes) now = attn_test_read_file (input);

  g_assert_true (g_bytes_equal (now, input_bytes));
}

/* attnview compute INPUT -o out.h5 ARGS, then the h5py check of CASE. */
static void
check_case (const char *const *args, const char *case_fields)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, input);
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, "out.h5");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (run_attnview ((const char *const *) argv->pdata, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_free (attn_test_run_python ("attention-reference.py", "check", "out.h5", input, case_fields,
                                NULL));
  g_assert_cmpint (g_unlink ("out.h5"), ==, 0);
  assert_input_untouched ();
}

static void
test_noise_value_norm (void)
{
  check_case (ARGS ("--dataset", "/std", "--op", "noise", "--eps", "0.5,2", "--tokens", "5:17",
                    "--seed", "7", "--quantity", "value-norm"),
              "c|/std|noise|0.5,2|5:17|value-norm|causal||||7");
}

/* T = 4096 with --max-output room for it: computed and written in bands of
 * query rows (two here), each band's rows computed alone, and equal to the
 * float64 reference (a NaN in Q's head 1 at row 3000, in K at row 3900). */
static void
test_bands (void)
{
  check_case (ARGS ("--dataset", "/long", "--head", "1", "--op", "scale", "--eps", "0.5",
                    "--tokens", "100:3000", "--max-output", "193M"),
              "long_bands|/long|scale|0.5|100:3000|weights|causal||1||0");
}

static void
test_gqa_heads (void)
{
  check_case (ARGS ("--dataset", "gqa", "--head", "1,6", "--op", "scale", "--eps", "2,0.5"),
              "c|/gqa|scale|2,0.5||weights|causal||1,6||0");
}

static void
test_transformer_lens_mean (void)
{
  check_case (ARGS ("--dataset", "/tl", "--op", "mean", "--tokens", "4:24", "--no-causal",
                    "--quantity", "value-norm"),
              "c|/tl|mean||4:24|value-norm|none||||0");
}

static void
test_select_prompt (void)
{
  check_case (ARGS ("--dataset", "/prompt", "--select", "prompt=2", "--op", "scale", "--eps", "3",
                    "--tokens", "10:24"),
              "c|/prompt|scale|3|10:24|weights|causal|||prompt=2|0");
}

static void
test_layer_order (void)
{
  check_case (ARGS ("--dataset", "/ltc", "--layer", "1", "--op", "noise", "--eps", "1", "--tokens",
                    "2:9", "--seed", "11", "--component", "query", "--component", "key",
                    "--component", "value"),
              "c|/ltc|noise|1|2:9|weights|causal|1|||11");
}

/* TransformerLens' hooks, one dataset per layer (dotted root names with the
 * batch, nested groups without it), read as the same Q/K/V stacked with
 * labels: the same attention, GQA included. */
static void
test_hooks (void)
{
  g_autofree char *dir = g_build_filename (attn_test_tmpdir (), "hooks", NULL);
  const char *files[] = { "hooks-stacked.h5", "hooks-dotted.h5", "hooks-nested.h5" };
  const char *outs[] = { "hooks-0.h5", "hooks-1.h5", "hooks-2.h5" };
  char *err = NULL;

  g_mkdir (dir, 0755);
  g_free (attn_test_run_python ("attention-reference.py", "hooks", dir, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *in = g_build_filename (dir, files[i], NULL);

      g_assert_cmpint (run_attnview (ARGS (in, "-o", outs[i], "--op", "noise", "--eps", "0.5,2",
                                           "--layer", "1,2", "--tokens", "3:17", "--seed", "5",
                                           "--quantity", "value-norm"),
                                     NULL),
                       ==, 0);
    }
  for (guint i = 1; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *said = attn_test_run_python ("attention-reference.py", "same", outs[0],
                                                    outs[i], NULL);
      g_test_message ("%s: %s", files[i], said);
    }
  /* a group without them says what it looked for */
  g_assert_cmpint (run_attnview (ARGS (input, "-o", "out.h5", "--dataset", "/nope"), &err), ==, 2);
  g_assert_nonnull (strstr (err, "blocks.{l}.attn.hook_q"));
  g_free (err);
  for (guint i = 0; i < G_N_ELEMENTS (outs); i++)
    g_unlink (outs[i]);
}

/* The demo's same-layer grid, computed by PyTorch when the demo was made
 * (data/make-demo.py), against the live computation. */
static void
test_demo_same_layer (void)
{
  g_autofree char *demo = g_build_filename (attn_test_srcdir (), "data", "demo.h5", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (run_attnview (ARGS (demo, "-o", "demo-live.h5", "--select", "prompt=0",
                                       "--layer", "3", "--head", "0", "--component", "query",
                                       "--component", "key", "--op", "scale", "--eps",
                                       "5e-1,1e-3,1e-10"),
                                 NULL),
                   ==, 0);
  out = attn_test_run_python ("attention-reference.py", "demo", "demo-live.h5", demo, NULL);
  g_test_message ("%s", out);
  g_unlink ("demo-live.h5");
}

static int
run_render (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *o = NULL, *e = NULL;
  int status;

  g_ptr_array_add (argv, (char *) attn_test_attnview ());
  g_ptr_array_add (argv, "render");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  status = attn_test_spawn ((const char *const *) argv->pdata, &o, &e);
  g_test_message ("attnview render -> %d; stderr: %s", status, e);
  g_assert_cmpstr (e, ==, "");
  return status;
}

/* render with the live options draws what compute wrote: the same pixels,
 * also through a saved view; --select goes to Q/K/V's own dimensions
 * (prompt) or to the computed ones (component, epsilon).  Without
 * provenance: the figures' views and files differ, their pictures not. */
static void
test_render_live (void)
{
  g_autoptr (GBytes) a = NULL, b = NULL, c = NULL;

  g_assert_cmpint (run_attnview (ARGS (input, "-o", "live.h5", "--dataset", "/prompt", "--select",
                                       "prompt=2", "--op", "noise", "--eps", "0.5,2", "--tokens",
                                       "3:20", "--seed", "5"),
                                 NULL),
                   ==, 0);
  g_assert_cmpint (run_render (ARGS ("live.h5", "-o", "stored.png", "--bare", "--no-provenance", "--select",
                                     "component=1", "--select", "epsilon=1", "--select", "head=1")),
                   ==, 0);
  g_assert_cmpint (run_render (ARGS (input, "-o", "live.png", "--bare", "--no-provenance", "--dataset", "/prompt",
                                     "--select", "prompt=2", "--op", "noise", "--eps", "0.5,2",
                                     "--tokens", "3:20", "--seed", "5", "--select", "component=1",
                                     "--select", "epsilon=1", "--select", "head=1",
                                     "--save-view", "live.json")),
                   ==, 0);
  g_assert_cmpint (run_render (ARGS (input, "-o", "again.png", "--no-provenance", "--view", "live.json")),
                   ==, 0);
  a = attn_test_read_file ("stored.png");
  b = attn_test_read_file ("live.png");
  c = attn_test_read_file ("again.png");
  g_assert_true (g_bytes_equal (a, b));
  g_assert_true (g_bytes_equal (b, c));
  assert_input_untouched ();
  for (const char *const *f = ARGS ("live.h5", "stored.png", "live.png", "again.png", "live.json");
       *f; f++)
    g_unlink (*f);
}

/* Refused with want_status and one line on stderr; it names flag (the
 * core says what is wrong in words, the command line adds its flag). */
static void
expect_refused_flag (const char *const *args, int want_status, const char *flag)
{
  g_autofree char *err = NULL;
  guint before = count_entries ();

  g_assert_cmpint (run_attnview (args, &err), ==, want_status);
  g_assert_true (g_str_has_prefix (err, "attnview"));
  if (flag && !strstr (err, flag))
    g_error ("'%s' does not name %s", err, flag);
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
  g_assert_false (g_file_test ("out.h5", G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (), ==, before);
  assert_input_untouched ();
}

static void
expect_refused (const char *const *args, int want_status)
{
  expect_refused_flag (args, want_status, NULL);
}

static void
test_refused (void)
{
  g_file_set_contents ("not.h5", "plain text", -1, NULL);
  expect_refused (ARGS (input, "-o", input), 2);
  expect_refused_flag (ARGS (input, "-o", "out.h5"), 2, "--dataset: "); /* several groups */
  expect_refused (ARGS (input, "-o", "out.h5", "--dataset", "/none"), 2);
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--op", "mean", "--eps", "1"),
                       2, "--eps: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--op", "scale"), 2,
                       "--eps: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--op", "blur"), 2,
                       "--op blur: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--eps", "x", "--op", "add"),
                       2, "--eps: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--component", "keys"), 2,
                       "--component: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--layer", "2"), 2,
                       "--layer: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--head", "0:9"), 2,
                       "--head: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--tokens", "3:99"), 2,
                       "--tokens: the token range 3:99");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--quantity", "norm"), 2,
                       "--quantity norm: ");
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/prompt", "--select", "batch=0"),
                       2, "--select: ");
  expect_refused (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--bogus"), 2);
  /* an output larger than --max-output: both sizes said, nothing written
   * (/std: 3 components x 1 x 2 layers x 2 heads x 24 x 24 float32) */
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--max-output", "1K"), 2,
                       "the output would be 27.0\u00a0KiB (3 × 1 × 2 × 2 × 24 × 24 float32), "
                       "more than --max-output 1.0\u00a0KiB"); /* GLib's sizes: a no-break space */
  expect_refused_flag (ARGS (input, "-o", "out.h5", "--dataset", "/std", "--max-output", "lots"), 2,
                       "--max-output: “lots” is not a size");
  expect_refused (ARGS ("-o", "out.h5"), 2);
  expect_refused (ARGS (input), 2);
  expect_refused (ARGS ("not.h5", "-o", "out.h5"), 2);
  expect_refused (ARGS ("missing.h5", "-o", "out.h5"), 2);
  /* cannot write: exit 1 */
  expect_refused (ARGS (input, "-o", "no/such/dir/out.h5", "--dataset", "/std"), 1);
  g_unlink ("not.h5");
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (g_chdir (attn_test_tmpdir ()), ==, 0);
  dir = g_build_filename (attn_test_tmpdir (), "reference", NULL);
  g_mkdir (dir, 0755);
  g_free (attn_test_run_python ("attention-reference.py", "make", dir, NULL));
  input = g_build_filename (dir, "input.h5", NULL);
  input_bytes = attn_test_read_file (input);

  g_test_add_func ("/compute-cli/noise-value-norm", test_noise_value_norm);
  g_test_add_func ("/compute-cli/gqa-heads", test_gqa_heads);
  g_test_add_func ("/compute-cli/bands", test_bands);
  g_test_add_func ("/compute-cli/transformer-lens-mean", test_transformer_lens_mean);
  g_test_add_func ("/compute-cli/select-prompt", test_select_prompt);
  g_test_add_func ("/compute-cli/layer-token-head-channel", test_layer_order);
  g_test_add_func ("/compute-cli/refused", test_refused);
  g_test_add_func ("/compute-cli/demo-same-layer", test_demo_same_layer);
  g_test_add_func ("/compute-cli/hooks", test_hooks);
  g_test_add_func ("/compute-cli/render-live", test_render_live);
  return g_test_run ();
}
