/* attn-compute-main.c: attnview-compute, `attnview compute`, `capture` and
 * `overview`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A program of its own because it writes its output with libhdf5
 * in-process (files attnview writes are not untrusted input): attnview-cli,
 * which only reads (through reader processes), then need not load
 * libhdf5, which costs a command 18 ms.
 */
#include "attn-blas.h"
#include "attn-i18n.h"
#include "attn-reader.h"
#include "attn-cli.h"

int
main (int argc, char **argv)
{
  attn_i18n_init ();
  /* before any thread exists (attn-blas.h) */
  attn_blas_prepare ();
  if (argc >= 2 && g_str_equal (argv[1], "capture"))
    return attn_cli_capture (argc - 1, argv + 1);
  attn_reader_prestart_command (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "overview"))
    return attn_cli_overview (argc - 1, argv + 1);
  return attn_cli_compute (argc - 1, argv + 1);
}
