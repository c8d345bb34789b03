/* attn-h5-lzf.c: the LZF filter, decoding with liblzf
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-h5-lzf.h"

#include <errno.h>
#include <hdf5.h>
#include <lzf.h>
#include <stdlib.h>

/* A chunk never decodes to more than this: a guard against damaged files. */
#define LZF_MAX_CHUNK ((size_t) G_MAXUINT32)

/* h5py stores the uncompressed chunk size in cd_values[2] (0 when unknown). */
static size_t
lzf_first_guess (size_t cd_nelmts, const unsigned int cd_values[], size_t buf_size)
{
  if (cd_nelmts >= 3 && cd_values[2] != 0)
    return cd_values[2];
  return buf_size;
}

/* HDF5 owns *buf and frees it with free(): allocate with malloc(). */
static size_t
lzf_filter (unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[], size_t nbytes,
            size_t *buf_size, void **buf)
{
  size_t out_size = lzf_first_guess (cd_nelmts, cd_values, *buf_size);
  unsigned int status = 0;
  void *out = NULL;

  if (!(flags & H5Z_FLAG_REVERSE) || nbytes == 0 || out_size == 0)
    return 0; /* no encoder: the viewer never writes */

  while (status == 0 && out_size <= LZF_MAX_CHUNK)
    {
      free (out);
      out = malloc (out_size);
      if (out == NULL)
        return 0;
      status = lzf_decompress (*buf, (unsigned int) nbytes, out, (unsigned int) out_size);
      if (status == 0 && errno != E2BIG)
        break; /* EINVAL: damaged data */
      if (status == 0)
        out_size += MAX (*buf_size, nbytes);
    }
  /* HDF5 1.10 copies a whole chunk out of what a filter gives: a chunk
   * that decodes shorter than the size h5py recorded (which
   * attn_h5_check_filters holds to the dataset's chunks) is damaged, and
   * handing it on would let HDF5 read past the buffer. */
  if (status == 0 || (cd_nelmts >= 3 && cd_values[2] != 0 && status != cd_values[2]))
    {
      free (out);
      return 0;
    }
  free (*buf);
  *buf = out;
  *buf_size = out_size;
  return status;
}

static const H5Z_class2_t lzf_class = {
  H5Z_CLASS_T_VERS,
  (H5Z_filter_t) ATTN_H5_FILTER_LZF,
  0, /* encoder present */
  1, /* decoder present */
  "lzf",
  NULL, /* can_apply */
  NULL, /* set_local */
  (H5Z_func_t) lzf_filter,
};

gboolean
attn_h5_lzf_register (void)
{
  return H5Zregister (&lzf_class) >= 0;
}
